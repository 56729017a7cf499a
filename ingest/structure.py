"""The structure a document's plain lines show: headings and list items, recognised once.

Loaders mark what their format marks (Markdown ``#``, DOCX heading styles and numbering,
tables, ``<br>`` records); every other line arrives as a ``paragraph`` block. This module
turns those into ``heading`` blocks (Phần / Chương / Mục / Điều, Roman-numbered sections in
capitals) and ``list_item`` blocks (``1.``, ``a)``, ``-``, ``+`` …) with their label, level
and parent, so that the chunker, heading paths and answer units never guess again.

The keywords and their levels live in ``ingest/data/headings.tsv``, the list-label shapes
and their levels in ``ingest/data/list_labels.tsv`` (each with its origin).
"""
from __future__ import annotations

import csv
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from ingest.sentences import LIST_ITEM
from ingest.types import Block

DATA = Path(__file__).resolve().parent / "data"
_MAX_HEADING_CHARS = 200
_MAX_HEADING_WORDS = 15
_MAX_ARTICLE_CHARS = 160  # a longer "Điều 5 …" line is body text, not an article title
_ROMAN_LEVEL = 2  # "I. MỤC ĐÍCH, YÊU CẦU": a section of an administrative document
_NUMBERS = {"arabic": r"\d+", "roman": r"[IVXLC]+", "ordinal": r"(?:THỨ|thứ)\s+\w+"}
_ROMAN_HEADING = re.compile(r"^([IVX]{1,5}\.)\s+\S")


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of ``ingest/data/<name>`` as dicts keyed by its header line (UTF-8, tab-separated)."""
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@lru_cache(maxsize=1)
def _heading_patterns() -> list[tuple[int, re.Pattern]]:
    patterns = []
    for row in read_tsv("headings.tsv"):
        keyword = row["keyword"]
        words = f"{keyword}|{keyword.upper()}"
        if keyword == "Điều":  # "Điều 35.4.LQ.1." (pháp điển numbering), "Điều 4", "Điều 12a."
            pattern = rf"^((?:{words})\s+\d+[\w.]*?\.?)(?=\s|$)"
        else:
            numbers = "|".join(_NUMBERS[n] for n in row["numbers"].split(","))
            # not a decimal ("Mục 397.0: …") nor "Mục 2 tiêu chí …" (a sentence)
            pattern = rf"^((?:{words})\s+(?:{numbers})\b(?![.,]\d)\.?)(?!\s*(?:tiêu|đích))"
        patterns.append((int(row["level"]), re.compile(pattern)))
    return patterns


@lru_cache(maxsize=1)
def _list_levels() -> dict[str, int]:
    return {row["shape"]: int(row["level"]) for row in read_tsv("list_labels.tsv")}


def _caps_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def heading_match(paragraph: str) -> tuple[int, str] | None:
    """``(level, label)`` when ``paragraph`` is a structural heading line, else None.

    ``"Điều 3. Nhiệm vụ"`` → ``(4, "Điều 3.")``; ``"Chương II"`` → ``(2, "Chương II")``;
    ``"I. MỤC ĐÍCH, YÊU CẦU"`` → ``(2, "I.")`` (Roman numbers count only in capitals).
    Lines over 200 characters or 15 words (except articles, up to 160 characters) are
    sentences, not headings.
    """
    if len(paragraph) > _MAX_HEADING_CHARS:
        return None
    is_article = paragraph.startswith(("Điều", "ĐIỀU"))
    if len(paragraph.split()) > _MAX_HEADING_WORDS and not is_article:
        return None  # a sentence that happens to start with "Mục 3 …" is body text
    for level, pattern in _heading_patterns():
        m = pattern.match(paragraph)
        if m:
            if is_article and len(paragraph) > _MAX_ARTICLE_CHARS:
                return None
            return level, m.group(1)
    m = _ROMAN_HEADING.match(paragraph)
    if m and _caps_share(paragraph) >= 0.8:
        return _ROMAN_LEVEL, m.group(1)
    return None


def heading_level(paragraph: str) -> int | None:
    """The structural level of ``paragraph`` if it is a heading line, else None."""
    found = heading_match(paragraph)
    return found[0] if found else None


def list_label(text: str) -> tuple[str, int] | None:
    """``(label, level)`` of a list item line: ``"1."`` and ``"I."`` → 0, ``"1.2."`` → 1,
    ``"a)"`` → 1, ``"-"`` / ``"•"`` → 2, ``"+"`` → 3 (levels from ``list_labels.tsv``)."""
    m = LIST_ITEM.match(text)
    if not m:
        return None
    label = m.group(1)
    levels = _list_levels()
    if label[0].isdigit():
        return label, levels["decimal"] + label.rstrip(".)").count(".")
    if re.fullmatch(r"[IVXLC]{1,5}\.", label):
        return label, levels["roman"]
    if label[0].isalpha():
        return label, levels["letter"]
    shape = {"+": "plus", "•": "bullet"}.get(label, "dash")
    return label, levels[shape]


_RECORD_LINE = re.compile(r"^([A-ZĐÀ-Ỹ][^:]{0,40}?)\s*:\s*(\S.*)$")
_MAX_LABEL_WORDS = 5


def record_line(line: str) -> tuple[str, str] | None:
    """``(label, value)`` of a "label: value" line ("Thời gian: 8 giờ 00" → ``("Thời gian",
    "8 giờ 00")``): a capitalised label of at most five words, a non-empty value."""
    m = _RECORD_LINE.match(line)
    if not m or len(m.group(1).split()) > _MAX_LABEL_WORDS or m.group(1)[-1].isdigit():
        return None
    return m.group(1), m.group(2)


def split_record(lines: list[str]) -> tuple[str, list[tuple[str, str, str]]] | None:
    """A record written as lines of one paragraph (``<br>``, soft line breaks): an optional
    title line, then two or more "label: value" lines. Returns ``(title, [(line, label,
    value), …])`` ("" when untitled), or None when the lines are not such a record."""
    if len(lines) < 2:
        return None
    title = "" if record_line(lines[0]) else lines[0]
    rest = lines[1:] if title else lines
    pairs = [(line, *found) for line in rest if (found := record_line(line))]
    if len(pairs) < 2 or len(pairs) != len(rest):
        return None
    return title, pairs


def recognise(blocks: list[Block]) -> list[Block]:
    """Headings and list items in ``blocks`` (new blocks; the input is not changed).

    - A ``paragraph`` or ``list_item`` whose text is a structural heading becomes a
      ``heading`` with its level and label; a ``heading`` without a label gets one when
      its text starts with one ("## Điều 3. …" in Markdown).
    - "Chương I" followed by a capitalised title line ("NHỮNG QUY ĐỊNH CHUNG"): the title
      line is a ``heading`` of the same level whose ``parent`` is the "Chương I" line.
    - A ``paragraph`` starting with a list label becomes a ``list_item`` (label, level).
    - Every ``list_item`` gets a ``parent``: the nearest earlier item of a lower level, or,
      for a top item, the paragraph ending in ":" that introduces the list; a heading ends
      a list, and an introducing paragraph starts a new one.
    - ``group`` numbers tables, lists and records in order of appearance (one ordinal per
      table, list or record); ``index`` is each block's position.
    """
    out = [replace(b, index=i) for i, b in enumerate(blocks)]
    for i, block in enumerate(out):
        if block.kind not in ("paragraph", "list_item", "heading"):
            continue
        found = heading_match(block.text)
        if found and block.kind != "heading":
            block.kind, block.level, block.label = "heading", found[0], found[1]
            block.parent = -1
        elif found and not block.label:
            block.label = found[1]
        elif block.kind == "paragraph":
            item = list_label(block.text)
            if item:
                block.kind, block.label, block.level = "list_item", item[0], item[1]
    # a chapter number alone on its line, its title in capitals on the next
    for i, block in enumerate(out[:-1]):
        nxt = out[i + 1]
        if (block.kind == "heading" and block.level in (1, 2, 3) and len(block.text.split()) <= 3
                and heading_match(block.text) and nxt.kind in ("paragraph", "heading") and nxt.text.isupper()
                and len(nxt.text) < _MAX_HEADING_CHARS and heading_match(nxt.text) is None):
            nxt.kind, nxt.level, nxt.parent, nxt.label = "heading", block.level, i, ""
    _link_list_items(out)
    _number_groups(out, blocks)
    return out


def _link_list_items(blocks: list[Block]) -> None:
    stack: list[tuple[int, int]] = []  # (level, index) of the open items
    intro = -1
    for i, block in enumerate(blocks):
        if block.kind == "heading" or block.kind.startswith("table"):
            stack, intro = [], -1
        elif block.kind == "list_item":
            if block.parent >= 0:  # the loader knew it (DOCX numbering levels)
                stack = [(lvl, k) for lvl, k in stack if lvl < block.level] + [(block.level, i)]
                continue
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            block.parent = stack[-1][1] if stack else intro
            stack.append((block.level, i))
        elif block.kind == "paragraph" and block.text.rstrip().endswith(":"):
            stack, intro = [], i


def _number_groups(blocks: list[Block], original: list[Block]) -> None:
    """One ordinal per table or record (the loader's groups) and per list (the items under
    one introducing paragraph, or else one run of items between headings), in order of
    first appearance."""
    ordinals: dict[tuple, int] = {}
    run = 0
    for i, block in enumerate(blocks):
        if block.kind == "list_item" and original[i].group < 0:
            top = i
            while blocks[top].parent >= 0 and blocks[blocks[top].parent].kind == "list_item":
                top = blocks[top].parent
            key: tuple = ("intro", blocks[top].parent) if blocks[top].parent >= 0 else ("run", run)
        elif original[i].group >= 0:
            key = ("loader", original[i].group)
        else:
            if block.kind != "paragraph" or block.text.rstrip().endswith(":"):
                run += 1
            continue
        block.group = ordinals.setdefault(key, len(ordinals))
