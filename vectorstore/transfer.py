"""Move an index between stores (``mttq index import`` / ``export``): chunks and their
stored vectors are copied, never re-encoded, and the manifest (embedding model and spec)
travels with them."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from vectorstore.errors import VectorStoreError
from vectorstore.stores import create_store, describe, open_store, store_exists
from vectorstore.stores.base import ChunkStore

_MOVED_FIELDS = ("embedding_model", "embedding_spec", "format_version", "created_at", "chunk_count",
                 "document_count", "dimension", "store")


class TargetNotEmptyError(VectorStoreError):
    """The target already holds an index; it is never overwritten silently."""

    reason = "target_not_empty"


def copy_index(source: str | Path, target: str | Path, *, replace: bool = False,
               on_batch: Callable[[int], None] | None = None) -> ChunkStore:
    """Copy the index at ``source`` to ``target`` (each a directory or a PostgreSQL URL), as
    one write: a reader of ``target`` sees the old index or the whole new one.

    Args:
        replace: replace an index already at ``target`` (else :class:`TargetNotEmptyError`).
        on_batch: called with the number of chunks read, per batch.
    Raises:
        IndexNotFoundError: no index at ``source``.
        TargetNotEmptyError: ``target`` holds an index and ``replace`` is false.
        IndexMismatchError: ``target`` is a database set up for another model.
    """
    origin = open_store(source)
    chunks, batches = [], []
    for batch, vectors in origin.iter_batches(size=2000):
        chunks.extend(batch)
        batches.append(np.asarray(vectors, dtype=np.float32))
        if on_batch:
            on_batch(len(batch))
    dimension = int(origin.manifest.get("dimension") or (batches[0].shape[1] if batches else 0))
    vectors = np.vstack(batches) if batches else np.zeros((0, dimension), dtype=np.float32)
    model = str(origin.manifest.get("embedding_model", ""))
    extra = {k: v for k, v in origin.manifest.items() if k not in _MOVED_FIELDS}
    extra["embedding_spec"] = origin.manifest.get("embedding_spec")
    if store_exists(target):
        existing = open_store(target, embedding_model=model)
        if len(existing) and not replace:
            raise TargetNotEmptyError(f"{describe(target)} already holds an index of {len(existing)} chunks: "
                                      "pass --replace to replace it")
        return existing.apply(chunks, vectors, remove_doc_ids=[d["doc_id"] for d in existing.documents()],
                              extra=extra)
    return create_store(target, chunks, vectors, embedding_model=model, extra=extra)
