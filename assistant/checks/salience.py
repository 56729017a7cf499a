"""An answer is about what the question is about: the question's specific words are there."""
from __future__ import annotations

from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame, salient_terms
from assistant.scoring import document_context
from ingest.normalize import fold_diacritics


class SalienceCheck(Check):
    """Every *salient* term of the question — one rare in the index (IDF ≥ ``share`` × the IDF of
    an unseen term, :func:`assistant.frame.salient_terms`), so that
    it names what the question is specifically about, like "thu hồi" in "Vì sao xã … bị thu hồi
    danh hiệu …?" — is in the unit, its context or its document's title and headings. A false
    premise or a detail the documents never mention fails here, and a partial answer says so.
    ``share`` is chosen by cross-validation (bench/answer_cv.py)."""

    name = "salience"

    def __init__(self, share: float) -> None:
        self.share = share

    def applies(self, frame: QuestionFrame) -> bool:
        return bool(salient_terms(frame, self.share))

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        present = candidate.match.present | document_context(candidate.hit, not frame.accented)
        missing = [t for t in salient_terms(frame, self.share) if t not in present]
        if missing:
            return self.fail(f"does not mention {', '.join(missing)}", f"nội dung về “{phrase_of(frame, missing)}”")
        return self.ok()


def phrase_of(frame: QuestionFrame, missing: list[str]) -> str:
    """The words of the question around its ``missing`` terms, as typed ("thu hồi" for "thu",
    "hồi"): each missing syllable with the content syllables next to it."""
    tokens = frame.reading.split()
    keys = [fold_diacritics(t.strip(".,;:!?()“”\"'").lower()) for t in tokens]
    wanted = {fold_diacritics(m) for m in missing}
    content = {fold_diacritics(t) for t in frame.terms}
    spans: list[str] = []
    i = 0
    while i < len(tokens):
        if keys[i] in wanted:
            start = i
            while start > 0 and keys[start - 1] in content:
                start -= 1
            end = i + 1
            while end < len(tokens) and keys[end] in content:
                end += 1
            spans.append(" ".join(t.strip(".,;:!?()“”\"'") for t in tokens[start:end]))
            i = end
        else:
            i += 1
    return ", ".join(dict.fromkeys(spans)) or " ".join(missing)
