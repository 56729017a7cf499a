"""Inner-product search over normalised vectors with FAISS."""
from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np


# From this many vectors on, the index is an HNSW graph (Malkov & Yashunin 2018) instead of an
# exact scan: bench/scale.py (docs/scale.md) measured the flat scan's search at 19–104 ms p50 for
# 100k vectors on this busy 2-core machine and 1.6 s at 1M (the 150 ms target at 1M needs a
# graph), while HNSW stays at a few milliseconds; below, the exact scan is fast enough and exact.
HNSW_FROM = 200_000
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 64, 128


class DenseIndex:
    """A FAISS index of unit vectors; similarities are cosines.

    ``IndexFlatIP`` (exact) up to :data:`HNSW_FROM` vectors, ``IndexHNSWFlat`` (L2 on unit
    vectors, which ranks as cosine does; FAISS's graph is better built in L2) from there.
    Rows are positions ``0 … n-1`` in insertion order.
    """

    def __init__(self, index: faiss.Index) -> None:
        self._index = index
        self._graph = isinstance(index, faiss.IndexHNSW)

    @classmethod
    def build(cls, vectors: np.ndarray, hnsw_from: int | None = None) -> "DenseIndex":
        """Index ``vectors`` of shape ``(n, dim)``, float32, rows L2-normalised; an HNSW graph
        when there are ``hnsw_from`` (default :data:`HNSW_FROM`) or more."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if len(vectors) >= (HNSW_FROM if hnsw_from is None else hnsw_from):
            index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:
            index = faiss.IndexFlatIP(vectors.shape[1])
        if len(vectors):
            index.add(vectors)
        return cls(index)

    def extended(self, vectors: np.ndarray) -> "DenseIndex":
        """A copy with ``vectors`` added after the existing rows (an HNSW graph is extended, not
        rebuilt: at a million rows a rebuild takes tens of minutes)."""
        index = faiss.clone_index(self._index)
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return DenseIndex(index)

    @property
    def kind(self) -> str:
        """``flat`` or ``hnsw``."""
        return "hnsw" if self._graph else "flat"

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of every vector to ``query`` ``(dim,)``; shape ``(n,)``."""
        n = len(self)
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        return self.vectors_all() @ np.asarray(query, dtype=np.float32).reshape(-1)

    def top(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` rows most similar to ``query`` ``(dim,)``, best first, as ``(row, cosine)``;
        only rows where the boolean mask ``allowed`` is true, when given."""
        n = len(self)
        if n == 0 or k <= 0:
            return []
        selector = None
        if allowed is not None:
            ids = np.flatnonzero(allowed).astype(np.int64)
            if len(ids) == 0:
                return []
            selector = faiss.IDSelectorBatch(ids)
        if self._graph:
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
            if selector is not None:
                params.sel = selector
        else:
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
        scores, rows = self._index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32),
                                          min(k, n), params=params)
        if self._graph:  # squared L2 between unit vectors = 2 − 2·cosine
            scores = 1.0 - scores / 2.0
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]

    def similarity(self, query: np.ndarray, rows: list[int]) -> np.ndarray:
        """Cosine of ``query`` to the stored vectors of ``rows``; shape ``(len(rows),)``."""
        if not rows:
            return np.zeros(0, dtype=np.float32)
        return self.vectors(rows) @ np.asarray(query, dtype=np.float32).reshape(-1)

    def vectors(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of rows ``ids``, shape ``(len(ids), dim)``."""
        if not len(ids):
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.asarray(self._index.reconstruct_batch(np.asarray(ids, dtype=np.int64)), dtype=np.float32)

    def vectors_all(self) -> np.ndarray:
        """Every stored vector, shape ``(n, dim)``."""
        return np.asarray(self._index.reconstruct_n(0, len(self)), dtype=np.float32)

    def save(self, path: Path) -> None:
        """Write with ``faiss.write_index`` (FAISS's own format, no pickle)."""
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> "DenseIndex":
        return cls(faiss.read_index(str(path)))
