"""A target is never given as a result, a plan never as a report."""
from __future__ import annotations

from functools import lru_cache

from assistant import lexicon
from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame

PRECISE = frozenset({"amount", "percent", "day", "month", "year", "date", "time"})


@lru_cache(maxsize=1)
def _intentions() -> lexicon.PhraseTable:
    return lexicon.PhraseTable((r["phrase"], r["stance"]) for r in lexicon.rows("stances")
                               if r["stance"] in ("goal", "plan", "norm"))


def stances_of(text: str) -> set[str]:
    """"goal" when ``text`` states a target ("phấn đấu", "mục tiêu", "chỉ tiêu" …), "plan" when it
    states an intention ("kế hoạch", "dự kiến", "sẽ" …), "norm" when a rule ("phải")."""
    return {m.value for m in _intentions().search(text)}


@lru_cache(maxsize=1)
def _results() -> lexicon.PhraseTable:
    return lexicon.PhraseTable((r["phrase"], r["stance"]) for r in lexicon.rows("stances") if r["stance"] == "result")


def reports_result(text: str) -> bool:
    """``text`` reports what was done ("đã", "đạt được", "vượt", "tính đến" …)."""
    return bool(_results().search(text))


def states_target(text: str) -> bool:
    """``text`` states a goal or a plan."""
    return bool(stances_of(text))


class StanceCheck(Check):
    """For a question asking a precise fact that is not itself about a plan, a unit that states a
    goal — in its own words or its nearest context (a row's headers "Chỉ tiêu", a list's lead-in
    "Mục tiêu …") — does not answer ("Xã có bao nhiêu hộ nghèo?" is not answered by "giảm còn 12
    hộ nghèo" under "Mục tiêu"); for one asking a result ("đã làm mới được bao nhiêu km?"), neither
    does a plan ("dự kiến", "kế hoạch"). A partial answer may say that the documents give only the
    target or plan."""

    name = "stance"

    def applies(self, frame: QuestionFrame) -> bool:
        return frame.stance != "target" and frame.kind in PRECISE

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        # a result is neither a goal, a plan nor a rule ("phải …"); a neutral question's fact no goal
        refuted = {"goal", "plan", "norm"} if frame.stance == "result" else {"goal"}
        for n, layer in enumerate([candidate.text, *candidate.unit.context[:2]]):
            found = stances_of(layer) & refuted
            if found and n == 0 and reports_result(layer):
                found = set()  # "đến hết năm 2016 đã có 2.358 xã đạt chuẩn (vượt … mục tiêu)": a result
            if found:
                return self.fail(f"states a {'/'.join(sorted(found))}, not a result",
                                 "kết quả thực hiện (chỉ có mục tiêu, kế hoạch)")
        return self.ok()
