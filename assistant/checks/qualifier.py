"""A fact stated for another level, round, term, prize, star rating or NTM tier does not answer."""
from __future__ import annotations

from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame
from assistant.qualifiers import qualifiers

_NAMES = {"level": "cấp", "round": "lần thứ", "term": "khóa", "stars": "sao", "prize": "giải",
          "ntm_tier": "nông thôn mới"}


class QualifierCheck(Check):
    """The unit's own qualifiers decide; for a family the unit does not name, the nearest
    context that names it does (a sub-item's item, a list's lead-in, a row's headers, the
    headings). So "- Cấp tỉnh: 500.000 đồng" does not answer "cấp xã", and "350.000 đồng" under
    "Cấp xã:" does (:mod:`assistant.qualifiers`)."""

    name = "qualifier"

    def applies(self, frame: QuestionFrame) -> bool:
        return bool(frame.qualifiers)

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        layers = [candidate.text, *candidate.unit.context, candidate.headings]
        for family, asked in frame.qualifiers.items():
            for layer in layers:
                named = qualifiers(layer).get(family)
                if named is None:
                    continue
                if not named & asked:
                    said = ", ".join(sorted(named))
                    return self.fail(f"states {family} {said}, not {', '.join(sorted(asked))}",
                                     f"thông tin riêng cho {_NAMES[family]} {', '.join(sorted(asked))}")
                break
        return self.ok()
