"""Change an index without rebuilding it: add the chunks of new documents, drop those of
removed or replaced ones. Vectors of the chunks that stay are read back from the store,
so only new chunks are encoded."""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from ingest.types import Chunk
from vectorstore.embeddings import EmbeddingModel
from vectorstore.store import IndexStore
from vectorstore.stores.base import ChunkStore


def encode_chunks(embeddings: EmbeddingModel, chunks: Sequence[Chunk], progress=None) -> np.ndarray:
    """The passage vectors of ``chunks`` ``(n, dim)`` float32 (cached by content hash)."""
    if not chunks:
        return np.zeros((0, embeddings.dimension), dtype=np.float32)
    return np.asarray(embeddings.encode_passages([c.context_text for c in chunks], progress=progress),
                      dtype=np.float32)


def updated_store(store: IndexStore, embeddings: EmbeddingModel, *, add: Sequence[Chunk] = (),
                  remove_doc_ids: Iterable[str] = ()) -> IndexStore:
    """A new :class:`IndexStore`: ``store`` without the chunks of ``remove_doc_ids``, plus ``add``.

    The manifest keeps its fields; counts and creation time are renewed. Nothing is
    written: save the result to make it live.
    """
    return store.changed(add, encode_chunks(embeddings, add), remove_doc_ids)


def apply_change(store: ChunkStore, embeddings: EmbeddingModel, *, add: Sequence[Chunk] = (),
                 remove_doc_ids: Iterable[str] = (), extra: dict | None = None) -> ChunkStore:
    """Encode ``add`` and apply the change to ``store`` at once (see :meth:`ChunkStore.apply`);
    returns the store to read from now on."""
    return store.apply(add, encode_chunks(embeddings, add), remove_doc_ids, extra)
