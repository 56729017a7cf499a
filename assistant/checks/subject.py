"""The fact is about what the question asks about: the same payment and recipient for an amount,
the asked role for a name."""
from __future__ import annotations

from assistant.checks.base import Candidate, Check, Verdict
from assistant.facts import payments_in, recipient
from assistant.frame import QuestionFrame
from assistant.query import content_terms
from ingest.normalize import fold_diacritics



class SubjectCheck(Check):
    """An amount answers a question naming a payment ("phụ cấp", "thù lao", "thưởng") only next to
    the same payment — in the unit, its context or its headings ("Điều 5. Phụ cấp hằng tháng");
    when both the question and the unit say who receives it ("Trưởng ban … được hỗ trợ"), they
    share a word of who. A name answers "Ai là Chủ tịch …?" only near that role."""

    name = "subject"

    def applies(self, frame: QuestionFrame) -> bool:
        money = frame.kind in ("amount", "percent") and frame.measure in ("money", None) and bool(frame.payments)
        return money or (frame.kind == "person" and bool(frame.roles))

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        if frame.kind == "person":
            return self._role(candidate, frame)
        named = payments_in(f"{candidate.text} {candidate.context}")
        if not frame.payments & named:
            return self.fail(f"names no payment of the family {'/'.join(sorted(frame.payments))}",
                             "khoản tiền được hỏi")
        asked, given = recipient(frame.reading, content_terms), recipient(candidate.text, content_terms)
        if asked and given and not asked & given:
            return self.fail(f"paid to {' '.join(sorted(given))}, not {' '.join(sorted(asked))}",
                             "khoản này cho đối tượng được hỏi")
        return self.ok()

    def _role(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        """The unit (or its label, for a record line "Tổ phó: ông …") names the asked role itself:
        "Phó Chủ tịch" is not "Chủ tịch" (roles are matched whole, longest first)."""
        from assistant.checks.role import roles_in

        named = roles_in(f"{candidate.unit.shown} {' '.join(candidate.unit.context[:1])}")
        asked = {fold_diacritics(r) for r in frame.roles}
        if named & asked:
            return self.ok(f"names the role {', '.join(sorted(named & asked))}")
        return self.fail(f"names no {', '.join(frame.roles)}", f"tên người giữ vị trí {', '.join(frame.roles)}")
