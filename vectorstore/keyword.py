"""BM25 keyword index (bm25s) over :func:`vectorstore.analysis.analyze` tokens."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

import bm25s
import numpy as np

from vectorstore.analysis import analyze

# bm25s sets its logger to DEBUG on import, which printed "Building index from tokens" on every ingest
logging.getLogger("bm25s").setLevel(logging.WARNING)

# Robertson & Zaragoza (2009) defaults; re-tuned by the benchmark when it says so
K1 = 1.2
B = 0.75


_EMPTY_MARKER = "EMPTY"


class KeywordIndex:
    """BM25 over a fixed list of texts; scores align with the texts' positions.

    An index of no texts is valid (every query scores nothing), so that a batch of
    only empty files still leaves a loadable index.
    """

    def __init__(self, retriever: bm25s.BM25 | None) -> None:
        self._bm25 = retriever
        self._vocab: dict[str, int] = (retriever.vocab_dict or {}) if retriever else {}

    @classmethod
    def build(cls, texts: Sequence[str], k1: float = K1, b: float = B) -> "KeywordIndex":
        """Index ``texts`` (one per chunk, in chunk order)."""
        if not texts:
            return cls(None)
        retriever = bm25s.BM25(k1=k1, b=b)
        retriever.index([analyze(t) for t in texts], show_progress=False)
        return cls(retriever)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed text for ``query``; shape ``(n_texts,)``."""
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        tokens = [t for t in analyze(query) if t in self._vocab]
        n = int(self._bm25.scores["num_docs"])
        if not tokens:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def save(self, directory: Path) -> None:
        """Write the index as JSON and ``.npy`` files (no pickle)."""
        if self._bm25 is None:
            directory.mkdir(parents=True, exist_ok=True)
            (directory / _EMPTY_MARKER).write_text("no texts\n", encoding="utf-8")
            return
        self._bm25.save(str(directory), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> "KeywordIndex":
        """Read an index written by :meth:`save` (arrays loaded with ``allow_pickle=False``)."""
        if (directory / _EMPTY_MARKER).exists():
            return cls(None)
        return cls(bm25s.BM25.load(str(directory), allow_pickle=False))
