"""A definition question is answered by a sentence that defines."""
from __future__ import annotations

import re

from assistant import lexicon
from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame

_DEFINES = re.compile(rf"\b(?:{lexicon.alternation('markers', 'role', 'defines')})\b", re.IGNORECASE)


class DefinitionCheck(Check):
    """"Mặt trận Tổ quốc là gì?" is answered by "Mặt trận Tổ quốc Việt Nam là …", not by a
    title or a sentence about its activities: the unit says what something is ("là", "được
    hiểu là", "gồm": ``lexicon/markers.tsv``)."""

    name = "definition"

    def applies(self, frame: QuestionFrame) -> bool:
        return frame.kind == "definition"

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        if _DEFINES.search(candidate.text):
            return self.ok()
        return self.fail("defines nothing", "định nghĩa")
