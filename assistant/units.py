"""Answer units: the spans of a retrieved passage that an answer may quote, with the context
each inherits from the document's structure.

A passage (a retrieved section, :attr:`vectorstore.retriever.Hit.passage`) is read line by line
with its blocks (:class:`ingest.types.Block`): a paragraph gives its sentences (and, for a long
unpunctuated one, bounded clauses); a list item gives itself, with its numbered parent and the
lead-in paragraph ("… gồm:") as context; a table row gives itself rendered with its column
headers; a record's "label: value" lines give themselves with the record's title, and the whole
record; a lead-in with its items gives the whole list. So "- Thời gian: chậm nhất ngày 20/02"
is read as said of its item "3. Hội nghị … lần thứ ba", and a "cấp xã" row under a "cấp tỉnh"
heading keeps its own level. Passages of an index built before blocks existed are read with the
same rules from their lines (list markers, `` | `` table rows, "Điều …" headings).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Sequence

from assistant import lexicon
from ingest.chunking import heading_level
from ingest.normalize import nfc
from ingest.injection import looks_like_instruction
from ingest.sentences import LIST_ITEM, split_sentences
from ingest.types import Block
from vectorstore.retriever import Hit

# a sentence longer than this is also offered as clauses (case 30: one long unpunctuated paragraph)
LONG_SENTENCE = 320
CLAUSE_TARGET = 220  # characters a clause aims at when a long sentence is cut
_CLAUSE_BREAK = re.compile(rf"(?<=[;,:])\s+|\s+(?=(?:{lexicon.alternation('markers', 'role', 'clause_break')})\s)")
_SIGNING_LINE = re.compile(r"^[^,]{2,40},\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}\.?$", re.IGNORECASE)
_MOTTO = re.compile(lexicon.alternation("markers", "role", "motto"), re.IGNORECASE)
_RECORD_LINE = re.compile(r"^\s*([^:|]{2,40}?)\s*:\s+(\S.*)$")


@dataclass
class Unit:
    """A span of one passage that an answer may quote.

    Attributes:
        text: the span exactly as in the passage (the citation's quote).
        hit_index: which passage (index into the hits answered from).
        position: order of the unit in its passage (units may overlap: a list and its items).
        kind: sentence, clause, item, list, row, record_line, record, heading.
        context: the inherited text, nearest first: a sub-item's numbered item, the lead-in
            paragraph of a list, a row's column headers and caption, a record's title, the
            headings inside the passage; the document's title and heading path are the hit's.
        display: how the unit is shown in an answer when not as ``text`` (a row with its
            headers: "Thôn: Bãi Sậy; Số hộ nghèo: 4").
        flagged: the text is addressed to an AI or a reader about how to answer
            (:mod:`ingest.injection`): never answer text.
        block: the block the unit comes from.
    """

    text: str
    hit_index: int
    position: int
    kind: str = "sentence"
    context: list[str] = field(default_factory=list)
    display: str = ""
    flagged: bool = False
    block: Block | None = None

    @property
    def shown(self) -> str:
        return self.display or self.text


def guess_block(line: str) -> Block:
    """The block of a line of a passage stored without blocks: a heading ("Điều 3. …", "II.
    NHIỆM VỤ"), a list item ("1.", "a)", "-"), a table row (cells joined by `` | ``), a record
    line ("Thời gian: …") or a paragraph."""
    if line == "…":
        return Block(kind="gap", text=line)
    level = heading_level(line)
    if level is not None:
        return Block(kind="heading", text=line, level=level)
    marker = LIST_ITEM.match(line)
    if marker:
        label = marker.group(1)
        depth = 0 if re.match(r"\d", label) else 1 if re.match(r"[a-zđ][.)]", label, re.IGNORECASE) else 2
        return Block(kind="list_item", text=line, label=label, level=depth)
    if line.count(" | ") >= 1:
        return Block(kind="table_row", text=line, cells=[c.strip() for c in line.split(" | ")])
    record = _RECORD_LINE.match(line)
    if record and len(record.group(1).split()) <= 5 and not record.group(1)[:1].islower() \
            and nfc(record.group(1)).lower() not in _dialogue_labels():
        return Block(kind="record_line", text=line, label=record.group(1), value=record.group(2))
    return Block(kind="paragraph", text=line)


@lru_cache(maxsize=1)
def _dialogue_labels() -> frozenset[str]:
    return frozenset(r["label"] for r in lexicon.rows("dialogue_labels"))


def clauses(sentence: str, target: int = CLAUSE_TARGET) -> list[str]:
    """A long sentence cut into clauses of about ``target`` characters at ";", "," and ":" or
    before a conjunction ("và", "nhưng", "trong đó"); each clause is a verbatim span."""
    parts = [p for p in _CLAUSE_BREAK.split(sentence) if p.strip()]
    out: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current} {part}".strip() if current else part.strip()
        if current and len(candidate) > target:
            out.append(current)
            current = part.strip()
        else:
            current = candidate
    if current:
        out.append(current)
    return out if len(out) > 1 else []


def _flagged(block: Block, text: str) -> bool:
    return "instruction_like" in block.flags or looks_like_instruction(text)


def _row_display(block: Block) -> str:
    """A table row as "header: cell" pairs. A header cell merged over several columns (Word
    repeats it for each: "Thôn | Thôn" over the STT and the name) labels their cells once,
    joined: "Thôn: 1 Thôn Đông", not "Thôn: 1; Thôn: Thôn Đông"."""
    header = block.header if len(block.header) == len(block.cells) else []
    if not header:
        return ""
    merged: list[tuple[str, list[str]]] = []
    for h, c in zip(header, block.cells):
        if merged and h and h == merged[-1][0]:
            merged[-1][1].append(c)
        else:
            merged.append((h, [c]))
    pairs = []
    for h, cells in merged:
        value = " ".join(c.strip() for c in cells if c.strip())
        if value:
            pairs.append(f"{h}: {value}" if h and h != value else value)
    return "; ".join(pairs)


def units_of(hit: Hit, hit_index: int) -> list[Unit]:
    """The answer units of ``hit``'s passage, in order (see the module docstring)."""
    lines = hit.passage.lines()
    known = bool(hit.passage.blocks)
    units: list[Unit] = []
    headings: list[tuple[int, str]] = []  # headings seen inside the passage, (level, text)
    items: list[tuple[int, str]] = []  # open list items, (level, text)
    lead_in = ""
    header: list[str] = []  # the current table's header cells (passages without blocks)
    record_title = ""
    record: list[tuple[str, Block]] = []
    list_block: list[str] = []

    def add(text: str, kind: str, context: list[str], block: Block, display: str = "",
            flagged: bool | None = None) -> None:
        units.append(Unit(text, hit_index, len(units), kind, [c for c in context if c], display,
                          _flagged(block, text) if flagged is None else flagged, block))

    def close_list() -> None:
        if len(list_block) > 1:
            add("\n".join(list_block), "list", heading_texts(), Block(kind="list_item"))
        list_block.clear()

    def close_record() -> None:
        if len(record) > 1:
            add("\n".join(t for t, _b in record), "record", [record_title] + heading_texts(), record[0][1])
        record.clear()

    def heading_texts() -> list[str]:
        return [t for _l, t in reversed(headings)]

    for line, stored in lines:
        block = stored if known else guess_block(line)
        kind = block.kind
        if _MOTTO.search(line):
            continue  # the header block (issuer | motto | date, in a row or not) heads the document: no facts
        if kind != "record_line":
            close_record()
        if kind not in ("list_item", "table_row", "table_header") and list_block:
            close_list()
        if kind == "gap":
            items.clear()
            lead_in, header = "", []
            continue
        if kind == "heading":
            headings[:] = [(lvl, t) for lvl, t in headings if lvl < (block.level or 9)]
            headings.append((block.level or 9, line))
            items.clear()
            lead_in, header = "", []
            add(line, "heading", heading_texts()[1:], block)
            continue
        if kind in ("table_header",):
            header = block.cells or [c.strip() for c in line.split(" | ")]
            continue
        if kind == "table_row":
            if not header and not block.header:
                # the first row of a table whose header is not marked (a DOCX without "repeat as
                # header row", a table stored without blocks) names its columns
                header = block.cells or [c.strip() for c in line.split(" | ")]
            row = block if block.header or header is block.cells else replace(block, header=header)
            context = [block.label, " | ".join(row.header)] + ([lead_in] if lead_in else []) + heading_texts()
            add(line, "row", context, block, _row_display(row))
            if lead_in:
                list_block.append(line)
            continue
        header = []
        if kind == "record_line":
            if not record:
                record_title = units[-1].text if units and units[-1].kind in ("sentence", "heading") else ""
            record.append((line, block))
            _add_text(add, line, "record_line", [record_title] + heading_texts(), block)
            continue
        if kind == "list_item":
            level = block.level
            items[:] = [(lvl, t) for lvl, t in items if lvl < level]
            context = [t for _l, t in reversed(items)] + ([lead_in] if lead_in else []) + heading_texts()
            _add_text(add, line, "item", context, block)
            items.append((level, line))
            if lead_in:
                list_block.append(line)
            continue
        # a paragraph (also a caption, footnote or text box: read as text)
        items.clear()
        if _SIGNING_LINE.match(line):
            continue  # the signing line dates the document (document_units), no event
        _add_text(add, line, "sentence", heading_texts(), block)
        if line.rstrip().endswith(":"):
            lead_in = line
            list_block[:] = [line]
        else:
            lead_in = ""
    close_record()
    close_list()
    return units


def _add_text(add, line: str, kind: str, context: list[str], block: Block) -> None:
    """Sentences of ``line`` (an item stays whole when short), and clauses of the long ones.

    In a block flagged at ingest as addressed to an AI, only the sentences that read so are
    flagged — one planted sentence does not take the true one beside it — unless none reads so
    alone (the order spans sentences): then all are."""
    sentences = [line] if kind in ("item", "record_line") and len(line) <= LONG_SENTENCE else split_sentences(line)
    own = [looks_like_instruction(s) for s in sentences]
    whole = "instruction_like" in block.flags and not any(own)
    for sentence, flagged in zip(sentences, own):
        if len(sentence.split()) < 3 and kind == "sentence" and len(sentences) > 1:
            continue  # "Không." of "Không. Tiết lộ thông tin …": a fragment answers nothing alone
        add(sentence, kind, context, block, flagged=flagged or whole)
        if len(sentence) > LONG_SENTENCE:
            for clause in clauses(sentence):
                add(clause, "clause", context, block, flagged=flagged or whole or looks_like_instruction(clause))


_DATE_IN_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_IN_DIGITS = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")


def _date_line(lines: list[str], iso: str) -> str | None:
    """The line of ``lines`` that gives the date ``iso`` (YYYY-MM-DD), in words or digits."""
    y, m, d = (int(x) for x in iso[:10].split("-"))
    for line in lines:
        for pattern in (_DATE_IN_WORDS, _DATE_IN_DIGITS):
            for found in pattern.finditer(line):
                if (int(found.group(3)), int(found.group(2)), int(found.group(1))) == (y, m, d):
                    return line
    return None


def document_units(hit: Hit, hit_index: int, header: str, facts: set[str]) -> list[Unit]:
    """Units that state facts about the passage's document itself, for a question about them
    (``lexicon/document_facts.tsv``: "… ban hành ngày nào?", "ai là tác giả …?"): its signing line
    (the line of its first chunk, ``header``, that gives its date), its author, its issuer, its
    số hiệu. Each has the document's type, số hiệu and title as context."""
    meta = hit.chunk.metadata
    about = " ".join(str(meta.get(k) or "") for k in ("doc_type", "so_hieu"))
    title = str(meta.get("title") or "")
    units: list[Unit] = []

    def add(text: str, words: str) -> None:
        units.append(Unit(text, hit_index, -1 - len(units), "document", [f"{about} {words}".strip(), title],
                          block=Block(kind="paragraph", text=text)))

    issued = str(meta.get("date") or "")
    if issued and "issued" in facts:
        line = _date_line(header.split("\n")[:12], issued)
        y, m, d = issued[:10].split("-")
        add(line or f"Ngày ban hành: {int(d):02d}/{int(m):02d}/{y}", "ban hành ký ngày")
    if meta.get("author") and "author" in facts:
        author = re.sub(r"^(?:tác giả|bài|bài và ảnh|bài, ảnh)\s*:?\s*", "", str(meta["author"]), flags=re.IGNORECASE)
        add(f"Tác giả: {author}", "tác giả người viết bài viết")
    if meta.get("issuer") and facts & {"issued", "issuer"}:
        add(str(meta["issuer"]), "cơ quan ban hành")
    if meta.get("so_hieu") and "number" in facts:
        add(f"Số: {meta['so_hieu']}", "số hiệu ký hiệu")
    return units


def passage_units(hits: Sequence[Hit]) -> list[Unit]:
    """The units of every passage, hit by hit."""
    return [u for h, hit in enumerate(hits) for u in units_of(hit, h)]
