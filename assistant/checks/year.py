"""A question about one year is not answered from a passage of another."""
from __future__ import annotations

from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame
from assistant.places import dated, document_where


class YearCheck(Check):
    """The unit's passage or document names one of the years the question names (a year usually
    scopes a whole section: "Mục tiêu đến năm 2030"), so "năm 2024" is not answered from the
    2025 plan."""

    name = "year"

    def applies(self, frame: QuestionFrame) -> bool:
        return bool(frame.years)

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        if dated(document_where(candidate.hit), candidate.hit.passage.text, frame.years):
            return self.ok()
        return self.fail(f"the passage names no year {', '.join(frame.years)}",
                         f"số liệu của năm {', '.join(frame.years)}")
