"""Question files → retrieval and refusal metrics, by the hit rule of ``shared/eval/README.md``.

Metrics over answerable questions: recall@1, recall@5, MRR@10, per ``kind``;
coverage@5 for ``cross_doc``; for unanswerable questions the refusal rate, and the
false-refusal rate over answerable ones. ``answer_on_gold_rate`` is the share of
answerable questions whose answer quotes a span overlapping a gold quote (same hit
rule, either way round): a check of sentence selection, not of retrieval. Answer metrics
(:func:`answer_metrics`): answer-on-gold, refusal (declined) and false-refusal rates, the
partial rate and answer lengths, overall and per kind.
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
    """One question's outcome.

    ``status`` is the answer's (answered / partial / refused); ``answer_grounded`` whether an
    *answered* answer quotes a span overlapping a gold quote (same hit rule, either way round);
    ``answer_chars`` the length of the answer text a person reads (citation markers included).
    """

    id: str
    kind: str
    first_hit_rank: int | None
    gold_hit: list[bool]
    refused: bool
    answerable: bool
    answer_grounded: bool = False
    status: str = ""
    answer_chars: int = 0

    @property
    def declined(self) -> bool:
        """Said that the documents do not hold the answer (a refusal, or a partial answer)."""
        return self.status in ("refused", "partial") if self.status else self.refused


def _quantile(values: list[int], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def answer_metrics(results: list[QuestionResult]) -> dict[str, float | None]:
    """Answer-side metrics of ``results``.

    * ``answer_on_gold_rate``: answerable questions *answered* with a gold span;
    * ``refusal_rate``: unanswerable questions declined (refused, or a partial answer that says
      the documents do not state the fact — the eval README's "says what the documents do and do
      not state"); ``refused_only_rate`` counts refusals alone;
    * ``false_refusal_rate``: answerable questions refused; ``partial_rate`` answerable ones given
      a partial answer;
    * answer length in characters (median, p90) over the questions answered or partially answered.
    """
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    lengths = [r.answer_chars for r in results if r.status in ("answered", "partial")]

    def share(rows: list[QuestionResult], test) -> float | None:
        return sum(1 for r in rows if test(r)) / len(rows) if rows else None

    return {
        "answer_on_gold_rate": share(answerable, lambda r: r.answer_grounded),
        "refusal_rate": share(unanswerable, lambda r: r.declined),
        "refused_only_rate": share(unanswerable, lambda r: r.status == "refused" or (not r.status and r.refused)),
        "false_refusal_rate": share(answerable, lambda r: r.status == "refused" or (not r.status and r.refused)),
        "partial_rate": share(answerable, lambda r: r.status == "partial"),
        "partial_rate_unanswerable": share(unanswerable, lambda r: r.status == "partial"),
        "answer_chars_median": _quantile(lengths, 0.5),
        "answer_chars_p90": _quantile(lengths, 0.9),
    }


def objective(metrics: dict) -> float:
    """What the answer step's thresholds are chosen for: the mean of the answer-on-gold rate
    (answerable questions answered with a gold span: a refusal or partial answer scores 0) and
    the decline rate (unanswerable questions refused or partially answered)."""
    gold = metrics.get("answer_on_gold_rate")
    declined = metrics.get("refusal_rate")
    parts = [x for x in (gold, declined) if x is not None]
    return sum(parts) / len(parts) if parts else 0.0


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
        for r in self.results:
            by_kind[r.kind].append(r)
        out["by_kind"] = {kind: {**self._retrieval([r for r in rs if r.answerable]), **answer_metrics(rs),
                                 "n_questions": len(rs)}
                          for kind, rs in sorted(by_kind.items())}
        cross = [r for r in by_kind.get("cross_doc", []) if r.answerable]
        out["coverage@5_cross_doc"] = (sum(1 for r in cross if all(r.gold_hit)) / len(cross)) if cross else None
        out["n_unanswerable"] = len(unanswerable)
        out.update(answer_metrics(self.results))
        out["objective"] = objective(out)
        out["misses"] = [r.id for r in answerable if r.first_hit_rank is None or r.first_hit_rank > 5]
        out["not_on_gold"] = [r.id for r in answerable if not r.answer_grounded]
        out["answered_unanswerable"] = [r.id for r in unanswerable if not r.declined]
        return out


def grounded(answer, gold: list[dict]) -> bool:
    """An answered answer quotes a span that overlaps a gold quote (hit rule, either way)."""
    if answer.status not in ("answered", "") or answer.refused:
        return False
    return any(is_hit(g["quote"], part) or is_hit(part, g["quote"])
               for c in answer.citations for part in c.quote.split(" … ") for g in gold)


def retrieval_of(q: dict[str, Any], hits) -> tuple[int | None, list[bool]]:
    """Rank of the first hit for any gold quote of ``q`` among ``hits``, and which gold quotes
    the top 5 hit."""
    gold = q.get("gold") or []
    first: int | None = None
    gold_hit = [False] * len(gold)
    for rank, hit in enumerate(hits, 1):
        matched = [is_hit(hit.passage.text, g["quote"]) for g in gold]
        if any(matched) and first is None:
            first = rank
        if rank <= 5:
            gold_hit = [a or b for a, b in zip(gold_hit, matched)]
    return first, gold_hit


def result_of(q: dict[str, Any], hits, answer, retrieval: tuple[int | None, list[bool]] | None = None) -> QuestionResult:
    """The :class:`QuestionResult` of question ``q`` given its ranked ``hits`` (or their
    :func:`retrieval_of`, when computed) and ``answer``."""
    gold = q.get("gold") or []
    first, gold_hit = retrieval if retrieval is not None else retrieval_of(q, hits)
    return QuestionResult(q.get("id", ""), q.get("kind", ""), first, gold_hit, answer.refused, bool(gold),
                          grounded(answer, gold), answer.status, len(answer.answer) if not answer.refused else 0)


def evaluate(assistant: Assistant, questions: Iterable[dict[str, Any]], *, depth: int = 10,
             on_question: Callable[[dict[str, Any]], None] | None = None) -> EvalReport:
    """Run every question through retrieval (top ``depth``) and the answer step.

    The ranked chunks are the ones the assistant uses (query condensation from
    ``history`` included); the answer's status decides refusals.
    """
    report = EvalReport()
    for q in questions:
        history = q.get("history") or None
        _query, hits = assistant.search(q["question"], history, k=depth)
        answer = assistant.answer(q["question"], history)
        report.results.append(result_of(q, hits, answer))
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
