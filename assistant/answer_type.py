"""Answer-type boost: a question that asks for an amount or a date prefers chunks that hold one.

Matching the expected answer type of a question against the candidate passages is the
oldest trick of factoid question answering (Harabagiu et al., "FALCON: Boosting Knowledge
for Answer Engines", TREC-9, 2000; Prager et al., "Question-answering by predictive
annotation", SIGIR 2000). Here the answer's shape comes from the question
(:func:`precise_kind`: "bao nhiêu tiền" → an amount in đồng, "mấy thành viên" → a count
of people, "ngày nào" → a date; :func:`assistant.facts.holds` tells whether a text
holds it, the same test the answer step makes), and a fused candidate whose chunk holds it has its score
multiplied by ``1 + factor × (1 − p)``, where ``p`` is the share of the candidates that hold
it: evidence that every candidate has tells them apart no better than a term in every
document (the idea of IDF). In a penal code, where nearly every article says "phạt tù từ
N năm", the boost fades by itself.

Measured (``python bench/answer_type_sweep.py``, with the fusion by rank and score): on
mttq_dev recall@1 / recall@5 / MRR@10 go 0.750 / 0.925 / 0.830 without the boost → 0.825 /
0.950 / 0.880 at 0.25 → 0.850 / 0.950 / 0.897 from 0.4 up; on the accent-free copy 0.4 is best
(0.700 / 0.925 / 0.812 → 0.800 / 0.950 / 0.879). On legal codes it costs about a question in a
hundred (ALQAC 2023 recall@1 0.87 → 0.86, 2022 0.925 → 0.923). The boost orders search
results only: answers are composed from the order without it (:meth:`assistant.answer.Assistant.draft`),
because a passage lifted for holding an amount often holds an amount about someone else
(an adversarial pass found four such answers). A learned reranker weight on the same signal
had pulled number-bearing passages over everything else (assistant/reranker.py).
"""
from __future__ import annotations

from dataclasses import replace

from assistant.facts import holds, payments_in
from assistant.frame import QuestionFrame
from vectorstore.retriever import Hit

DEFAULT_FACTOR = 0.4
_CALENDAR = frozenset({"day", "month", "year"})


def precise_kind(frame: QuestionFrame) -> str | None:
    """The kind of precise fact the question asks for, or None.

    Only precise kinds count: an amount asked with "bao nhiêu"/"mấy" and its measure
    ("bao nhiêu tiền" → "… đồng", "mấy thành viên" → "N thành viên") and a calendar date
    ("ngày nào", "năm nào"). A bare number, an ordinal ("tháng thứ bao nhiêu"), a duration
    ("thời hạn … bao lâu") is in nearly every legal article, and a yes/no question ("…, đúng
    hay sai?") asks for no fact: boosting those cost ALQAC 2023 recall@1 0.84 → 0.77 when it
    was tried.
    """
    if "yes_no" in frame.asks or not frame.asks:
        return None
    kind = frame.kind
    if kind in ("amount", "percent") and frame.measure and " thứ bao nhiêu" not in f" {frame.reading.lower()}" \
            and " thứ mấy" not in f" {frame.reading.lower()}":
        return kind
    return kind if kind in _CALENDAR else None


def holds_asked(text: str, heading: str, frame: QuestionFrame, kind: str) -> bool:
    """``text`` holds the asked fact; an amount of money for a question naming a payment only
    next to the same payment, in the text or its ``heading``."""
    if not holds(kind, text, frame.reading, frame.measure if kind == "amount" else None):
        return False
    if kind == "amount" and frame.measure == "money" and frame.payments:
        return bool(frame.payments & payments_in(f"{text} {heading}"))
    return True


class AnswerTypeBoost:
    """Re-order fused candidates by whether their chunk holds the kind of fact asked.

    Args:
        factor: finite, ≥ 0; a candidate holding the fact scores ``score × (1 + factor × (1 − p))``,
            ``p`` the share of candidates holding it. 0 turns the boost off.
    Raises:
        ValueError: ``factor`` is negative, infinite or NaN.
    """

    def __init__(self, factor: float = DEFAULT_FACTOR) -> None:
        if not 0 <= factor < float("inf"):  # also refuses NaN
            raise ValueError(f"answer-type boost factor must be a finite number >= 0, got {factor}")
        self.factor = factor

    def rerank(self, frame: QuestionFrame, candidates: list[Hit]) -> list[Hit]:
        """``candidates`` re-sorted by boosted score (stable: ties keep their order).

        The frame's kind asked is read from what the user typed in this turn, with accents
        (restored if typed without), as in the answer step. A question that asks no precise
        fact (see :func:`precise_kind`) gets ``candidates`` itself back.
        """
        kind = precise_kind(frame) if self.factor else None
        if kind is None or not candidates:
            return candidates  # the same list: callers tell "unchanged" by identity
        holding = [holds_asked(h.chunk.text, " ".join(h.chunk.heading_path[1:]), frame, kind) for h in candidates]
        boost = 1 + self.factor * (1 - sum(holding) / len(holding))
        boosted = [replace(h, score=h.score * boost) if held else h for h, held in zip(candidates, holding)]
        return sorted(boosted, key=lambda h: -h.score)
