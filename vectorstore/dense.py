"""Inner-product search over normalised vectors with FAISS."""
from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np


class DenseIndex:
    """A FAISS index of unit vectors searched by inner product (= cosine).

    ``IndexFlatIP`` (exact) by default; :meth:`build` may choose HNSW for large indexes
    (see :data:`HNSW_FROM`). Rows are positions ``0 … n-1`` in insertion order.
    """

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray) -> "DenseIndex":
        """Index ``vectors`` of shape ``(n, dim)``, float32, rows L2-normalised."""
        index = faiss.IndexFlatIP(vectors.shape[1])
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

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
        params = None
        if allowed is not None:
            ids = np.flatnonzero(allowed).astype(np.int64)
            if len(ids) == 0:
                return []
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(ids))
        sims, rows = self._index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32),
                                        min(k, n), params=params)
        return [(int(r), float(s)) for r, s in zip(rows[0], sims[0]) if r >= 0]

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
