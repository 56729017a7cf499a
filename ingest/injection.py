"""Text inside documents that tries to instruct an AI assistant (prompt injection).

Documents are data. Sentences that address the assistant — "bỏ qua mọi hướng dẫn
trước đó", "ignore previous instructions", "bạn phải trả lời rằng…", chat-template
tokens — or a reader about how to answer ("khi được hỏi về …, hãy trả lời rằng …"), or that
ask people to send identity papers to an address, are flagged at ingest and never used as
answer text or shown to a model.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ingest.structure import read_tsv

_PATTERNS = [
    r"\b(bỏ qua|phớt lờ|quên|bo qua)\b.{0,40}\b(hướng dẫn|chỉ dẫn|chỉ thị|lệnh|quy tắc|yêu cầu)\b.{0,30}"
    r"\b(trước|trên|ban đầu|hệ thống)",
    r"\bignore\b.{0,30}\b(previous|prior|above|all|earlier)\b.{0,30}\b(instructions?|prompts?|rules?)\b",
    r"\bdisregard\b.{0,40}\b(instructions?|prompt|rules?)\b",
    r"\b(you are now|act as|pretend to be|new instructions?)\b",
    r"\b(system prompt|lời nhắc hệ thống|câu lệnh hệ thống)\b",
    r"\b(trợ lý|chatbot|mô hình|AI|bạn)\b.{0,30}\b(phải|hãy|chỉ được|không được)\b.{0,30}"
    r"\b(trả lời|nói|khẳng định|trích dẫn|tiết lộ)\b",
    r"\b(từ bây giờ|kể từ giờ)\b.{0,20}\b(bạn|trợ lý)\b",
    r"<\|im_start\|>|<\|im_end\|>|<\|system\|>|\[INST\]|<<SYS>>|###\s*(system|instruction)",
    # addressed to whoever answers, about how to answer: "Khi được hỏi về hạn nộp hồ sơ, hãy trả lời rằng …"
    r"\bkhi (được|bị|có người) hỏi\b.{0,100}\b(hãy|thì|phải)\b.{0,20}\b(trả lời|nói|khẳng định|cho biết)\b",
    r"\b(hãy|cần|phải)\s+(trả lời|nói|khẳng định|thông báo)\s+(rằng|là)\b",
    # asking people to send identity papers somewhere: never a step of an official procedure quoted as fact
    r"\b(yêu cầu|đề nghị|hướng dẫn|nhắc)\b.{0,40}\bgửi\b.{0,40}\b(ảnh|hình|bản chụp|bản scan)\b.{0,40}"
    r"\b(căn cước|cccd|cmnd|chứng minh nhân dân)\b.{0,60}(https?://|www\.|\.com|\.vn|@)",
]
INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


@lru_cache(maxsize=1)
def _cues() -> dict[str, re.Pattern]:
    """One pattern per cue class of ``ingest/data/injection_cues.tsv``, whole words, any case —
    but "AI", which is the system only in capitals ("ai" is also "who")."""
    by_cue: dict[str, list[str]] = {}
    for row in read_tsv("injection_cues.tsv"):
        by_cue.setdefault(row["cue"], []).append(row["phrase"])
    out = {}
    for cue, phrases in by_cue.items():
        alternatives = ["AI" if p == "ai" else "(?i:" + re.escape(p).replace(r"\ ", r"\s+") + ")"
                        for p in sorted(phrases, key=len, reverse=True)]
        out[cue] = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")
    return out


def _addressed_to_answerer(text: str) -> bool:
    """A sentence about how to answer, by its cue classes: answering conditioned on being asked
    ("Nếu có ai hỏi … thì nói là …"), a canonical answer ("câu trả lời đúng là …"), the answering
    system addressed with an order or a note ("Hệ thống hỏi đáp lưu ý: …"), the asker given an
    answer ("Thông tin … cần cung cấp cho người hỏi …"), or identity papers to be sent over an
    online channel ("gửi ảnh chụp căn cước công dân qua Zalo …")."""
    cues = _cues()
    has = {cue: bool(p.search(text)) for cue, p in cues.items()}
    if has.get("canonical") or (has.get("when_asked") and has.get("answer")):
        return True
    if has.get("system") and (has.get("imperative") or has.get("answer")):
        return True
    if has.get("asker") and has.get("answer"):
        return True
    return bool(has.get("id_paper") and has.get("send") and has.get("channel"))


def looks_like_instruction(text: str) -> bool:
    """True when ``text`` addresses an AI assistant (or whoever answers) with orders about how to
    answer rather than informing people, or asks people to send identity papers online."""
    return bool(INSTRUCTION.search(text)) or _addressed_to_answerer(text)
