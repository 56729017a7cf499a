"""A target is never given as a result, a plan never as a report."""
from __future__ import annotations

from functools import lru_cache

from assistant import lexicon
from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame

PRECISE = frozenset({"amount", "percent", "day", "month", "year", "date", "time"})


@lru_cache(maxsize=1)
def _targets() -> lexicon.PhraseTable:
    return lexicon.PhraseTable((r["phrase"], r["stance"]) for r in lexicon.rows("stances") if r["stance"] == "target")


def states_target(text: str) -> bool:
    """``text`` states a plan or target ("phấn đấu", "mục tiêu", "chỉ tiêu", "dự kiến" …)."""
    return bool(_targets().search(text))


class StanceCheck(Check):
    """For a question asking a precise fact that is not itself about a plan ("Năm 2025 xã đã làm
    mới bao nhiêu km đường?", "Xã có bao nhiêu hộ nghèo?"), a unit that states a target — in its
    own words or its nearest context (a row's headers "Chỉ tiêu", a list's lead-in "Mục tiêu …")
    — does not answer; a partial answer may say that the documents give only the target."""

    name = "stance"

    def applies(self, frame: QuestionFrame) -> bool:
        return frame.stance != "target" and frame.kind in PRECISE

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        for layer in [candidate.text, *candidate.unit.context[:2]]:
            if states_target(layer):
                return self.fail("states a target or plan, not a result", "kết quả thực hiện (chỉ có mục tiêu, kế hoạch)")
        return self.ok()
