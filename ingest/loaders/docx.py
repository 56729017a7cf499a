"""DOCX through python-docx: paragraphs and tables (nested too) in document order."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.errors import IngestError
from ingest.loaders import Loaded

_HEADING_STYLES = {"title": 1, "heading 1": 1, "heading 2": 2, "heading 3": 3, "heading 4": 4}


def _table_rows(table: Table) -> list[str]:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell repeats across the grid
                continue
            seen.add(id(cell._tc))
            parts = [p.text.strip() for p in cell.paragraphs if p.text.strip()]
            for nested in cell.tables:
                parts.extend(_table_rows(nested))
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
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if not text:
                continue
            style = style_names.get(item._p.style or "", "")
            if style in _HEADING_STYLES:
                headings[len(paragraphs)] = _HEADING_STYLES[style]
            # a soft line break ("BÁO CÁO⏎Kết quả …") separates lines a reader sees apart
            paragraphs.extend(line.strip() for line in text.split("\n") if line.strip())
        elif isinstance(item, Table):
            paragraphs.extend(_table_rows(item))
    title = (document.core_properties.title or "").strip()
    return Loaded(paragraphs=paragraphs, title=title, headings=headings)
