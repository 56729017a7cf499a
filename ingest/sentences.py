"""Vietnamese sentence splitting that respects numbering and abbreviations."""
from __future__ import annotations

import re

_CANDIDATE = re.compile(r"(?<=[.!?…;])[\"”’)]?\s+")
_NUMBER_OR_ROMAN = re.compile(r"^(\d+(\.\d+)*|[IVXLC]+|[a-zđ])[.)]$", re.IGNORECASE)
_ABBREV = {"tp.", "tt.", "ths.", "ts.", "pgs.", "gs.", "ông.", "bà.", "st.", "v.v.", "tr.", "q."}
# "1.", "a)", "-", "+", "•" at the start of a paragraph mark a list item
LIST_ITEM = re.compile(r"^\s*(\d{1,3}(\.\d{1,3})*[.)]|[a-zđ][.)]|[-+•–]|[IVXLC]{1,5}\.)\s+", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences.

    A boundary is end punctuation (``. ! ? … ;``) followed by space and an upper-case
    letter, digit or opening quote. Not split: after a bare number or Roman numeral
    ("Điều 9. Mặt trận…"), after single letters and common abbreviations ("TP. Huế").
    Returns the non-empty sentences, stripped; joining them with spaces gives back
    the paragraph up to whitespace.
    """
    sentences: list[str] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        nxt = text[m.end():m.end() + 1]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "\"“("):
            continue
        prev_word = text[start:m.start() + 1].rsplit(None, 1)[-1] if text[start:m.start() + 1].strip() else ""
        if _NUMBER_OR_ROMAN.match(prev_word) or prev_word.lower() in _ABBREV:
            continue
        piece = text[start:m.end()].strip()
        if piece:
            sentences.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
