"""Build an index directory from files: ingest → embed (cached) → save atomically."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ingest.pipeline import IngestResult, display_path, file_sha256, ingest_paths
from ingest.types import Chunk, FileStatus
from vectorstore.embeddings import EmbeddingModel
from vectorstore.errors import IndexMismatchError
from vectorstore.stores import create_store, describe, open_store, store_exists
from vectorstore.update import apply_change, encode_chunks

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
    index_path: Path | str | None


def build_index(paths: Iterable[Path], index_dir: Path | str, embeddings: EmbeddingModel, *,
                prune: bool = False,
                on_file: Callable[[FileStatus], None] | None = None,
                on_embedded: Callable[[int], None] | None = None,
                on_chunks: Callable[[int], None] | None = None) -> BuildReport:
    """Ingest ``paths`` into the index in ``index_dir`` (a directory, or a PostgreSQL URL)
    and write a new version of it (in a database: one transaction).

    Incremental when an index exists: a file whose path and content hash (SHA-256) are
    already indexed is skipped (``unchanged``); a changed file replaces its old chunks;
    a file whose exact bytes are indexed under another path, or come earlier in the same
    batch, is skipped (``duplicate``);
    documents from other paths stay, unless ``prune`` drops those whose file is gone.
    Only new chunks are encoded. The previous version stays live until the new one is
    complete. Callbacks: ``on_file(status)`` per file, ``on_chunks(total new)``,
    ``on_embedded(n)`` per encoded batch. ``index_path`` is None when nothing changed.

    Raises:
        IndexMismatchError: the existing index was built with another encoder than
            ``embeddings`` (its vectors and the new ones would not be comparable).
    """
    started = time.perf_counter()
    max_tokens = embeddings.max_tokens - _PREFIX_MARGIN
    previous = open_store(index_dir) if store_exists(index_dir) else None
    built_with = previous.manifest.get("embedding_model") if previous else None
    if built_with and built_with != embeddings.model_id:
        raise IndexMismatchError(f"the index at {describe(index_dir)} was built with {built_with!r}: new chunks "
                                 f"cannot be encoded with {embeddings.model_id!r}; use the same encoder "
                                 f"({previous.manifest.get('embedding_spec') or built_with}) or a new index")
    by_source: dict[str, tuple[str, set[str]]] = {}
    by_hash: dict[str, str] = {}
    by_text: dict[str, str] = {}
    for meta in previous.documents() if previous else []:
        digest, docs = by_source.setdefault(meta.get("source", ""), (meta.get("sha256", ""), set()))
        docs.add(meta.get("doc_id", ""))
        by_hash.setdefault(meta.get("sha256", ""), meta.get("source", ""))
        if meta.get("text_sha256"):
            by_text.setdefault(meta["text_sha256"], meta.get("source", ""))
    seen_sources: set[str] = set()
    batch_hashes: dict[str, str] = {}  # files of this batch: the same rule holds inside it

    def skip(path: Path) -> FileStatus | None:
        source = display_path(path)
        seen_sources.add(source)
        if not path.is_file() or path.stat().st_size == 0:
            return None  # (an empty file is reported as empty, not as a copy of another)
        digest = file_sha256(path)
        if previous and by_source.get(source, ("", set()))[0] == digest:
            return FileStatus(source, "skipped", reason="unchanged", message="already indexed, content unchanged")
        first = by_hash.get(digest) if previous else None
        first = first if first and first != source else batch_hashes.get(digest)
        if first and first != source:
            return FileStatus(source, "skipped", reason="duplicate", message=f"same bytes as {first}")
        batch_hashes.setdefault(digest, source)
        return None

    result = ingest_paths(list(paths), count_tokens=embeddings.count_tokens, max_tokens=max_tokens,
                          on_file=on_file, skip=skip, known_texts=by_text)
    ingest_done = time.perf_counter()
    if on_chunks:
        on_chunks(len(result.chunks))
    changed = {s.path for s in result.statuses if s.status == "ok"}
    remove = {doc for source, (_d, docs) in by_source.items() if source in changed for doc in docs}
    if prune:
        remove |= {doc for source, (_d, docs) in by_source.items()
                   if source not in seen_sources and not Path(source).exists() for doc in docs}
    extra = {"files": [s.__dict__ for s in result.statuses]}
    if previous is None:
        # a first batch of only empty files still leaves a valid, empty index to serve
        path, embed_seconds = index_chunks(result.chunks, index_dir, embeddings, on_embedded=on_embedded, extra=extra)
    elif not result.chunks and not remove:
        path, embed_seconds = None, 0.0  # nothing changed: never write a needless (or empty) version
    else:
        embed_started = time.perf_counter()
        store = apply_change(previous, embeddings, add=result.chunks, remove_doc_ids=remove, extra=extra)
        path = _where(store, index_dir)
        embed_seconds = time.perf_counter() - embed_started
    return BuildReport(result, len(result.chunks), ingest_done - started, embed_seconds,
                       time.perf_counter() - started, path)


def index_chunks(chunks: Sequence[Chunk], index_dir: Path | str, embeddings: EmbeddingModel, *,
                 on_embedded: Callable[[int], None] | None = None,
                 extra: dict | None = None) -> tuple[Path | str, float]:
    """Embed ``chunks`` and write them as a new index (a directory's first version, or a
    database); returns where it is and the embedding time in seconds."""
    started = time.perf_counter()
    vectors = encode_chunks(embeddings, chunks, progress=on_embedded)
    embed_seconds = time.perf_counter() - started
    store = create_store(index_dir, chunks, vectors, embedding_model=embeddings.model_id,
                         extra={"embedding_spec": embeddings.spec, **(extra or {})})
    return _where(store, index_dir), embed_seconds


def _where(store, location: Path | str) -> Path | str:
    """The new version's directory, or the database's generation."""
    directory = getattr(store, "directory", None)
    if directory is not None and getattr(store, "version_name", None):
        return directory / store.version_name
    return f"{describe(location)} (generation {store.version()})"
