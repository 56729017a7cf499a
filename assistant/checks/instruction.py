"""Text addressed to an AI, or to a reader about how to answer, is never an answer."""
from __future__ import annotations

from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame


class InstructionCheck(Check):
    """Drops units flagged at ingest (``Block.flags``) or that read as instructions
    (:func:`ingest.injection.looks_like_instruction`: "bỏ qua hướng dẫn trước", "khi được hỏi
    về …, hãy trả lời rằng …"). Documents are data: orders inside them are never facts."""

    name = "instruction"
    hard = True

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        if candidate.unit.flagged:
            return self.fail("instruction-like text (addressed to an AI or to a reader about answering)")
        return self.ok()
