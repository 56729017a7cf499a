"""A question that names a document ("Theo Thông tư 87/2025/TT-BTC …") is answered from it."""
from __future__ import annotations

import re

from assistant.checks.base import Candidate, Check, Verdict
from assistant.frame import QuestionFrame
from ingest.normalize import nfc


def _names(text: str, ref: str) -> bool:
    ref = nfc(ref).lower()
    text = nfc(text).lower()
    if any(ch in ref for ch in "/-"):
        return ref in text
    return bool(re.search(rf"(?<![\w/.-]){re.escape(ref)}(?![\w.-])", text))


class DocumentCheck(Check):
    """The unit's document is the one named (its số hiệu or title carries the number), or its
    passage cites it (a circular quoting the decision's amounts). A document the question names
    that no passage carries or cites is not in the index: the documents do not state what it
    says."""

    name = "document"

    def applies(self, frame: QuestionFrame) -> bool:
        return bool(frame.refs)

    def check(self, candidate: Candidate, frame: QuestionFrame) -> Verdict:
        meta = candidate.metadata
        label = " ".join(str(meta.get(k) or "") for k in ("so_hieu", "title", "file_name"))
        for ref in frame.refs:
            if _names(label, ref) or _names(candidate.hit.passage.text, ref):
                return self.ok(f"from or citing {ref}")
        return self.fail(f"not from {', '.join(frame.refs)}", f"nội dung của văn bản {', '.join(frame.refs)}")
