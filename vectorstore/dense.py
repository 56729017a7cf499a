"""Exact inner-product search over normalised vectors with FAISS."""
from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np


class DenseIndex:
    """A FAISS ``IndexFlatIP``: exact cosine search for unit vectors.

    A flat index is exact and, at the size of a provincial corpus (tens of thousands
    of chunks × 384 dims), searches in a few milliseconds, so no approximate index
    and no training step are needed.
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
        sims, ids = self._index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), n)
        out = np.empty(n, dtype=np.float32)
        out[ids[0]] = sims[0]
        return out

    def vectors(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of rows ``ids``, shape ``(len(ids), dim)``."""
        everything = self._index.reconstruct_n(0, len(self))
        return np.asarray(everything[ids], dtype=np.float32)

    def save(self, path: Path) -> None:
        """Write with ``faiss.write_index`` (FAISS's own format, no pickle)."""
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> "DenseIndex":
        return cls(faiss.read_index(str(path)))
