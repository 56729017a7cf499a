"""Structure-aware, token-bounded splitting of Vietnamese documents.

Headings of official texts (Phần / Chương / Mục / Điều, Roman-numbered sections,
Markdown headings) open sections; each section is packed into chunks of whole
paragraphs up to a token budget; a paragraph over the budget is split at sentence
boundaries and, failing that, between words, so no cut falls inside a syllable.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Callable

from ingest.sentences import split_sentences
from ingest.types import Chunk, Document

TokenCounter = Callable[[str], int]

# level of each recognised heading; smaller is coarser
_STRUCTURE = [
    (1, re.compile(r"^(PHẦN|Phần)\s+(THỨ\s+\w+|thứ\s+\w+|[IVXLC]+|\d+)\b")),
    (2, re.compile(r"^(CHƯƠNG|Chương)\s+([IVXLC]+|\d+)\b")),
    (3, re.compile(r"^(MỤC|Mục)\s+(\d+|[IVXLC]+)(?![.,]\d)\b(?!\s*(tiêu|đích))")),
    (4, re.compile(r"^Điều\s+\d+[\w.]*(\.|\s|$)")),
    (2, re.compile(r"^[IVX]{1,5}\.\s+\S")),
]
_MAX_HEADING_CHARS = 200
_MAX_HEADING_WORDS = 15


def approx_token_count(text: str) -> int:
    """Rough token count for XLM-R-style tokenisers on Vietnamese: 1.5 per word.

    Used when no model tokenizer is given; it overestimates, which keeps chunks
    under the model limit.
    """
    return int(len(text.split()) * 1.5) + 2


def heading_level(paragraph: str) -> int | None:
    """The structural level of ``paragraph`` if it is a heading line, else None.

    Roman-numbered sections count only in capitals ("I. MỤC ĐÍCH, YÊU CẦU").
    """
    if len(paragraph) > _MAX_HEADING_CHARS:
        return None
    if len(paragraph.split()) > _MAX_HEADING_WORDS and not paragraph.startswith("Điều"):
        return None  # a sentence that happens to start with "Mục 3 …" is body text
    for level, pattern in _STRUCTURE:
        if pattern.match(paragraph):
            if level == 2 and re.match(r"^[IVX]{1,5}\.", paragraph):
                letters = [c for c in paragraph if c.isalpha()]
                if sum(c.isupper() for c in letters) < 0.8 * len(letters):
                    return None
            if level == 4 and len(paragraph) > 160:
                return None  # a long "Điều 5 …" line is body text, not a title
            return level
    return None


@dataclass
class _Section:
    path: list[str]
    paragraphs: list[str]
    heading_lines: list[str]
    lead: int = 0  # how many of ``paragraphs`` are heading lines (its own and pending ones)


def _sections(doc: Document) -> list[_Section]:
    """Group paragraphs under their headings. No text is dropped: heading lines open
    their section's body, and those of a heading with no body of its own (a chapter
    title right before its first article, a table of contents) lead the next one."""
    paragraphs = doc.paragraphs
    stack: list[tuple[int, str]] = []
    sections: list[_Section] = [_Section([], [], [])]
    i = 0
    while i < len(paragraphs):
        para = paragraphs[i]
        level = doc.headings.get(i)
        structural = heading_level(para)
        if level is None:
            level = structural
        if level is None:
            sections[-1].paragraphs.append(para)
            i += 1
            continue
        title, lines = para, [para]
        # "Chương I" + "NHỮNG QUY ĐỊNH CHUNG" on the next line form one heading
        if structural in (1, 2, 3) and len(para.split()) <= 3 and i + 1 < len(paragraphs):
            nxt = paragraphs[i + 1]
            if nxt.isupper() and len(nxt) < _MAX_HEADING_CHARS and heading_level(nxt) is None:
                title, lines = f"{para}. {nxt}", [para, nxt]
                i += 1
        i += 1
        if level == 1 and title == doc.metadata.get("title"):
            # the document's own title is already the root of every path
            sections.append(_Section([t for _, t in stack], [], lines))
            continue
        stack = [(lvl, t) for lvl, t in stack if lvl < level]
        stack.append((level, title))
        sections.append(_Section([t for _, t in stack], [], lines))

    kept: list[_Section] = []
    pending: list[str] = []
    for section in sections:
        if not section.paragraphs:
            pending.extend(section.heading_lines)
            continue
        # heading lines stay in the text too: people quote "Điều 9. …", and nothing is lost
        section.lead = len(pending) + len(section.heading_lines)
        section.paragraphs = pending + section.heading_lines + section.paragraphs
        pending = []
        kept.append(section)
    if pending:
        kept.append(_Section(sections[-1].path, pending, []))
    return kept


def _split_long(text: str, budget: int, count: TokenCounter) -> list[str]:
    """Split one over-long paragraph at sentences, then between words."""
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        units = [sentence]
        if count(sentence) > budget:
            words = sentence.split(" ")
            units, buf = [], []
            for word in words:
                if buf and count(" ".join(buf + [word])) > budget:
                    units.append(" ".join(buf))
                    buf = []
                buf.append(word)
            if buf:
                units.append(" ".join(buf))
        for unit in units:
            candidate = f"{current} {unit}".strip()
            if current and count(candidate) > budget:
                pieces.append(current)
                current = unit
            else:
                current = candidate
    if current:
        pieces.append(current)
    return pieces


def chunk_document(doc: Document, *, doc_id: str, max_tokens: int = 480, target_tokens: int = 320,
                   count_tokens: TokenCounter = approx_token_count) -> list[Chunk]:
    """Split ``doc`` into chunks.

    Args:
        doc: a normalised document (one paragraph per line).
        doc_id: stable id of the document; chunk ids are ``<doc_id>:<n>``.
        max_tokens: hard limit for the embedded form (heading path + body), in model
            tokens; set it to the model's maximum input minus its prefix.
        target_tokens: soft size at which a chunk is closed at a paragraph boundary.
        count_tokens: the model's token counter (or :func:`approx_token_count`).
    Returns:
        Chunks in document order, each within ``max_tokens`` in its embedded form.
    """
    title = doc.metadata.get("title", "")
    chunks: list[Chunk] = []
    for section in _sections(doc):
        path = [title] + section.path if title else list(section.path)
        header = " › ".join(path)
        budget = max(32, max_tokens - count_tokens(header))
        target = min(target_tokens, budget)
        body: list[str] = []
        size = 0
        units: list[str] = []
        for para in section.paragraphs:
            units.extend([para] if count_tokens(para) <= budget else _split_long(para, budget, count_tokens))
        headings_only = section.lead > 0  # a heading never stands alone as a chunk
        k = 0
        while k < len(units):
            unit, n = units[k], count_tokens(units[k])
            k += 1
            if body and size + n > target:
                room = budget - size
                if headings_only and n > room >= budget // 4:
                    # the heading takes the start of its first paragraph
                    head, *rest = _split_long(unit, room, count_tokens)
                    units[k:k] = rest
                    unit, n = head, count_tokens(head)
                elif not headings_only or n > room:  # (a run of headings alone, e.g. a table of contents)
                    chunks.append(_make_chunk(doc, doc_id, len(chunks), body, path))
                    body, size = [], 0
            body.append(unit)
            size += n
            headings_only = headings_only and k <= section.lead
        if body:
            chunks.append(_make_chunk(doc, doc_id, len(chunks), body, path))
    return chunks


def _make_chunk(doc: Document, doc_id: str, ordinal: int, body: list[str], path: list[str]) -> Chunk:
    metadata = dict(doc.metadata)
    metadata.update(doc_id=doc_id, ordinal=ordinal)
    return Chunk(id=f"{doc_id}:{ordinal}", text="\n".join(body), heading_path=list(path), metadata=metadata)


def document_id(source: str, content: str) -> str:
    """Stable id of a document: 16 hex chars of SHA-256 over its source and text."""
    return hashlib.sha256(f"{source}\n{content}".encode("utf-8")).hexdigest()[:16]
