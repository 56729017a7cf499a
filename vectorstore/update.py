"""Change an index without rebuilding it: add the chunks of new documents, drop those of
removed or replaced ones. Vectors of the chunks that stay are read back from FAISS, so
only new chunks are encoded."""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from ingest.types import Chunk
from vectorstore.embeddings import EmbeddingModel
from vectorstore.store import IndexStore


def updated_store(store: IndexStore, embeddings: EmbeddingModel, *, add: Sequence[Chunk] = (),
                  remove_doc_ids: Iterable[str] = ()) -> IndexStore:
    """A new :class:`IndexStore`: ``store`` without the chunks of ``remove_doc_ids``, plus ``add``.

    The manifest keeps its fields; counts and creation time are renewed. Nothing is
    written: save the result to make it live.
    """
    removed = set(remove_doc_ids)
    keep = [i for i, c in enumerate(store.chunks) if c.metadata.get("doc_id") not in removed]
    dimension = store.dense.dimension
    old = store.dense.vectors(keep) if keep else np.zeros((0, dimension), dtype=np.float32)
    new = embeddings.encode_passages([c.context_text for c in add]) if add else \
        np.zeros((0, dimension), dtype=np.float32)
    chunks = [store.chunks[i] for i in keep] + list(add)
    extra = {k: v for k, v in store.manifest.items()
             if k not in ("chunk_count", "document_count", "created_at", "dimension", "embedding_model")}
    return IndexStore.build(chunks, np.vstack([old, new]).astype(np.float32),
                            embedding_model=store.manifest.get("embedding_model", embeddings.model_id), extra=extra)
