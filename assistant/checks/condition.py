"""A rule stated under a numeric condition answers only a question whose number satisfies it."""
from __future__ import annotations

from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame
from assistant.numbers import compatible, mentions, same_measure


def _condition_part(text: str) -> str:
    """The clause before "thì" when there is one ("Thôn có từ 100 cử tri trở lên thì … mỗi hội
    nghị không quá 50 cử tri": the condition is the first part, the rest says what follows)."""
    head, sep, _rest = text.partition(" thì ")
    return head if sep and mentions(head) else text


class ConditionCheck(Check):
    """"Nơi có dưới 100 cử tri …" does not answer a question about an office with 150 voters,
    and "từ 100 cử tri trở lên" does: a condition the unit (or its lead-in and parent item)
    puts on a count of the same measure as a number the question states must allow that
    number, and a condition the question states ("trên 3%") must allow the unit's value
    (interval intersection, :func:`assistant.numbers.compatible`). Hard: the other branch of a
    condition is a wrong answer, not a related one."""

    name = "condition"
    hard = True

    def applies(self, frame: QuestionFrame) -> bool:
        return bool(frame.numbers)

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        for layer in candidate.layers:
            for asked in frame.numbers:
                # a condition on either side: the unit's rule, or the question's ("thôn nào có
                # tỷ lệ hộ nghèo trên 3%?" is not answered by a row of 1,34%)
                judged = [stated for stated in mentions(_condition_part(layer)) if (stated.op != "=" or asked.op != "=")
                          and same_measure(asked, stated)]
                # one condition that holds is enough: "từ 100 cử tri trở lên thì … mỗi hội nghị
                # không quá 50 cử tri" holds for 120 by its first number; the second is a limit
                if judged and not any(compatible(asked, stated) for stated in judged):
                    stated = judged[0]
                    return self.fail(f"holds for {stated.op}{stated.value:g} {stated.noun}, "
                                     f"the question says {asked.op}{asked.value:g} {asked.noun}")
        return self.ok()
