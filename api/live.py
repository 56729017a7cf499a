"""Keep a worker's assistant on the newest index, whichever worker changed it.

Each request first asks the store whether it changed (:meth:`ChunkStore.refresh`: one
small read of the directory's ``CURRENT`` or of the database's generation). When it did,
the assistant is rebuilt over the newest store (a new directory version is loaded; a
database is read live, only the corpus counts are read again). Requests that arrive
meanwhile wait for it, so an answer given after a change was completed always sees it.
"""
from __future__ import annotations

import logging
import threading
import time

from api.components import renewed
from assistant.respond import Responder
from vectorstore.errors import IndexNotFoundError
from vectorstore.stores.base import ChunkStore

log = logging.getLogger(__name__)


class LiveIndex:
    """Refreshes ``responder.assistant`` when its store changes elsewhere."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Rebuild the assistant if its store changed since it was built."""
        assistant = self.responder.assistant
        if not assistant.retriever.store.refresh() and assistant.retriever.store.version() == assistant.corpus_version:
            return
        with self._lock:
            store = self.responder.assistant.retriever.store
            if store.refresh() or store.version() != self.responder.assistant.corpus_version:
                started = time.perf_counter()
                self.responder.assistant = renewed(self.responder.assistant, _newest(store))
                log.info("index changed: now serving version %s (reloaded in %.2f s)",
                         self.responder.assistant.retriever.store.version(), time.perf_counter() - started)


def _newest(store: ChunkStore, attempts: int = 5) -> ChunkStore:
    """The store at its newest version: a directory's new version is loaded (retried when a
    writer removes the version being read), a database is the same object."""
    for attempt in range(attempts):
        try:
            return store.reopen()
        except IndexNotFoundError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")
