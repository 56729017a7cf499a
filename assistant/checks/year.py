"""A question about one year is not answered from a sentence, or a passage, of another."""
from __future__ import annotations

import re

from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame
from assistant.places import dated, document_where

_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})(?!\d)")
_YEAR = re.compile(r"(?<![\d/])((?:19|20)\d{2})(?![\d/])|(?<=\d/)((?:19|20)\d{2})(?![\d/])")


def years_in(text: str) -> set[str]:
    """The years a text names: "năm 2024", "ngày 08/02/2021" and every year of a range
    ("giai đoạn 2021 - 2025"); not the year inside a số hiệu ("329/2021/NQ-HĐND" cites a
    document, it dates nothing here)."""
    found: set[str] = set()
    for m in _RANGE.finditer(text):
        low, high = int(m.group(1)), int(m.group(2))
        if 0 <= high - low <= 30:
            found.update(str(y) for y in range(low, high + 1))
    for m in _YEAR.finditer(text):
        found.add(m.group(1) or m.group(2))
    return found


class YearCheck(Check):
    """The years the unit names decide ("Năm 2025, xã làm mới 4,5 km" does not answer "năm 2026"),
    else its nearest context's (a row's headers, a list's lead-in), else the passage or its
    document must name one of the asked years (a year often scopes a whole section: "Mục tiêu
    đến năm 2030"); so "năm 2024" is not answered from the 2025 plan."""

    name = "year"

    def applies(self, frame: QuestionFrame) -> bool:
        return bool(frame.years)

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        asked = set(frame.years)
        for layer in candidate.layers:
            named = years_in(layer)
            if named:
                if named & asked:
                    return self.ok()
                return self.fail(f"states {', '.join(sorted(named))}, not {', '.join(sorted(asked))}",
                                 f"số liệu của năm {', '.join(frame.years)}")
        if dated(document_where(candidate.hit), candidate.hit.passage.text, frame.years):
            return self.ok()
        return self.fail(f"the passage names no year {', '.join(frame.years)}",
                         f"số liệu của năm {', '.join(frame.years)}")
