"""A question naming an article ("Điều 3 quy định gì?", "điểm b Điều 3") is answered from it."""
from __future__ import annotations

import re

from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame

_HEADING = re.compile(r"^\s*(?:Điều|ĐIỀU)\s+(\d+)\b")


def unit_article(candidate: Candidate) -> str | None:
    """The number of the article (Điều) the unit sits in: the nearest "Điều N" heading among the
    unit itself, its inherited context and the passage's heading path; None when none is."""
    layers = [candidate.unit.text, *candidate.unit.context, *reversed(candidate.hit.chunk.heading_path)]
    for layer in layers:
        m = _HEADING.match(layer)
        if m:
            return m.group(1)
    return None


class ArticleCheck(Check):
    """A unit under another article than the one the question names does not answer: "Điều 3
    quy định gì?" is not answered by Điều 1's scope sentence. A unit whose article is unknown
    (no "Điều" heading above it) is not judged. Hard: another article's provision is a wrong
    answer, not a related one."""

    name = "article"
    hard = True

    def applies(self, frame: QuestionFrame) -> bool:
        return bool(frame.articles)

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        article = unit_article(candidate)
        if article is None or article in frame.articles:
            return self.ok(f"in Điều {article}" if article else "")
        asked = ", ".join(f"Điều {a}" for a in frame.articles)
        return self.fail(f"in Điều {article}, the question names {asked}", f"nội dung của {asked}")
