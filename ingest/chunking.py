"""Structure-aware, token-bounded splitting of Vietnamese documents.

Headings of official texts (Phần / Chương / Mục / Điều, Roman-numbered sections,
Markdown headings) open sections; each section is packed into chunks of whole
paragraphs up to a token budget; a paragraph over the budget is split at sentence
boundaries and, failing that, between words, so no cut falls inside a syllable.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Callable

from ingest.sentences import split_sentences
from ingest.structure import heading_level, recognise
from ingest.types import Block, Chunk, Document

__all__ = ["TokenCounter", "approx_token_count", "chunk_document", "document_id", "heading_level"]

TokenCounter = Callable[[str], int]


def approx_token_count(text: str) -> int:
    """Rough token count for XLM-R-style tokenisers on Vietnamese: 1.5 per word.

    Used when no model tokenizer is given; it overestimates, which keeps chunks
    under the model limit.
    """
    return int(len(text.split()) * 1.5) + 2


@dataclass
class _Section:
    path: list[str]
    blocks: list[Block]
    heading_blocks: list[Block]
    lead: int = 0  # how many of ``blocks`` are heading lines (its own and pending ones)


def _document_blocks(doc: Document) -> list[Block]:
    """The document's blocks, or those its bare text shows (a Document built without a loader)."""
    paragraphs = doc.paragraphs
    if len(doc.blocks) == len(paragraphs) and all(b.text == p for b, p in zip(doc.blocks, paragraphs)):
        return doc.blocks
    return recognise([Block(text=p, index=i) for i, p in enumerate(paragraphs)])


def _sections(doc: Document) -> list[_Section]:
    """Group blocks under their heading blocks. No text is dropped: heading lines open
    their section's body, and those of a heading with no body of its own (a chapter
    title right before its first article, a table of contents) lead the next one."""
    blocks = _document_blocks(doc)
    stack: list[tuple[int, str]] = []
    sections: list[_Section] = [_Section([], [], [])]
    doc_title = doc.metadata.get("title")
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind != "heading":
            sections[-1].blocks.append(block)
            i += 1
            continue
        title, lines = block.text, [block]
        # "Chương I" + "NHỮNG QUY ĐỊNH CHUNG": one heading of two lines
        if i + 1 < len(blocks) and blocks[i + 1].kind == "heading" and blocks[i + 1].parent == block.index >= 0:
            title, lines = f"{block.text}. {blocks[i + 1].text}", [block, blocks[i + 1]]
            i += 1
        i += 1
        level = block.level
        if level == 1 and title == doc_title:
            # the document's own title is already the root of every path
            sections.append(_Section([t for _, t in stack], [], lines))
            continue
        stack = [(lvl, t) for lvl, t in stack if lvl < level]
        stack.append((level, title))
        sections.append(_Section([t for _, t in stack], [], lines))

    kept: list[_Section] = []
    pending: list[Block] = []
    for section in sections:
        if not section.blocks:
            pending.extend(section.heading_blocks)
            continue
        # heading lines stay in the text too: people quote "Điều 9. …", and nothing is lost
        section.lead = len(pending) + len(section.heading_blocks)
        section.blocks = pending + section.heading_blocks + section.blocks
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
    """Split ``doc`` into chunks, each with its blocks line for line.

    Args:
        doc: a normalised document (one paragraph per line, one block per paragraph).
        doc_id: stable id of the document; chunk ids are ``<doc_id>:<n>``.
        max_tokens: hard limit for the embedded form (heading path + body), in model
            tokens; set it to the model's maximum input minus its prefix.
        target_tokens: soft size at which a chunk is closed at a paragraph boundary.
        count_tokens: the model's token counter (or :func:`approx_token_count`).
    Returns:
        Chunks in document order, each within ``max_tokens`` in its embedded form. A
        paragraph split to fit repeats its block on each piece. The rows of a table that
        fits in ``max_tokens`` stay in one chunk (the chunk before it is closed early, and
        the paragraph introducing the table, ending in ":", moves with it); the rows of a
        longer table carry their column names in ``Block.header`` in every chunk.
    """
    title = doc.metadata.get("title", "")
    chunks: list[Chunk] = []
    for section in _sections(doc):
        path = [title] + section.path if title else list(section.path)
        header = " › ".join(path)
        budget = max(32, max_tokens - count_tokens(header))
        target = min(target_tokens, budget)
        units: list[tuple[str, Block, int]] = []
        for block in section.blocks:
            if count_tokens(block.text) <= budget:
                units.append((block.text, block, count_tokens(block.text)))
            else:
                units.extend((piece, replace(block, text=piece), count_tokens(piece))
                             for piece in _split_long(block.text, budget, count_tokens))
        table_size = _table_sizes(units)
        body: list[tuple[str, Block]] = []
        size = 0
        headings_only = section.lead > 0  # a heading never stands alone as a chunk
        table_limit = 0  # while inside a table that fits: close only at the budget
        k = 0
        while k < len(units):
            unit, block, n = units[k]
            k += 1
            starts_table = _is_table(block) and (k == 1 or not _same_table(units[k - 2][1], block))
            if starts_table:
                whole = table_size.get(block.group, n)
                table_limit = budget if whole <= budget else 0
                if body and not headings_only and size + whole > target and whole <= budget:
                    # the table goes whole into a new chunk, with its introduction
                    carried = [body.pop()] if body[-1][0].endswith(":") and len(body) > 1 else []
                    chunks.append(_make_chunk(doc, doc_id, len(chunks), body, path))
                    body, size = carried, sum(count_tokens(t) for t, _ in carried)
            elif not _is_table(block):
                table_limit = 0
            limit = max(target, table_limit)
            if body and size + n > limit:
                room = budget - size
                if headings_only and n > room >= budget // 4 and not _is_table(block):
                    # the heading takes the start of its first paragraph
                    head, *rest = _split_long(unit, room, count_tokens)
                    units[k:k] = [(piece, replace(block, text=piece), count_tokens(piece)) for piece in rest]
                    unit, block, n = head, replace(block, text=head), count_tokens(head)
                elif not headings_only or n > room:  # (a run of headings alone, e.g. a table of contents)
                    chunks.append(_make_chunk(doc, doc_id, len(chunks), body, path))
                    body, size = [], 0
            body.append((unit, block))
            size += n
            headings_only = headings_only and k <= section.lead
        if body:
            chunks.append(_make_chunk(doc, doc_id, len(chunks), body, path))
    return chunks


def _is_table(block: Block) -> bool:
    return block.kind in ("table_header", "table_row")


def _same_table(a: Block, b: Block) -> bool:
    return _is_table(a) and _is_table(b) and a.group == b.group


def _table_sizes(units: list[tuple[str, Block, int]]) -> dict[int, int]:
    """Tokens of each table (by group) among ``units``."""
    sizes: dict[int, int] = {}
    for _text, block, n in units:
        if _is_table(block):
            sizes[block.group] = sizes.get(block.group, 0) + n
    return sizes


def _make_chunk(doc: Document, doc_id: str, ordinal: int, body: list[tuple[str, Block]], path: list[str]) -> Chunk:
    metadata = dict(doc.metadata)
    metadata.update(doc_id=doc_id, ordinal=ordinal)
    return Chunk(id=f"{doc_id}:{ordinal}", text="\n".join(t for t, _ in body), heading_path=list(path),
                 metadata=metadata, blocks=[b for _, b in body])


def document_id(source: str, content: str) -> str:
    """Stable id of a document: 16 hex chars of SHA-256 over its source and text."""
    return hashlib.sha256(f"{source}\n{content}".encode("utf-8")).hexdigest()[:16]
