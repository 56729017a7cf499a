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


def store_exists(location: str | Path) -> bool:
    """Whether ``location`` (a directory or a PostgreSQL URL) holds an index."""
    if is_database_url(location):
        from vectorstore.stores.pg import PgStore

        return PgStore.exists(str(location))
    from vectorstore.store import index_exists

    return index_exists(Path(location))


def create_store(location: str | Path, chunks, vectors, *, embedding_model: str, extra: dict | None = None):
    """A new index at ``location`` holding ``chunks`` and their ``vectors`` ``(n, dim)``;
    returns the store. A directory gets a first version; a database gets the schema (an
    existing store there must be of the same model, and receives the chunks)."""
    import numpy as np

    vectors = np.asarray(vectors, dtype=np.float32)
    if is_database_url(location):
        from vectorstore.stores.pg import PgStore

        store = PgStore.create(str(location), embedding_model=embedding_model, dimension=int(vectors.shape[1]),
                               extra=extra)
        return store.apply(chunks, vectors, extra=extra)
    from vectorstore.store import IndexStore

    store = IndexStore.build(chunks, vectors, embedding_model=embedding_model, extra=extra)
    store.save(Path(location))
    return store


def describe(location: str | Path) -> str:
    """``location`` fit for a log or a terminal: a database URL without its password."""
    if is_database_url(location):
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(str(location))
        host = parts.hostname or ""
        netloc = f"{parts.username + '@' if parts.username else ''}{host}{':' + str(parts.port) if parts.port else ''}"
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return str(location)
