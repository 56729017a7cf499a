"""How well an answer unit matches the question's topic.

A unit's *coverage* is the IDF-weighted share of the question's content terms it contains
(its own words and its inherited context, :attr:`assistant.units.Unit.context`, count fully;
the document's title and heading path half); its *score* adds half the weighted share of the
question's adjacent term pairs it contains, so that word order counts a little.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from assistant import lexicon
from assistant.frame import QuestionFrame
from assistant.numbers import compatible, mentions, same_measure
from assistant.query import synonym_words, with_expansions
from assistant.units import Unit
from ingest.normalize import fold_diacritics, syllables
from vectorstore.retriever import Hit


class TermStats:
    """Document frequencies of folded syllables over a set of passages, for IDF."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._count([syllables(t) for t in texts])

    @classmethod
    def from_tokens(cls, token_lists: Sequence[Sequence[str]]) -> "TermStats":
        """Stats from passages already split into lower-case syllables."""
        stats = cls.__new__(cls)
        stats._count(token_lists)
        return stats

    @classmethod
    def from_counts(cls, n: int, df: Counter[str]) -> "TermStats":
        """Stats from ``n`` passages and the document frequency of each folded syllable."""
        stats = cls.__new__(cls)
        stats.n, stats.df = max(1, n), df
        return stats

    def _count(self, token_lists: Sequence[Sequence[str]]) -> None:
        self.n = max(1, len(token_lists))
        df: Counter[str] = Counter()
        for tokens in token_lists:
            df.update({fold_diacritics(s) for s in tokens})
        self.df = df

    def idf(self, term: str) -> float:
        """BM25-style IDF, ``ln(1 + (N - df + 0.5) / (df + 0.5))`` (Robertson & Zaragoza 2009)."""
        df = self.df.get(term, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))


def forms(text: str, fold: bool) -> list[str]:
    """Syllables of ``text`` (abbreviations expanded), folded or as written."""
    words = syllables(with_expansions(text))
    return [fold_diacritics(w) for w in words] if fold else words


def document_context(hit: Hit, fold: bool) -> set[str]:
    """Syllables of what says what a passage is about: its heading path, its document's title,
    số hiệu and type, and the passage's first line."""
    meta = hit.chunk.metadata
    parts = [*hit.chunk.heading_path, meta.get("title", ""), meta.get("so_hieu") or "",
             meta.get("doc_type") or "", hit.passage.text.split("\n", 1)[0]]
    return set(forms(" ".join(parts), fold))


def local_weights(weights: dict[str, float], sets: list[set[str]]) -> dict[str, float]:
    """Re-weight terms by how well they tell the candidate units apart: a term in every
    candidate (the entity all passages are about) counts half, a term in one candidate (what
    the question asks about it) counts fully — IDF computed over the candidates themselves
    (Robertson & Zaragoza 2009), scaled to [0.5, 1]."""
    n = len(sets) or 1
    local = {t: math.log(1 + (n + 1) / (sum(t in s for s in sets) + 1)) for t in weights}
    top = max(local.values(), default=1.0) or 1.0
    return {t: w * (0.5 + 0.5 * local[t] / top) for t, w in weights.items()}


@dataclass
class Match:
    """How a unit matches the question: ``score`` ranks, ``coverage`` (0–1) decides topicality;
    ``present`` are the unit's own and inherited words (with synonyms)."""

    score: float
    coverage: float
    present: frozenset[str]


