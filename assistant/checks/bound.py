"""A question asking an upper bound is not answered by a lower bound, nor the other way round."""
from __future__ import annotations

from functools import lru_cache

from assistant import lexicon
from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame

_WORDS = {"min": "mức tối thiểu", "max": "mức tối đa"}


@lru_cache(maxsize=1)
def _bounds() -> lexicon.PhraseTable:
    return lexicon.table("bounds", "bound")


class BoundCheck(Check):
    """"Tối đa bao nhiêu cuộc?" is not answered by "ít nhất 12 cuộc": a unit stating only the
    other bound (``lexicon/bounds.tsv``) fails; one stating both, or none, passes."""

    name = "bound"

    def applies(self, frame: QuestionFrame) -> bool:
        return frame.bound is not None

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        stated = set(_bounds().values(candidate.unit.shown))
        if stated and frame.bound not in stated:
            other = next(iter(stated))
            return self.fail(f"states only the {other} bound", f"{_WORDS[frame.bound]} (chỉ có {_WORDS[other]})")
        return self.ok()
