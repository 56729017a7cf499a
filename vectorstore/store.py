"""One index directory: manifest, chunks, dense and keyword indexes; atomic saves.

Layout::

    INDEX_DIR/CURRENT              name of the live version, replaced atomically
    INDEX_DIR/v-<time>-<rand>/     manifest.json, chunks.jsonl, dense.faiss, keyword/

A save writes a complete new version directory, syncs it, then swaps ``CURRENT``
with ``os.replace``; a crash at any moment leaves the previous version live.
Nothing is unpickled on load: chunks are JSON lines, FAISS and bm25s use their own
formats. Writers in several processes (API workers) take ``INDEX_DIR/.write.lock`` and
build on the newest version, so no change is lost; readers notice a new version by
reading ``CURRENT`` (:func:`current_name`).
"""
from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from ingest.normalize import nfc
from ingest.types import Chunk
from vectorstore.dense import DenseIndex
from vectorstore.errors import IndexMismatchError, IndexNotFoundError
from vectorstore.keyword import KeywordIndex
from vectorstore.stores.base import (ChunkStore, CorpusProfile, CorpusStats, Ranked, clean_filters,
                                     document_entries, filter_fields, is_full_reference, label_matcher, passes,
                                     reference_label, sections_of)

FORMAT_VERSION = 1
_CURRENT = "CURRENT"


