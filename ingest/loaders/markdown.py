"""Markdown: front matter, ``#`` headings, tables row by row, list items as paragraphs, inline markup removed."""
from __future__ import annotations

import re
from pathlib import Path

from ingest.loaders import Loaded
from ingest.loaders.decode import decode_bytes
from ingest.sentences import LIST_ITEM

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)|`)")
_WIKI_EDIT = re.compile(r"\[sửa\s*\|\s*sửa mã nguồn\]")
_FOOTNOTE = re.compile(r"\[\d{1,3}\]")


def strip_inline(text: str) -> str:
    """Remove links (keeping their text), emphasis markers, wiki edit links and ``[n]`` refs."""
    text = _WIKI_EDIT.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _FOOTNOTE.sub("", text)
    return _EMPHASIS.sub("", text).strip()


def _table_row(line: str) -> str:
    cells = [strip_inline(c) for c in line.strip().strip("|").split("|")]
    return " | ".join(c for c in cells if c)


def load_markdown(text: str) -> Loaded:
    """Parse Markdown text into paragraphs; see :func:`load`."""
    title = ""
    fm = _FRONT_MATTER.match(text)
    if fm:
        m = re.search(r"^title:\s*(.+)$", fm.group(1), re.MULTILINE)
        title = m.group(1).strip().strip("\"'") if m else ""
        text = text[fm.end():]
    paragraphs: list[str] = []
    headings: dict[int, int] = {}
    block: list[str] = []

    def flush() -> None:
        if block:
            joined = strip_inline(" ".join(block))
            if joined:
                paragraphs.append(joined)
            block.clear()

    for raw in text.splitlines():
        line = raw.strip()
        heading = _HEADING.match(line)
        if heading:
            flush()
            content = strip_inline(heading.group(2))
            if content and not content.isdigit():  # numeric anchors are not headings
                headings[len(paragraphs)] = len(heading.group(1))
                paragraphs.append(content)
                if not title and len(heading.group(1)) == 1:
                    title = content
        elif not line or re.fullmatch(r"[-*_]{3,}", line):
            flush()
        elif line.startswith("|"):
            flush()
            if not _TABLE_RULE.match(line):
                row = _table_row(line)
                if row:
                    paragraphs.append(row)
        else:
            if block and LIST_ITEM.match(line):
                flush()  # official texts put each "1.", "a)", "-" item on its own line
            block.append(line)
    flush()
    return Loaded(paragraphs=paragraphs, title=title, headings=headings)


def load(path: Path) -> Loaded:
    """Load a ``.md`` file. Raises :class:`IngestError` for undecodable bytes."""
    return load_markdown(decode_bytes(path.read_bytes()))
