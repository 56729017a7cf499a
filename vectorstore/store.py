"""One index directory: manifest, chunks, dense and keyword indexes; atomic saves.

Layout::

    INDEX_DIR/CURRENT              name of the live version, replaced atomically
    INDEX_DIR/v-<time>-<rand>/     manifest.json, chunks.jsonl, dense.faiss, keyword/

A save writes a complete new version directory, syncs it, then swaps ``CURRENT``
with ``os.replace``; a crash at any moment leaves the previous version live.
Nothing is unpickled on load: chunks are JSON lines, FAISS and bm25s use their own
formats.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ingest.types import Chunk
from vectorstore.dense import DenseIndex
from vectorstore.errors import IndexMismatchError, IndexNotFoundError
from vectorstore.keyword import KeywordIndex

FORMAT_VERSION = 1
_CURRENT = "CURRENT"


@dataclass
class IndexStore:
    """Chunks with their dense and keyword indexes, aligned by position."""

    chunks: list[Chunk]
    dense: DenseIndex
    keyword: KeywordIndex
    manifest: dict[str, Any]

    @classmethod
    def build(cls, chunks: Sequence[Chunk], vectors: np.ndarray, *, embedding_model: str,
              extra: dict[str, Any] | None = None) -> "IndexStore":
        """Assemble an index from chunks and their ``(n, dim)`` vectors (same order)."""
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        dense = DenseIndex.build(vectors)
        keyword = KeywordIndex.build([c.context_text for c in chunks])
        manifest = {
            "format_version": FORMAT_VERSION,
            "embedding_model": embedding_model,
            "dimension": int(vectors.shape[1]) if vectors.ndim == 2 else 0,  # 0 rows keep their width
            "chunk_count": len(chunks),
            "document_count": len({c.metadata.get("doc_id") for c in chunks}),
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        manifest.update(extra or {})
        return cls(list(chunks), dense, keyword, manifest)

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The chunk with id ``chunk_id``, or None."""
        if not hasattr(self, "_by_id"):
            self._by_id = {c.id: c for c in self.chunks}
        return self._by_id.get(chunk_id)

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
        return cls(chunks, dense, keyword, manifest)


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
        if entry.name in (keep, _CURRENT):
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
