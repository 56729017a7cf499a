"""An answer holds the kind of fact asked: a day for "ngày nào", an amount of the asked measure
for "bao nhiêu thành viên", a name for "ai là …"."""
from __future__ import annotations

from assistant.checks.base import Candidate, Check, Verdict
from assistant.facts import OPEN_KINDS, holds
from assistant.frame import QuestionFrame

# what the documents do not state when no unit holds the kind asked, as a partial answer says it
MISSING = {"day": "ngày cụ thể", "month": "tháng cụ thể", "year": "năm cụ thể", "time": "giờ cụ thể",
           "date": "thời gian cụ thể", "deadline": "thời hạn cụ thể", "duration": "thời hạn cụ thể",
           "frequency": "mức độ thường xuyên", "percent": "tỷ lệ cụ thể", "person": "tên người cụ thể",
           "agent": "cơ quan hay người cụ thể", "place": "địa điểm, địa chỉ cụ thể",
           "contact": "thông tin liên hệ cụ thể", "document": "số hiệu văn bản",
           "which_place": "tên địa phương cụ thể", "reason": "lý do", "list": "danh sách cụ thể"}
_AMOUNT_MISSING = {"money": "mức tiền cụ thể", "people": "số người cụ thể"}


def missing_phrase(frame: QuestionFrame) -> str:
    """What a partial answer says the documents do not state, for the frame's main kind."""
    if frame.kind == "amount":
        return _AMOUNT_MISSING.get(frame.measure or "", "con số cụ thể")
    return MISSING.get(frame.kind or "", "thông tin được hỏi")


def _counted_in_table(candidate: Candidate, frame: QuestionFrame, kind: str) -> bool:
    """A table row with a number, in a table whose headers, caption or lead-in name what the
    question counts: "tỷ lệ", "%" for a percent; the measure asked or one of the question's own
    words for an amount ("Phân bổ Số lượng giới thiệu: 7" for "được phân bổ bao nhiêu người")."""
    import re

    from assistant.facts import any_number
    from assistant.lexicon import table, words
    from ingest.normalize import fold_diacritics

    text = candidate.unit.shown
    if not any_number(text):
        return False
    around = " ".join(candidate.unit.context[:3])
    if kind == "percent" or frame.measure == "percent":
        return bool(re.search(r"tỷ lệ|tỉ lệ|phần trăm|%", f"{around} {text}", re.IGNORECASE))
    if frame.measure and any(m.value == frame.measure for m in table("measures", "family").search(around)):
        return True
    labels = " ".join(re.findall(r"([^;:|]{1,60}?)\s*:\s*\d", text))
    asked = {fold_diacritics(t) for t in frame.terms}
    return bool(labels) and bool(asked & {fold_diacritics(w) for w in words(labels)})


class KindCheck(Check):
    """The unit (a table row with its headers, a record line with its label) holds a fact of one
    of the kinds asked (:func:`assistant.facts.holds`); open kinds (definition, procedure,
    yes/no) are held by any topical text."""

    name = "kind"

    def applies(self, frame: QuestionFrame) -> bool:
        return any(k not in OPEN_KINDS for k in frame.asks)

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        text = candidate.unit.shown
        asked = [k for k in frame.asks if k not in OPEN_KINDS]
        for kind in asked:
            measure = frame.measure if kind == "amount" else frame.measure_word if kind == "which_place" else None
            if holds(kind, text, frame.reading, measure):
                return self.ok(f"holds {kind}" + (f" ({measure})" if measure else ""))
            if kind in ("amount", "percent") and candidate.unit.kind == "row" and _counted_in_table(candidate, frame, kind):
                return self.ok(f"holds {kind} in a column the table names")
        return self.fail(f"holds no {asked[0]}" + (f" of {frame.measure}" if frame.measure else ""),
                         missing_phrase(frame))
