"""Build an index directory from files: ingest → embed (cached) → save atomically."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from ingest.pipeline import IngestResult, ingest_paths
from ingest.types import Chunk, FileStatus
from vectorstore.embeddings import EmbeddingModel
from vectorstore.store import IndexStore, index_exists

# e5 reads at most 512 tokens including "passage: " (3 tokens) and the special tokens
# that the counter already includes; keep a margin for tokenizer differences.
_PREFIX_MARGIN = 8


@dataclass
class BuildReport:
    """What a build did: per-file statuses, chunk count and timings in seconds."""

    ingest: IngestResult
    chunk_count: int
    ingest_seconds: float
    embed_seconds: float
    total_seconds: float
    index_path: Path | None


def build_index(paths: Iterable[Path], index_dir: Path, embeddings: EmbeddingModel, *,
                on_file: Callable[[FileStatus], None] | None = None,
                on_embedded: Callable[[int], None] | None = None,
                on_chunks: Callable[[int], None] | None = None) -> BuildReport:
    """Ingest ``paths`` and write a new index version to ``index_dir``.

    Callbacks: ``on_file(status)`` after each file, ``on_chunks(total)`` once chunking
    is done, ``on_embedded(n)`` after each embedded batch. The previous index stays live
    until the new one is complete. If no file produced chunks, nothing is written
    (``index_path`` is None).
    """
    started = time.perf_counter()
    max_tokens = embeddings.max_tokens - _PREFIX_MARGIN
    result = ingest_paths(list(paths), count_tokens=embeddings.count_tokens, max_tokens=max_tokens,
                          on_file=on_file)
    ingest_done = time.perf_counter()
    if on_chunks:
        on_chunks(len(result.chunks))
    if not result.chunks:
        if index_exists(index_dir):  # never replace a working index with an empty one
            return BuildReport(result, 0, ingest_done - started, 0.0, time.perf_counter() - started, None)
        # a first batch of only empty files still leaves a valid, empty index to serve
        path, _ = index_chunks([], index_dir, embeddings, extra={"files": [s.__dict__ for s in result.statuses]})
        return BuildReport(result, 0, ingest_done - started, 0.0, time.perf_counter() - started, path)
    path, embed_seconds = index_chunks(result.chunks, index_dir, embeddings, on_embedded=on_embedded,
                                       extra={"files": [s.__dict__ for s in result.statuses]})
    return BuildReport(result, len(result.chunks), ingest_done - started, embed_seconds,
                       time.perf_counter() - started, path)


def index_chunks(chunks: Sequence[Chunk], index_dir: Path, embeddings: EmbeddingModel, *,
                 on_embedded: Callable[[int], None] | None = None,
                 extra: dict | None = None) -> tuple[Path, float]:
    """Embed ``chunks`` and write them as a new index version; returns the version's
    path and the embedding time in seconds."""
    started = time.perf_counter()
    vectors = embeddings.encode_passages([c.context_text for c in chunks], progress=on_embedded) if chunks \
        else np.zeros((0, embeddings.dimension), dtype=np.float32)
    embed_seconds = time.perf_counter() - started
    store = IndexStore.build(chunks, vectors, embedding_model=embeddings.model_id,
                             extra={"embedding_spec": embeddings.spec, **(extra or {})})
    return store.save(index_dir), embed_seconds
