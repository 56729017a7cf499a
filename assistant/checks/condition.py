"""A rule stated under a numeric condition answers only a question whose number satisfies it."""
from __future__ import annotations

from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame
from assistant.numbers import compatible, mentions, same_measure


class ConditionCheck(Check):
    """"Nơi có dưới 100 cử tri …" does not answer a question about an office with 150 voters,
    and "từ 100 cử tri trở lên" does: a condition the unit (or its lead-in and parent item)
    puts on a count of the same measure as a number the question states must allow that
    number (interval intersection, :func:`assistant.numbers.compatible`). Hard: the other
    branch of a condition is a wrong answer, not a related one."""

    name = "condition"
    hard = True

    def applies(self, frame: QuestionFrame) -> bool:
        return bool(frame.numbers)

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        for layer in [candidate.text, *candidate.unit.context[:2]]:
            stated = [m for m in mentions(layer) if m.op != "="]
            for asked in frame.numbers:
                for rule in stated:
                    if same_measure(asked, rule) and not compatible(asked, rule):
                        return self.fail(f"holds for {rule.op}{rule.value:g} {rule.noun}, "
                                         f"the question says {asked.op}{asked.value:g} {asked.noun}")
        return self.ok()