def match(unit: Unit, frame: QuestionFrame, document: set[str], rank_weights: dict[str, float] | None = None,
          words: list[str] | None = None, unit_title: str | None = None) -> Match:
    """Score ``unit`` against ``frame``'s terms.

    Args:
        document: :func:`document_context` of the unit's passage (terms found only there count half).
        rank_weights: weights for the score's coverage part (default the frame's); the returned
            coverage always uses the frame's weights.
        words: the unit's and its context's syllables as :func:`forms` gives them, when computed.
        unit_title: the title of the unit's document (a unit that is only the title is discounted).
    Returns:
        coverage: the weighted share of the question's terms present; score: the coverage by
        ``rank_weights`` plus 0.5 × the weighted share of adjacent term pairs present. A unit
        that is itself a question is discounted (× 0.3: a FAQ's "Hỏi: …?" is not its answer), as
        are fragments under 4 words, lines in capitals and the document's own title (a title names a
        document; × 0.5).
    """
    fold = not frame.accented
    if words is None:
        words = forms(" ".join([unit.text, *unit.context]), fold)
    present = set(words) | synonym_words(words, fold)  # "thấp nhất" covers "tối thiểu"
    if frame.condition_terms and meets_conditions(unit.shown, frame):
        present |= frame.condition_terms  # "Tỷ lệ hộ nghèo: 3,93%" says "trên 3%" by its value
    weights = frame.weights
    unit_pairs = set(zip(words, words[1:]))
    # a compound is ordered: "tiêu chí" (criteria) is not "chỉ tiêu" (targets), and typed without
    # accents both are "tieu chi" / "chi tieu"; two question terms the unit holds only the other
    # way round are not covered
    reversed_only = {t for a, b in zip(frame.terms, frame.terms[1:]) if a != b
                     and (b, a) in unit_pairs and (a, b) not in unit_pairs for t in (a, b)}

    def covered(ws: dict[str, float]) -> float:
        total = sum(ws.values()) or 1.0
        return sum(0.0 if t in reversed_only else w if t in present else 0.5 * w if t in document else 0.0
                   for t, w in ws.items()) / total

    coverage = covered(weights)
    ws = rank_weights or weights
    score = covered(rank_weights) if rank_weights else coverage
    pairs = {(a, b): min(ws.get(a, 0.0), ws.get(b, 0.0)) for a, b in zip(frame.terms, frame.terms[1:])}
    if pairs:
        total = sum(pairs.values()) or 1.0
        score += 0.5 * sum(w if p in unit_pairs else 0.5 * w if p[0] in document and p[1] in document else 0.0
                           for p, w in pairs.items()) / total
    own = syllables(unit.text)
    if unit.text.rstrip().endswith("?"):
        score *= QUESTION_DISCOUNT
    if len(own) < 4:
        score *= 0.5
    letters = [c for c in unit.text if c.isalpha()]
    if len(own) >= 6 and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        score *= 0.5
    elif unit.text.strip().lower() == str(unit_title or "").strip().lower():
        score *= 0.5  # the document's own title names it, it answers nothing
    stripped = unit.text.strip()
    if stripped.startswith("(") and stripped.endswith(")"):
        score *= 0.5  # an aside or attribution ("(Ban hành kèm theo Nghị quyết …)")
    if _BLANKS.search(unit.text):
        score *= 0.3  # a blank form ("Số người ứng cử: ........ người") states nothing
    if stripped.startswith("^") or _junk().search(unit.text):
        score *= 0.2  # a footnote citing a web source ("^ … Truy cập ngày …") states no fact
    return Match(score, coverage, frozenset(present))


QUESTION_DISCOUNT = 0.3


def meets_conditions(text: str, frame: QuestionFrame) -> bool:
    """``text`` states a value ("3,93%") of the measure of each condition the question puts
    ("trên 3%"), and the value meets it."""
    stated = [m for m in mentions(text) if m.op == "="]
    return all(any(same_measure(asked, m) and compatible(asked, m) for m in stated)
               for asked in frame.numbers if asked.op != "=")
@lru_cache(maxsize=1)
def _junk() -> re.Pattern:
    return re.compile(rf"(?<!\w)(?:{lexicon.alternation('reference_junk', 'origin')})(?!\w)", re.IGNORECASE)


_BLANKS = re.compile(r"\.{5,}|…{3,}|_{5,}")
