"""Second-stage reranker: a linear scorer over the signals the first stage already has.

No Vietnamese cross-encoder can be installed offline, so the fused candidates are
re-scored from features that cost a few set look-ups each: where the dense and the
keyword rankings put the chunk, how much of the question's IDF-weighted topic and
adjacent term pairs its text and headings hold, whether the question named its document,
and its fused rank. Whether a chunk holds the kind of fact asked for (a date, a number)
is left out on purpose: as a ranking feature it lifted recall a little but pulled
number-bearing passages to the top for unanswerable questions, so the answer step's
refusal check (which needs that fact) stopped refusing them (mttq_dev refusal 1.0 → 0.2).
The weights are learned pairwise (a gold chunk against a non-gold one of the same
question, logistic loss: RankNet, Burges et al. 2005) by ``bench/train_reranker.py``
and saved as JSON next to the feature names they belong to.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from assistant.scoring import TermStats
from assistant.query import SearchQuery, content_terms
from ingest.normalize import fold_diacritics, syllables
from vectorstore.retriever import Hit

FEATURES = ("rrf", "dense", "keyword_rel", "dense_rank_gain", "keyword_rank_gain",
            "coverage", "pair_coverage", "heading_coverage", "reference", "prior")
DEFAULT_WEIGHTS = Path(__file__).parent / "data" / "reranker.json"
_UNRANKED = 200  # rank given to a chunk that one ranking did not return in its candidates


class RerankerError(ValueError):
    """A weights file that does not fit this reranker (other features, wrong length)."""


@dataclass
class _ChunkTerms:
    words: frozenset[str]
    pairs: frozenset[tuple[str, str]]
    heading: frozenset[str]


class FeatureReranker:
    """Re-order first-stage candidates by ``features · weights``.

    Args:
        weights: one weight per name in :data:`FEATURES`.
        stats: document frequencies of the indexed chunks, for IDF.
        depth: how many of the fused candidates are re-scored; the rest keep their order
            after them.
    Raises:
        RerankerError: ``weights`` does not have one value per feature.
    """

    def __init__(self, weights: Sequence[float], stats: TermStats, depth: int = 40) -> None:
        if len(weights) != len(FEATURES):
            raise RerankerError(f"expected {len(FEATURES)} weights, got {len(weights)}")
        self.weights = np.asarray(weights, dtype=np.float64)
        self.stats = stats
        self.depth = depth
        self._terms: dict[int, _ChunkTerms] = {}

    @classmethod
    def load(cls, path: Path, stats: TermStats) -> "FeatureReranker":
        """Read weights written by :meth:`save` (with the depth they were trained for).

        Raises:
            RerankerError: the file is missing, unreadable, not JSON, or written for other features.
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RerankerError(f"cannot read reranker weights {path}: {exc}") from exc
        if not isinstance(data, dict) or tuple(data.get("features", ())) != FEATURES:
            found = data.get("features") if isinstance(data, dict) else None
            raise RerankerError(f"{path} was trained on features {found}, not {list(FEATURES)}")
        return cls(data.get("weights", []), stats, int(data.get("depth", 40)))

    def save(self, path: Path, **about: object) -> None:
        """Write the weights as JSON with their feature names, depth and ``about`` (training data, scores)."""
        data = {"features": list(FEATURES), "weights": [round(float(w), 6) for w in self.weights],
                "depth": self.depth, **about}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def _chunk_terms(self, hit: Hit) -> _ChunkTerms:
        key = hit.index if hit.index >= 0 else id(hit.chunk)
        if key not in self._terms:
            words = [fold_diacritics(w) for w in syllables(hit.chunk.context_text)]
            heading = [fold_diacritics(w) for w in syllables(" ".join(hit.chunk.heading_path[1:]))]
            self._terms[key] = _ChunkTerms(frozenset(words), frozenset(zip(words, words[1:])), frozenset(heading))
        return self._terms[key]

    def features(self, query: SearchQuery, hits: Sequence[Hit]) -> np.ndarray:
        """Feature matrix of ``hits`` (fused order) for ``query``; shape ``(len(hits), len(FEATURES))``."""
        x = np.zeros((len(hits), len(FEATURES)))
        if not hits:
            return x
        terms = list(dict.fromkeys(content_terms(query.standalone)))
        idf = {t: self.stats.idf(t) for t in terms}
        total = sum(idf.values()) or 1.0
        pairs = list(zip(terms, terms[1:]))
        pair_total = sum(idf[a] + idf[b] for a, b in pairs) or 1.0
        top_keyword = max(h.keyword_score for h in hits) or 1.0
        for row, hit in enumerate(hits):
            t = self._chunk_terms(hit)
            x[row] = (
                hit.extra.get("rrf", hit.score) * 60,  # RRF k = 60: a first place in one ranking scores about 1
                hit.dense_score,
                hit.keyword_score / top_keyword,
                1 / math.log2(1 + (hit.dense_rank or _UNRANKED)),
                1 / math.log2(1 + (hit.keyword_rank or _UNRANKED)),
                sum(w for term, w in idf.items() if term in t.words) / total,
                sum(idf[a] + idf[b] for a, b in pairs if (a, b) in t.pairs) / pair_total,
                sum(w for term, w in idf.items() if term in t.heading) / total,
                float(hit.reference),
                1 / (1 + row),
            )
        return x

    def rerank(self, query: SearchQuery, hits: Sequence[Hit]) -> list[Hit]:
        """``hits`` re-ordered, best first: the first ``depth`` by score (stable on ties),
        the rest after them in their order. Each re-scored hit gets ``extra["rerank"]``."""
        head, tail = list(hits[:self.depth]), list(hits[self.depth:])
        scores = self.features(query, head) @ self.weights
        for hit, score in zip(head, scores):
            hit.extra["rerank"] = round(float(score), 4)
        order = np.argsort(-scores, kind="stable")
        return [head[i] for i in order] + tail