@dataclass(eq=False)
class IndexStore(ChunkStore):
    """Chunks with their dense and keyword indexes, aligned by position (a row is a
    position); the embedded :class:`ChunkStore`. ``directory`` is where it was loaded
    from or saved to (None for one only built in memory)."""

    chunks: list[Chunk]
    dense: DenseIndex
    keyword: KeywordIndex
    manifest: dict[str, Any]
    directory: Path | None = None
    version_name: str | None = None

    @classmethod
    def build(cls, chunks: Sequence[Chunk], vectors: np.ndarray, *, embedding_model: str,
              extra: dict[str, Any] | None = None) -> "IndexStore":
        """Assemble an index from chunks and their ``(n, dim)`` vectors (same order)."""
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        dense = DenseIndex.build(vectors)
        keyword = KeywordIndex.build([c.context_text for c in chunks])
        dimension = int(vectors.shape[1]) if vectors.ndim == 2 else 0  # 0 rows keep their width
        return cls(list(chunks), dense, keyword, _manifest(chunks, dimension, embedding_model, extra))

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The chunk with id ``chunk_id``, or None."""
        row = self.row_of(chunk_id)
        return None if row is None else self.chunks[row]

    # -- ChunkStore: reading --------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.chunks)

    def _cached(self, name: str, make):
        if name not in self.__dict__:
            self.__dict__[name] = make()
        return self.__dict__[name]

    def row_of(self, chunk_id: str) -> int | None:
        return self._cached("_row_of", lambda: {c.id: i for i, c in enumerate(self.chunks)}).get(chunk_id)

    def chunks_at(self, rows: Sequence[int]) -> dict[int, Chunk]:
        return {int(r): self.chunks[r] for r in rows if 0 <= r < len(self.chunks)}

    def allowed(self, filters: dict | None) -> np.ndarray | None:
        """Boolean mask of the rows that pass ``filters`` (None when nothing is filtered)."""
        filters = clean_filters(filters)
        if not filters:
            return None
        fields = self._cached("_filter_fields", lambda: [filter_fields(c.metadata) for c in self.chunks])
        return np.fromiter((passes(f, filters) for f in fields), dtype=bool, count=len(fields))

    def search(self, vector: np.ndarray, keyword_query: str, depth: int, filters: dict | None = None,
               also: Sequence[int] = ()) -> Ranked:
        if not self.chunks:
            return Ranked([], [])
        mask = self.allowed(filters)
        if mask is not None and not mask.any():
            return Ranked([], [])
        dense = self.dense.top(vector, depth, mask)
        keyword_all = self.keyword.scores(keyword_query)
        if mask is not None:
            keyword_all = np.where(mask, keyword_all, 0.0).astype(np.float32)
        keyword = [(i, float(keyword_all[i])) for i in _top(keyword_all, depth) if keyword_all[i] > 0]
        pool = list(dict.fromkeys([r for r, _s in dense] + [r for r, _s in keyword] + [int(r) for r in also]))
        cosines = self.dense.similarity(vector, pool)
        return Ranked(dense, keyword, dense_scores={r: float(s) for r, s in zip(pool, cosines)},
                      keyword_scores={r: float(keyword_all[r]) for r in pool}, chunks=self.chunks_at(pool))

    def reference_rows(self, refs: Sequence[str], filters: dict | None = None) -> list[int]:
        labels = self._cached("_labels", lambda: [reference_label(c.metadata) for c in self.chunks])
        found: list[int] = []
        for ref in refs:
            ref = nfc(ref).lower()
            matches = label_matcher(ref)
            labelled = [i for i, label in enumerate(labels) if matches(label)]
            if not labelled and is_full_reference(ref):
                lowered = self._cached("_lowered", lambda: [c.text.lower() for c in self.chunks])
                labelled = [i for i, text in enumerate(lowered) if ref in text]
            found += labelled
        mask = self.allowed(filters)
        return [i for i in dict.fromkeys(found) if mask is None or mask[i]]

    def section(self, row: int) -> list[tuple[int, Chunk]]:
        def make() -> tuple[list[int], list[list[int]]]:
            numbers = sections_of(self.chunks)
            runs: list[list[int]] = [[] for _ in range(numbers[-1] + 1)] if numbers else []
            for i, n in enumerate(numbers):
                runs[n].append(i)
            return numbers, runs

        numbers, runs = self._cached("_sections", make)
        return [(i, self.chunks[i]) for i in runs[numbers[row]]]

    def documents(self) -> list[dict[str, Any]]:
        return [dict(d) for d in self._cached("_documents", lambda: document_entries(self.chunks))]

    def corpus_stats(self, profile: CorpusProfile) -> CorpusStats:
        key = f"_corpus_{profile.version}"
        return self._cached(key, lambda: CorpusStats(len(self.chunks), profile.count(self.chunks)))

    def iter_batches(self, size: int = 1000) -> Iterator[tuple[list[Chunk], np.ndarray]]:
        for start in range(0, len(self.chunks), size):
            rows = list(range(start, min(start + size, len(self.chunks))))
            yield [self.chunks[i] for i in rows], self.dense.vectors(rows)

    def version(self) -> str:
        return self.version_name or str(id(self))

    def refresh(self) -> bool:
        """True when another version than this one is live in :attr:`directory`."""
        return self.directory is not None and current_name(self.directory) not in (None, self.version_name)

    def reopen(self) -> "IndexStore":
        """The newest version of :attr:`directory` (this one when it is the newest)."""
        if not self.refresh():
            return self
        return IndexStore.load(self.directory, embedding_model=self.manifest.get("embedding_model"))

    # -- ChunkStore: changing ---------------------------------------------------------------
    def changed(self, add: Sequence[Chunk], vectors: np.ndarray, remove_doc_ids: Iterable[str] = (),
                extra: dict[str, Any] | None = None) -> "IndexStore":
        """A new in-memory store: this one without the documents ``remove_doc_ids`` and without
        earlier copies of the documents in ``add`` (as in the database: two workers ingesting
        the same upload leave one copy), plus ``add`` with their ``vectors``; manifest fields
        kept, counts and time renewed."""
        removed = set(remove_doc_ids) | {c.metadata.get("doc_id") for c in add}
        keep = [i for i, c in enumerate(self.chunks) if c.metadata.get("doc_id") not in removed]
        dimension = self.dense.dimension
        new = np.asarray(vectors, dtype=np.float32).reshape(len(add), dimension) if len(add) else \
            np.zeros((0, dimension), dtype=np.float32)
        chunks = [self.chunks[i] for i in keep] + list(add)
        kept = {k: v for k, v in self.manifest.items()
                if k not in ("chunk_count", "document_count", "created_at", "dimension", "embedding_model")}
        kept.update(extra or {})
        if self.dense.kind == "hnsw" and len(keep) == len(self.chunks):  # only additions: extend the graph
            store = IndexStore(chunks, self.dense.extended(new), KeywordIndex.build([c.context_text for c in chunks]),
                               _manifest(chunks, new.shape[1], self.manifest.get("embedding_model", ""), kept))
        else:
            store = IndexStore.build(chunks, np.vstack([self.dense.vectors(keep), new]).astype(np.float32),
                                     embedding_model=self.manifest.get("embedding_model", ""), extra=kept)
        store.directory = self.directory
        return store

    def apply(self, add: Sequence[Chunk], vectors: np.ndarray, remove_doc_ids: Iterable[str] = (),
              extra: dict[str, Any] | None = None) -> "IndexStore":
        """Write the change as a new version of :attr:`directory` and return it. Built on the
        newest version there (another process may have written one since this was loaded),
        under the directory's write lock. A store without a directory changes in memory."""
        if self.directory is None:
            return self.changed(add, vectors, remove_doc_ids, extra)
        with write_lock(self.directory):
            base = self
            if index_exists(self.directory) and current_name(self.directory) != self.version_name:
                base = IndexStore.load(self.directory)
            store = base.changed(add, vectors, remove_doc_ids, extra)
            store.save(self.directory)
        return store

    def save(self, directory: Path) -> Path:
        """Write a new version under ``directory`` and make it current; returns its path."""
        directory.mkdir(parents=True, exist_ok=True)
        name = f"v-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
        version = directory / name
        staging = directory / f".staging-{name}"
        staging.mkdir()
        with open(staging / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for chunk in self.chunks:
                fh.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
        self.dense.save(staging / "dense.faiss")
        self.keyword.save(staging / "keyword")
        (staging / "manifest.json").write_text(json.dumps(self.manifest, ensure_ascii=False, indent=2),
                                               encoding="utf-8")
        _fsync_tree(staging)
        os.replace(staging, version)
        tmp = directory / f".{_CURRENT}.{name}"
        tmp.write_text(name, encoding="utf-8")
        _fsync_file(tmp)
        os.replace(tmp, directory / _CURRENT)
        _fsync_dir(directory)
        _remove_stale(directory, keep=name)
        self.directory, self.version_name = directory, name
        return version

    @classmethod
    def load(cls, directory: Path, *, embedding_model: str | None = None) -> "IndexStore":
        """Load the current version of ``directory``.

        Raises:
            IndexNotFoundError: no ``CURRENT`` or its version is missing.
            IndexMismatchError: built with another embedding model than ``embedding_model``.
        """
        version = current_version(directory)
        manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        if embedding_model and manifest.get("embedding_model") != embedding_model:
            raise IndexMismatchError(
                f"index at {directory} was built with {manifest.get('embedding_model')!r}, "
                f"not {embedding_model!r}; rebuild it with `mttq ingest`")
        with open(version / "chunks.jsonl", encoding="utf-8") as fh:
            chunks = [Chunk.from_dict(json.loads(line)) for line in fh if line.strip()]
        dense = DenseIndex.load(version / "dense.faiss")
        keyword = KeywordIndex.load(version / "keyword")
        if len(dense) != len(chunks):
            raise IndexNotFoundError(f"index at {version} is inconsistent: "
                                     f"{len(chunks)} chunks, {len(dense)} vectors")
        return cls(chunks, dense, keyword, manifest, directory=directory, version_name=version.name)


def _manifest(chunks: Sequence[Chunk], dimension: int, embedding_model: str, extra: dict[str, Any] | None) -> dict:
    manifest = {
        "format_version": FORMAT_VERSION,
        "embedding_model": embedding_model,
        "dimension": dimension,
        "chunk_count": len(chunks),
        "document_count": len({c.metadata.get("doc_id") for c in chunks}),
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    manifest.update(extra or {})
    return manifest


def _top(scores: np.ndarray, n: int) -> list[int]:
    """Positions of the ``n`` highest ``scores``, best first (stable for ties)."""
    if len(scores) == 0:
        return []
    n = min(n, len(scores))
    idx = np.argpartition(-scores, n - 1)[:n]
    return [int(i) for i in idx[np.argsort(-scores[idx], kind="stable")]]


def current_name(directory: Path) -> str | None:
    """The name of the live version in ``directory`` (one small read: what workers check
    on each request to notice a new version), or None when there is none."""
    try:
        return (directory / _CURRENT).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


@contextmanager
def write_lock(directory: Path) -> Iterator[None]:
    """Hold ``directory``'s write lock (``fcntl.flock``, released if the process dies), so
    that changes from several processes are applied one after the other."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".write.lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def current_version(directory: Path) -> Path:
    """Path of the live version of the index in ``directory``.

    Raises:
        IndexNotFoundError: when there is none.
    """
    pointer = directory / _CURRENT
    if not pointer.is_file():
        raise IndexNotFoundError(f"no index in {directory}: run `mttq ingest PATH --index {directory}`")
    version = directory / pointer.read_text(encoding="utf-8").strip()
    if not (version / "manifest.json").is_file():
        raise IndexNotFoundError(f"index in {directory} points to missing version {version.name}")
    return version


def index_exists(directory: Path) -> bool:
    """True when ``directory`` holds a loadable index version."""
    try:
        current_version(directory)
        return True
    except IndexNotFoundError:
        return False


def _remove_stale(directory: Path, keep: str) -> None:
    for entry in directory.iterdir():
        if entry.name in (keep, _CURRENT, ".write.lock"):
            continue
        if entry.name.startswith(("v-", ".staging-", f".{_CURRENT}.")):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(str(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            _fsync_file(Path(dirpath) / name)
        _fsync_dir(Path(dirpath))
