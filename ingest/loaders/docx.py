"""DOCX through python-docx: paragraphs and tables (nested too) in document order."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.errors import IngestError
from ingest.legacy import convert, detect_and_convert, encoding_of_font
from ingest.loaders import Loaded

_HEADING_STYLES = {"title": 1, "heading 1": 1, "heading 2": 2, "heading 3": 3, "heading 4": 4}


def _paragraph_text(paragraph: Paragraph, seen: set[str]) -> str:
    """The paragraph's text, with runs in a TCVN3 (.VnTime…) or VNI (VNI-Times…) font
    converted to Unicode; the encodings met are added to ``seen``."""
    style_font = None
    if paragraph.style is not None and paragraph.style.font is not None:
        style_font = paragraph.style.font.name
    runs = paragraph.runs
    fonts = [(r.font.name or style_font) for r in runs]
    if not any(encoding_of_font(f) for f in fonts):
        return paragraph.text
    parts = []
    for run, font in zip(runs, fonts):
        encoding = encoding_of_font(font)
        if encoding:
            seen.add(encoding)
        parts.append(convert(run.text, encoding, font) if encoding else run.text)
    return "".join(parts)


def _running_header(document) -> str:
    """The text of the first section's page header (page-number footers are dropped)."""
    try:
        section = document.sections[0]
    except IndexError:
        return ""
    return " ".join(p.text.strip() for p in section.header.paragraphs if p.text.strip())[:300]


def _table_rows(table: Table, seen: set[str] | None = None) -> list[str]:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell repeats across the grid
                continue
            seen.add(id(cell._tc))
            seen = seen if seen is not None else set()
            parts = [t.strip() for t in (_paragraph_text(p, seen) for p in cell.paragraphs) if t.strip()]
            for nested in cell.tables:
                parts.extend(_table_rows(nested, seen))
            if parts:
                cells.append(" ".join(parts))
        if cells:
            rows.append(" | ".join(cells))
    return rows


def load(path: Path) -> Loaded:
    """Read body paragraphs and table rows (cells joined by ``|``) in reading order.

    Raises:
        IngestError: ``corrupt`` when the file is not a valid DOCX package.
    """
    if not zipfile.is_zipfile(path):
        raise IngestError("corrupt", "not a valid DOCX (zip) package")
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise IngestError("corrupt", f"DOCX could not be opened: {exc}") from exc
    paragraphs: list[str] = []
    headings: dict[int, int] = {}
    # style names looked up once: python-docx resolves Paragraph.style per call, slowly
    style_names = {s.style_id: (s.name or "").lower() for s in document.styles}
    legacy: set[str] = set()
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = _paragraph_text(item, legacy).strip()
            if not text:
                continue
            style = style_names.get(item._p.style or "", "")
            if style in _HEADING_STYLES:
                headings[len(paragraphs)] = _HEADING_STYLES[style]
            # a soft line break ("BÁO CÁO⏎Kết quả …") separates lines a reader sees apart
            paragraphs.extend(line.strip() for line in text.split("\n") if line.strip())
        elif isinstance(item, Table):
            paragraphs.extend(_table_rows(item, legacy))
    if not legacy:  # legacy text whose font is not recorded on the runs: judge by the letters
        converted, encoding = detect_and_convert("\n".join(paragraphs))
        if encoding:
            paragraphs, legacy = converted.split("\n"), {encoding}
    title = (document.core_properties.title or "").strip()
    metadata = {"legacy_encoding": ",".join(sorted(legacy))} if legacy else {}
    header = _running_header(document)
    if header:
        metadata["running_header"] = header  # kept once as metadata, not repeated in every chunk
    return Loaded(paragraphs=paragraphs, title=title, headings=headings, metadata=metadata)
