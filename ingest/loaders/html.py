"""HTML: the article only, portal chrome dropped, by trafilatura; its XML body read as blocks
(headings, paragraphs, ``<br>`` records, lists, tables with their header cells)."""
from __future__ import annotations

from pathlib import Path

import lxml.etree
import lxml.html
import trafilatura

from ingest.errors import IngestError
from ingest.loaders import Loaded
from ingest.loaders.decode import decode_bytes
from ingest.portal_text import is_chrome_line
from ingest.structure import split_record
from ingest.types import Block


_MIN_TEASERS = 6
_MIN_WORDS = 8
_ARTICLE_PARAGRAPH_WORDS = 40


def teaser_count(html: str) -> int:
    """Headings that are links (``<h2><a>…``): a category or list page has one per teaser."""
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return 0
    return len(tree.xpath("//h2[.//a] | //h3[.//a] | //h4[.//a]"))


def load_html(html: str, url: str | None = None) -> Loaded:
    """Extract the main article of ``html`` with trafilatura (tables kept).

    A list or category page (six or more linked headings and no paragraph of 40 words)
    is rejected as ``index_page`` rather than merged into one text of unrelated teasers.

    trafilatura's ``deduplicate`` is left off: its cache is process-wide, so a page
    ingested twice (a re-upload, a second index) would lose its paragraphs.

    Raises:
        IngestError: ``no_text`` when no article text can be found.
    """
    doc = trafilatura.bare_extraction(
        html, url=url, include_tables=True, include_comments=False, favor_precision=True,
        with_metadata=True,
        # the page's own date (meta tags, URL, <time>), never a date guessed from the article's
        # text: that is an event's more often than the issue date (case 24)
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text:
        raise IngestError("no_text", "no article text found in the HTML page")
    if len(text.split()) < _MIN_WORDS:
        raise IngestError("empty", f"the page has no article text (only {len(text.split())} word(s))")
    longest = max((len(p.split()) for p in text.split("\n")), default=0)
    if longest < _ARTICLE_PARAGRAPH_WORDS and teaser_count(html) >= _MIN_TEASERS:
        raise IngestError("index_page", "a list/category page of links and teasers, no article: not indexed "
                                        "(ingest the articles it links to)")
    metadata = {}
    if getattr(doc, "date", None):
        metadata["date"] = doc.date
    if getattr(doc, "url", None):
        metadata["url"] = doc.url
    if getattr(doc, "author", None):
        metadata["author"] = doc.author
    title = getattr(doc, "title", "") or ""
    body = getattr(doc, "body", None)
    blocks = _blocks(body) if body is not None else []
    if not blocks:  # (no structured body: trafilatura's plain text, one paragraph per line)
        blocks = [Block(text=p) for p in text.split("\n") if p.strip() and not is_chrome_line(p)]
    if not blocks:
        raise IngestError("no_text", "no article text found in the HTML page")
    if title and blocks[0].text.strip() != title.strip():
        for block in blocks:
            block.parent += 1 if block.parent >= 0 else 0
        blocks.insert(0, Block(kind="heading", text=title, level=1))
    for i, block in enumerate(blocks):
        block.index = i
    return Loaded(blocks=blocks, title=title, metadata=metadata)


def _lines(element) -> list[str]:
    """The text of ``element`` (formatting and links included) cut at its ``<lb/>`` line breaks."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag not in ("list", "table"):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return [" ".join(line.split()) for line in "".join(parts).split("\n") if line.strip()]


def _blocks(body) -> list[Block]:
    """Blocks of trafilatura's XML body: ``head`` → heading, ``p`` → paragraph(s) or a
    record (a title line and ``label: value`` lines cut by ``<br>``), ``list/item`` → list
    items, ``table/row/cell`` → table rows whose ``role="head"`` cells are the header."""
    out: list[Block] = []
    groups = [0]

    def add(kind: str, text: str, **fields) -> None:
        if text and not is_chrome_line(text):
            out.append(Block(kind=kind, text=text, index=len(out), **fields))

    def walk(element, depth: int = 0) -> None:
        for child in element:
            tag = child.tag
            if tag == "head":
                level = int(child.get("rend", "h2")[1:] or 2) if child.get("rend", "").startswith("h") else 2
                for line in _lines(child):
                    add("heading", line, level=level)
            elif tag == "list":
                items(child, depth)
            elif tag == "table":
                table(child)
            elif tag in ("p", "quote", "code", "div", "cell"):
                lines = _lines(child)
                record = split_record(lines)
                if record:
                    title, pairs = record
                    group = groups[0]
                    groups[0] += 1
                    parent = -1
                    if title:
                        add("paragraph", title, group=group)
                        parent = len(out) - 1
                    for line, label, value in pairs:
                        add("record_line", line, label=label, value=value, parent=parent, group=group)
                else:
                    for line in lines:
                        add("paragraph", line)
                walk(child, depth)  # lists or tables nested in a paragraph-like element

    def items(element, depth: int) -> None:
        for item in element.findall("item"):
            for k, line in enumerate(_lines(item)):
                add("list_item" if k == 0 else "paragraph", line, level=depth)
            for nested in item.findall("list"):
                items(nested, depth + 1)

    def table(element) -> None:
        group = groups[0]
        groups[0] += 1
        header: list[str] = []
        for row in element.iter("row"):
            cells = [" ".join(" ".join(cell.itertext()).split()) for cell in row.findall("cell")]
            text = " | ".join(c for c in cells if c)
            if all(cell.get("role") == "head" for cell in row.findall("cell")) and not header:
                header = cells
                add("table_header", text, cells=cells, group=group)
            else:
                add("table_row", text, cells=cells, header=header if len(header) == len(cells) else [],
                    group=group)

    walk(body)
    return out


def load(path: Path) -> Loaded:
    """Load a saved ``.html`` page (any declared charset)."""
    return load_html(decode_bytes(path.read_bytes()))
