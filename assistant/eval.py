"""Question files → retrieval and refusal metrics, by the hit rule of ``shared/eval/README.md``.

Metrics over answerable questions: recall@1, recall@5, MRR@10, per ``kind``;
coverage@5 for ``cross_doc``; for unanswerable questions the refusal rate, and the
false-refusal rate over answerable ones. ``answer_on_gold_rate`` is the share of
answerable questions whose answer quotes a span overlapping a gold quote (same hit
rule, either way round): a check of sentence selection, not of retrieval.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Callable, Iterable

from assistant.answer import Assistant

MIN_OVERLAP = 0.6  # shared/eval/README.md: one contiguous overlap of ≥ 60 % of the quote


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def is_hit(chunk_text: str, quote: str, min_frac: float = MIN_OVERLAP) -> bool:
    """True when the chunk contains the quote, or shares a contiguous run of at least
    ``min_frac`` of the quote's characters (both NFC, whitespace collapsed)."""
    c, q = _norm(chunk_text), _norm(quote)
    if not q:
        return False
    if q in c:
        return True
    m = SequenceMatcher(None, c, q, autojunk=False).find_longest_match(0, len(c), 0, len(q))
    return m.size >= min_frac * len(q)


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL question file (schema of ``shared/eval/mttq_dev.jsonl``)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass
class QuestionResult:
    id: str
    kind: str
    first_hit_rank: int | None
    gold_hit: list[bool]
    refused: bool
    answerable: bool
    answer_grounded: bool = False  # the answer's quoted spans overlap a gold quote


@dataclass
class EvalReport:
    """Aggregated metrics; :meth:`to_dict` gives the ``mttq eval --json`` object."""

    results: list[QuestionResult] = field(default_factory=list)

    @staticmethod
    def _retrieval(results: list[QuestionResult]) -> dict[str, float]:
        n = len(results)
        if not n:
            return {"n": 0}
        ranks = [r.first_hit_rank for r in results]
        return {
            "n": n,
            "recall@1": sum(1 for r in ranks if r is not None and r <= 1) / n,
            "recall@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
            "mrr@10": sum(1.0 / r for r in ranks if r is not None and r <= 10) / n,
        }

    def to_dict(self) -> dict[str, Any]:
        answerable = [r for r in self.results if r.answerable]
        unanswerable = [r for r in self.results if not r.answerable]
        out: dict[str, Any] = self._retrieval(answerable)
        out["n"] = len(self.results)
        out["n_answerable"] = len(answerable)
        by_kind: dict[str, list[QuestionResult]] = defaultdict(list)
        for r in answerable:
            by_kind[r.kind].append(r)
        out["by_kind"] = {kind: self._retrieval(rs) for kind, rs in sorted(by_kind.items())}
        cross = by_kind.get("cross_doc", [])
        out["coverage@5_cross_doc"] = (sum(1 for r in cross if all(r.gold_hit)) / len(cross)) if cross else None
        out["n_unanswerable"] = len(unanswerable)
        out["refusal_rate"] = (sum(r.refused for r in unanswerable) / len(unanswerable)) if unanswerable else None
        out["false_refusal_rate"] = (sum(r.refused for r in answerable) / len(answerable)) if answerable else None
        out["answer_on_gold_rate"] = (sum(r.answer_grounded for r in answerable) / len(answerable)) \
            if answerable else None
        out["misses"] = [r.id for r in answerable if r.first_hit_rank is None or r.first_hit_rank > 5]
        return out


def evaluate(assistant: Assistant, questions: Iterable[dict[str, Any]], *, depth: int = 10,
             on_question: Callable[[dict[str, Any]], None] | None = None) -> EvalReport:
    """Run every question through retrieval (top ``depth``) and the answer step.

    The ranked chunks are the ones the assistant uses (query condensation from
    ``history`` included); refusal is the assistant's own ``refused`` flag.
    """
    report = EvalReport()
    for q in questions:
        history = q.get("history") or None
        _query, hits = assistant.search(q["question"], history, k=depth)
        gold = q.get("gold") or []
        first: int | None = None
        gold_hit = [False] * len(gold)
        for rank, hit in enumerate(hits, 1):
            matched = [is_hit(hit.passage.text, g["quote"]) for g in gold]
            if any(matched) and first is None:
                first = rank
            if rank <= 5:
                gold_hit = [a or b for a, b in zip(gold_hit, matched)]
        answer = assistant.answer(q["question"], history)
        grounded = any(is_hit(g["quote"], part) or is_hit(part, g["quote"])
                       for c in answer.citations for part in c.quote.split(" … ") for g in gold)
        report.results.append(QuestionResult(q.get("id", ""), q.get("kind", ""), first, gold_hit,
                                             answer.refused, bool(gold), grounded))
        if on_question:
            on_question(q)
    return report


def evaluate_alqac(assistant: Assistant, questions: Iterable[dict[str, Any]], *, depth: int = 10,
                   on_question: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Article-level recall@1, recall@5 and MRR@10 for ALQAC questions.

    Hits are mapped to their article (``metadata["article_doc_id"]``); an article's
    later chunks do not count again, so ranks are ranks of distinct articles.
    """
    from assistant.alqac import rank_of_gold

    ranks: list[int | None] = []
    for q in questions:
        _query, hits = assistant.search(q["question"], None, k=depth * 3)
        articles = list(dict.fromkeys(h.chunk.metadata.get("article_doc_id") for h in hits))[:depth]
        ranks.append(rank_of_gold(articles, q["gold_doc_ids"]))
        if on_question:
            on_question(q)
    n = len(ranks) or 1
    return {"n": len(ranks),
            "recall@1": sum(1 for r in ranks if r == 1) / n,
            "recall@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
            "mrr@10": sum(1.0 / r for r in ranks if r is not None) / n}
