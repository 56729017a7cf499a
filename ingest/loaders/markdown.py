"""Markdown: front matter, ``#`` headings, tables as rows with their header cells, list items
as paragraphs, inline markup removed.

Two table shapes are read: pipe tables (``| a | b |`` with a ``|---|`` rule under the header)
and the shape of pages saved from legal portals, where each cell is written on lines of its
own between lines holding a lone ``|`` and two ``|`` lines in a row end a table row.
"""
from __future__ import annotations

import re
from pathlib import Path

from ingest.loaders import Loaded
from ingest.loaders.decode import decode_bytes
from ingest.portal_text import is_chrome_line
from ingest.sentences import LIST_ITEM
from ingest.types import Block

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)|`)")
_WIKI_EDIT = re.compile(r"\[sửa\s*\|\s*sửa mã nguồn\]")
_FOOTNOTE = re.compile(r"\[\d{1,3}\]")
_BOLD_CELL = re.compile(r"^\*\*.*\*\*$", re.DOTALL)
# a lone-pipe table ends where no "|" line follows within this many lines (its cells are short),
# or where the text before the next "|" ends in ":" ("… theo Bảng sau:" leads into another table)
_MAX_CELL_LINES = 8


def strip_inline(text: str) -> str:
    """Remove links (keeping their text), emphasis markers, wiki edit links and ``[n]`` refs."""
    text = _WIKI_EDIT.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _FOOTNOTE.sub("", text)
    return _EMPHASIS.sub("", text).strip()


def row_text(cells: list[str]) -> str:
    """A table row as text: its non-empty cells joined by `` | ``."""
    return " | ".join(c for c in cells if c)


def _split_pipe_row(line: str) -> list[str]:
    return [strip_inline(c) for c in line.strip().strip("|").split("|")]


class _Builder:
    """Collects blocks; tables get one group ordinal each."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.tables = 0

    def add(self, kind: str, text: str, **fields) -> None:
        if text:
            self.blocks.append(Block(kind=kind, text=text, index=len(self.blocks), **fields))

    def table(self, header_rows: list[list[str]], rows: list[list[str]]) -> None:
        """Header rows (``table_header``) then body rows (``table_row``); a row's ``header`` is
        the header row's cells when there is one header row with as many cells, else empty."""
        group = self.tables
        self.tables += 1
        for cells in header_rows:
            self.add("table_header", row_text(cells), cells=cells, group=group)
        # with several header rows, spans (unknown here) decide which name heads a column
        known = header_rows[0] if len(header_rows) == 1 else []
        for cells in rows:
            header = known if len(known) == len(cells) else []
            self.add("table_row", row_text(cells), cells=cells, header=list(header), group=group)


def _lone_pipe_rows(lines: list[str], start: int) -> tuple[list[tuple[list[str], bool]], int]:
    """Rows of a lone-pipe table starting at ``lines[start]`` (a "|" line): each row's cells
    (inline markup removed) and whether all its cells were bold; and the index after the
    table."""
    next_pipe = [0] * (len(lines) + 1)
    following = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        next_pipe[i] = following
        if lines[i].strip() == "|":
            following = i
    rows: list[tuple[list[str], bool]] = []
    cells: list[str] = []
    bold: list[bool] = []
    cell: list[str] = []
    cell_start = start
    i = start
    while i < len(lines):
        line = lines[i].strip()
        if line != "|":
            if line and not _HEADING.match(line) and not is_chrome_line(strip_inline(line)):
                cell.append(line)
            i += 1
            continue
        if cell:
            raw = " ".join(cell)
            cells.append(strip_inline(raw))
            bold.append(bool(_BOLD_CELL.match(raw)))
            cell = []
        elif cells:  # two "|" in a row: the row ends
            rows.append((cells, all(bold)))
            cells, bold = [], []
        i += 1
        cell_start = i
        upcoming = [t.strip() for t in lines[i:next_pipe[i - 1]] if t.strip()]
        if next_pipe[i - 1] - i > _MAX_CELL_LINES or (len(upcoming) > 1 and upcoming[-1].endswith(":")):
            break  # the text that follows is not a cell: body text, or the lead-in of the next table
    if cells:
        rows.append((cells, all(bold)))
    return rows, cell_start


def load_markdown(text: str) -> Loaded:
    """Parse Markdown text into blocks; see :func:`load`."""
    title = ""
    fm = _FRONT_MATTER.match(text)
    if fm:
        m = re.search(r"^title:\s*(.+)$", fm.group(1), re.MULTILINE)
        title = m.group(1).strip().strip("\"'") if m else ""
        text = text[fm.end():]
    out = _Builder()
    paragraph: list[str] = []
    pipe_rows: list[str] = []

    def flush() -> None:
        if paragraph:
            joined = strip_inline(" ".join(paragraph))
            if joined and not is_chrome_line(joined):
                out.add("paragraph", joined)
            paragraph.clear()

    def flush_pipe_table() -> None:
        if not pipe_rows:
            return
        rule = next((k for k, row in enumerate(pipe_rows) if _TABLE_RULE.match(row)), -1)
        rows = [_split_pipe_row(r) for k, r in enumerate(pipe_rows) if k != rule]
        rows = [r for r in rows if row_text(r)]
        header = rows[:rule] if rule > 0 else []
        out.table(header, rows[len(header):])
        pipe_rows.clear()

    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line == "|":
            flush()
            flush_pipe_table()
            rows, i = _lone_pipe_rows(lines, i)
            _emit_cells(out, rows)
            continue
        i += 1
        if line.startswith("|"):
            flush()
            pipe_rows.append(line)
            continue
        flush_pipe_table()
        heading = _HEADING.match(line)
        if heading:
            flush()
            content = strip_inline(heading.group(2) or "")
            if content and not content.isdigit():  # numeric anchors are not headings
                out.add("heading", content, level=len(heading.group(1)))
                if not title and len(heading.group(1)) == 1:
                    title = content
        elif not line or re.fullmatch(r"[-*_]{3,}", line):
            flush()
        else:
            if paragraph and (LIST_ITEM.match(line) or _opens_emphasis(line, paragraph)):
                flush()  # official texts put each "1.", "a)", "-" item on its own line
            paragraph.append(line)
            if _closes_emphasis(paragraph):
                flush()
    flush()
    flush_pipe_table()
    return Loaded(blocks=out.blocks, title=title)


def _balanced(text: str) -> bool:
    return text.count("**") % 2 == 0 and text.replace("**", "").count("*") % 2 == 0


def _opens_emphasis(line: str, paragraph: list[str]) -> bool:
    """A line that opens a bold or italic span when the paragraph so far has none open:
    pages saved without blank lines mark each paragraph ("*Căn cứ …;*") this way."""
    return line.startswith("*") and _balanced(" ".join(paragraph))


def _closes_emphasis(paragraph: list[str]) -> bool:
    """The paragraph's last line closes the emphasis span its first line opened."""
    return (len(paragraph) > 0 and paragraph[0].startswith("*") and paragraph[-1].endswith("*")
            and _balanced(" ".join(paragraph)))


def _emit_cells(out: _Builder, rows: list[tuple[list[str], bool]]) -> None:
    """Rows of a lone-pipe region: a table when a cell count (two or more) repeats, else each
    cell as a paragraph. Leading rows whose cells are all bold are its header rows."""
    counts = [len(cells) for cells, _bold in rows]
    if not any(n >= 2 and counts.count(n) >= 2 for n in counts):
        for cells, _bold in rows:
            for cell in cells:
                if not is_chrome_line(cell):
                    out.add("paragraph", cell)
        return
    header_rows: list[list[str]] = []
    k = 0
    while k < len(rows) - 1 and rows[k][1]:
        header_rows.append(rows[k][0])
        k += 1
    out.table(header_rows, [cells for cells, _bold in rows[k:]])


def load(path: Path) -> Loaded:
    """Load a ``.md`` file. Raises :class:`IngestError` for undecodable bytes."""
    return load_markdown(decode_bytes(path.read_bytes()))
