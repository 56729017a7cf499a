"""Where an index lives: the embedded directory (FAISS + bm25s) or PostgreSQL + pgvector.

:func:`open_store` picks the implementation from the location: a path opens the
embedded directory (:class:`vectorstore.store.IndexStore`), a ``postgresql://`` URL the
database (:class:`vectorstore.stores.pg.PgStore`). Both implement
:class:`vectorstore.stores.base.ChunkStore`, which is all that the retriever, the
assistant and the API read.
"""
from __future__ import annotations

from pathlib import Path

from vectorstore.stores.base import ChunkStore


def is_database_url(location: str | Path | None) -> bool:
    """True for a PostgreSQL connection URL (``postgresql://`` or ``postgres://``)."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def open_store(location: str | Path, *, embedding_model: str | None = None) -> ChunkStore:
    """The store at ``location``: a PostgreSQL URL or an index directory.

    Raises:
        IndexNotFoundError: no index there (directory without ``CURRENT``, database without the schema).
        IndexMismatchError: built with another embedding model than ``embedding_model``.
    """
    if is_database_url(location):
        from vectorstore.stores.pg import PgStore

        return PgStore.open(str(location), embedding_model=embedding_model)
    from vectorstore.store import IndexStore

    return IndexStore.load(Path(location), embedding_model=embedding_model)
