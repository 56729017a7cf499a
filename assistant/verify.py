"""Checks that a generated answer says only what its cited passages say.

A sentence is supported when at least half of its content syllables (accent-folded,
stopwords and citation markers removed) occur in one of the passages it cites, and
every number in it occurs in a cited passage. Every ``[n]`` must name a passage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from assistant.query import content_terms
from ingest.normalize import fold_diacritics, syllables
from ingest.sentences import split_sentences

_MARKER = re.compile(r"\[(\d{1,2})\]")
_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")
MIN_SUPPORT = 0.5


@dataclass
class Verification:
    """Outcome: ``ok`` and, when not, the first problem found (English, for logs)."""

    ok: bool
    problem: str = ""
    cited: tuple[int, ...] = ()


def verify_answer(answer: str, passages: Sequence[str], min_support: float = MIN_SUPPORT) -> Verification:
    """Verify the ``[n]`` citations of ``answer`` against ``passages`` (1-based).

    Returns a failed :class:`Verification` when a marker names no passage, a sentence
    with a number or a claim has no marker, or a cited sentence is not supported.
    """
    if not answer.strip():
        return Verification(False, "empty answer")
    folded_passages = [{fold_diacritics(s) for s in syllables(p)} for p in passages]
    raw_passages = [re.sub(r"\s+", "", p) for p in passages]
    cited_all: set[int] = set()
    lines = [line for line in answer.split("\n") if line.strip()]
    for sentence in (s for line in lines for s in split_sentences(line)):
        markers = [int(m) for m in _MARKER.findall(sentence)]
        body = _MARKER.sub(" ", sentence)
        terms = content_terms(body)
        if not markers:
            if _NUMBER.search(body) or len(terms) >= 6:
                return Verification(False, f"uncited claim: {sentence[:80]!r}")
            continue
        if any(n < 1 or n > len(passages) for n in markers):
            return Verification(False, f"citation names no passage: {markers}")
        cited_all.update(markers)
        if terms:
            support = max(sum(t in folded_passages[n - 1] for t in terms) / len(terms) for n in markers)
            if support < min_support:
                return Verification(False, f"unsupported ({support:.2f}): {sentence[:80]!r}")
        for number in _NUMBER.findall(body):
            if not any(number in raw_passages[n - 1] for n in markers):
                return Verification(False, f"number {number} not in cited passages")
    if not cited_all:
        return Verification(False, "no citation")
    return Verification(True, cited=tuple(sorted(cited_all)))
