"""Text inside documents that tries to instruct an AI assistant (prompt injection).

Documents are data. Sentences that address the assistant — "bỏ qua mọi hướng dẫn
trước đó", "ignore previous instructions", "bạn phải trả lời rằng…", chat-template
tokens — are flagged at ingest and never used as answer text or shown to a model.
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
]
INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def looks_like_instruction(text: str) -> bool:
    """True when ``text`` addresses an AI assistant with orders rather than informing people."""
    return bool(INSTRUCTION.search(text))
