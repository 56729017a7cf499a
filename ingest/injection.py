"""Text inside documents that tries to instruct an AI assistant (prompt injection).

Documents are data. Sentences that address the assistant — "bỏ qua mọi hướng dẫn
trước đó", "ignore previous instructions", "bạn phải trả lời rằng…", chat-template
tokens — or a reader about how to answer ("khi được hỏi về …, hãy trả lời rằng …"), or that
ask people to send identity papers to an address, are flagged at ingest and never used as
answer text or shown to a model.
"""
from __future__ import annotations

import re

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


def looks_like_instruction(text: str) -> bool:
    """True when ``text`` addresses an AI assistant with orders rather than informing people."""
    return bool(INSTRUCTION.search(text))
