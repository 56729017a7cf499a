"""DOCX through python-docx, in document order: paragraphs with their Word numbering
("Điều 3.", "a)"), heading styles, tables as rows with their header cells (nested tables
too), content controls, text boxes (each read once, also inside ``mc:AlternateContent``),
and footnotes / endnotes after the paragraph that cites them."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.errors import IngestError
from ingest.legacy import convert, detect_and_convert, encoding_of_font
from ingest.loaders import Loaded
from ingest.loaders.docx_numbering import Numbering, roman
from ingest.structure import split_record
from ingest.types import Block

_HEADING_STYLE = re.compile(r"^(title|heading (\d))$")
_NUMERIC = re.compile(r"^[\d\s.,%/()+\-–]*$")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TXBX = qn("w:txbxContent")


def _paragraph_text(paragraph: Paragraph, seen: set[str]) -> str:
    """The paragraph's text as a reader sees it: hidden runs (``w:vanish``, "Hidden" in Word's
    font dialog) left out — "hidden" is marked in ``seen`` — and runs in a TCVN3 (.VnTime…) or VNI
    (VNI-Times…) font converted to Unicode; the encodings met are added to ``seen``."""
    style_font = None
    if paragraph.style is not None and paragraph.style.font is not None:
        style_font = paragraph.style.font.name
    runs = paragraph.runs
    hidden = [bool(r.font.hidden) for r in runs]
    if any(hidden):
        seen.add("hidden")
        runs = [r for r, h in zip(runs, hidden) if not h]
    fonts = [(r.font.name or style_font) for r in runs]
    if not any(encoding_of_font(f) for f in fonts):
        return "".join(r.text for r in runs) if any(hidden) else paragraph.text
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


def _has_borders(table: Table) -> bool:
    """True for a ruled (data) table; False for a borderless layout table (the issuer |
    motto block, "Nơi nhận" | signature)."""
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.find(qn("w:tblBorders")) if tbl_pr is not None else None
    if borders is not None and len(borders):
        return any(b.get(qn("w:val")) not in ("nil", "none") for b in borders)
    style = tbl_pr.find(qn("w:tblStyle")) if tbl_pr is not None else None
    return style is not None and style.get(qn("w:val")) not in ("TableNormal", "NormalTable")


def _is_numeric(text: str) -> bool:
    return bool(text) and bool(_NUMERIC.match(text))


def _txbx_contents(element) -> list:
    """The outermost ``w:txbxContent`` elements inside ``element``, each once: the
    ``mc:Fallback`` copy of an ``mc:AlternateContent`` (VML for old readers) repeats its
    ``mc:Choice``, and a box inside a box is read with the outer one."""
    found = []
    for content in element.iter(_TXBX):
        ancestors = {a.tag for a in content.iterancestors() if a is not element}
        if _MC_FALLBACK not in ancestors and _TXBX not in ancestors:
            found.append(content)
    return found


class _Reader:
    """Walks one document body and collects its blocks."""

    def __init__(self, document) -> None:
        self.document = document
        self.blocks: list[Block] = []
        self.legacy: set[str] = set()
        self.numbering = Numbering.from_document(document)
        self.style_names = {s.style_id: (s.name or "").lower() for s in document.styles}
        self.groups = 0  # one ordinal per table or record
        self.notes = {"footnote": _notes(document, RT.FOOTNOTES, "w:footnote"),
                      "endnote": _notes(document, RT.ENDNOTES, "w:endnote")}
        self.note_numbers = {"footnote": {}, "endnote": {}}

    def add(self, kind: str, text: str, **fields) -> int:
        self.blocks.append(Block(kind=kind, text=text, index=len(self.blocks), **fields))
        return len(self.blocks) - 1

    def body(self, element) -> None:
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                self.paragraph(Paragraph(child, self.document._body))
            elif child.tag == qn("w:tbl"):
                self.table(Table(child, self.document._body))
            elif child.tag == qn("w:sdt"):  # a content control: its content is body text
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self.body(content)

    def paragraph(self, paragraph: Paragraph) -> None:
        text = _paragraph_text(paragraph, self.legacy).strip()
        numbered = self.numbering.label(paragraph._p) if text else None
        style = self.style_names.get(paragraph._p.style or "", "")
        heading = _HEADING_STYLE.match(style)
        first = len(self.blocks)
        if text:
            # a soft line break ("BÁO CÁO⏎Kết quả …") separates lines a reader sees apart
            lines = [line.strip() for line in text.split("\n") if line.strip()]
            if numbered:
                label, level, sep = numbered
                lines[0] = f"{label}{sep}{lines[0]}"
            record = split_record(lines) if not (numbered or heading) else None
            if record:  # "Thời gian: …⏎Địa điểm: …" typed with soft line breaks
                self.record(*record)
                lines = []
            for k, line in enumerate(lines):
                if heading and k == 0:
                    self.add("heading", line, level=int(heading.group(2) or 1),
                             label=numbered[0] if numbered else "")
                elif numbered and k == 0:
                    self.add("list_item", line, label=numbered[0], level=numbered[1])
                else:
                    self.add("paragraph", line)
        anchor = first if len(self.blocks) > first else -1
        for content in _txbx_contents(paragraph._p):
            for p in content.iter(qn("w:p")):
                box_text = _paragraph_text(Paragraph(p, self.document._body), self.legacy).strip()
                for line in box_text.split("\n"):
                    if line.strip():
                        self.add("text_box", line.strip(), parent=anchor)
        self.note_references(paragraph._p, anchor)

    def record(self, title: str, pairs: list[tuple[str, str, str]]) -> None:
        group = self.groups
        self.groups += 1
        parent = self.add("paragraph", title, group=group) if title else -1
        for line, label, value in pairs:
            self.add("record_line", line, label=label, value=value, parent=parent, group=group)

    def note_references(self, element, anchor: int) -> None:
        for kind, tag in (("footnote", "w:footnoteReference"), ("endnote", "w:endnoteReference")):
            for ref in element.iter(qn(tag)):
                self.note(kind, ref.get(qn("w:id")), anchor)

    def note(self, kind: str, note_id: str | None, anchor: int) -> None:
        numbers = self.note_numbers[kind]
        if note_id in numbers or note_id not in self.notes[kind]:
            return
        numbers[note_id] = len(numbers) + 1
        label = str(numbers[note_id]) if kind == "footnote" else roman(numbers[note_id])  # Word's defaults
        for p in self.notes[kind][note_id]:
            text = _paragraph_text(Paragraph(p, self.document._body), self.legacy).strip()
            for line in text.split("\n"):
                if line.strip():
                    self.add("footnote", line.strip(), label=label, parent=anchor)

    def remaining_notes(self) -> None:
        """Notes no paragraph of the body cites (cited from a header, or orphaned)."""
        for kind in ("footnote", "endnote"):
            for note_id in list(self.notes[kind]):
                self.note(kind, note_id, -1)

    def table(self, table: Table) -> None:
        group = self.groups
        self.groups += 1
        rows = []
        for row in table.rows:
            grid = row.cells
            texts = [self.cell_text(cell) for cell in grid]
            distinct, seen = [], set()
            for cell, text in zip(grid, texts):
                if id(cell._tc) in seen:  # a merged cell repeats across the grid
                    continue
                seen.add(id(cell._tc))
                if text:
                    distinct.append(text)
            spans = [k > 0 and grid[k]._tc is grid[k - 1]._tc for k in range(len(grid))]
            header_flag = row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
            rows.append((texts, distinct, spans, header_flag))
        n_header = self.header_rows(table, rows)
        header: list[str] = []
        if n_header:
            width = max(len(r[0]) for r in rows[:n_header])
            columns = [[] for _ in range(width)]
            for texts, _distinct, _spans, _flag in rows[:n_header]:
                for k, text in enumerate(texts):
                    if text and (not columns[k] or columns[k][-1] != text):
                        columns[k].append(text)  # a vertically merged name is said once
            header = [" ".join(parts) for parts in columns]
        for r, (texts, distinct, spans, _flag) in enumerate(rows):
            if not distinct:
                continue
            if r < n_header:
                self.add("table_header", " | ".join(distinct), cells=texts, group=group)
            else:
                cells = ["" if spans[k] else t for k, t in enumerate(texts)]
                self.add("table_row", " | ".join(distinct), cells=cells,
                         header=header if len(header) == len(cells) else [], group=group)

    @staticmethod
    def header_rows(table: Table, rows: list) -> int:
        """How many leading rows are header rows: those marked "repeat as header row"
        (``w:tblHeader``); else, in a ruled table of two or more rows, a first row with no
        number-only cell, and a second one too when the first has merged cells over several
        columns and the second has no number-only cell either. Borderless layout tables
        have none."""
        marked = 0
        while marked < len(rows) and rows[marked][3]:
            marked += 1
        if marked:
            return marked
        if len(rows) < 2 or not _has_borders(table):
            return 0
        first_texts, first_distinct, first_spans, _ = rows[0]
        if not first_distinct or any(_is_numeric(t) for t in first_distinct):
            return 0
        second = rows[1]
        if (any(first_spans) and len(rows) > 2 and second[1]
                and not any(_is_numeric(t) for t in second[1]) and len(second[1]) > len(first_distinct)):
            return 2
        return 1

    def cell_text(self, cell) -> str:
        parts: list[str] = []
        for child in cell._tc.iterchildren():
            if child.tag == qn("w:p"):
                p = Paragraph(child, cell)
                text = _paragraph_text(p, self.legacy).strip()
                numbered = self.numbering.label(child) if text else None
                if numbered:
                    text = f"{numbered[0]}{numbered[2]}{text}"
                if text:
                    parts.append(text)
                for content in _txbx_contents(child):
                    parts.extend(t for t in (_paragraph_text(Paragraph(q, cell), self.legacy).strip()
                                             for q in content.iter(qn("w:p"))) if t)
            elif child.tag == qn("w:tbl"):
                nested = Table(child, cell)
                for row in nested.rows:
                    seen, cells = set(), []
                    for c in row.cells:
                        if id(c._tc) not in seen:
                            seen.add(id(c._tc))
                            text = self.cell_text(c)
                            if text:
                                cells.append(text)
                    if cells:
                        parts.append(" | ".join(cells))
        return " ".join(parts).replace("\n", " ")


def _notes(document, reltype: str, tag: str) -> dict[str, list]:
    """Footnote (or endnote) id → its paragraphs, from the part the document relates to;
    separators (ids ≤ 0 or a ``w:type``) left out."""
    for rel in document.part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            try:
                root = parse_xml(rel.target_part.blob)
            except Exception:  # noqa: BLE001 - a damaged notes part must not lose the body
                return {}
            notes = {}
            for note in root.findall(qn(tag)):
                if note.get(qn("w:type")) in (None, "normal"):
                    notes[note.get(qn("w:id"))] = list(note.iter(qn("w:p")))
            return notes
    return {}


def _property_title(path: Path, document) -> str:
    """The core-properties Title, when the package has a core-properties part (python-docx
    invents "Word Document" for a package without one)."""
    with zipfile.ZipFile(path) as package:
        if not any(name.endswith("docProps/core.xml") for name in package.namelist()):
            return ""
    return (document.core_properties.title or "").strip()


def load(path: Path) -> Loaded:
    """Read the body in reading order.

    Blocks: ``heading`` (Title / Heading N styles, level N), ``list_item`` (Word numbering,
    label rendered into the text), ``paragraph``, ``table_header`` / ``table_row`` (text:
    distinct cells joined by `` | ``; ``cells`` one per grid column; ``header`` the header
    rows' text per column), ``text_box`` (after its anchor paragraph, ``parent`` = that
    paragraph), ``footnote`` (after the citing paragraph; ``label`` its number). The core
    Title property is returned as ``metadata["property_title"]``: a fallback only.

    Raises:
        IngestError: ``corrupt`` when the file is not a valid DOCX package.
    """
    if not zipfile.is_zipfile(path):
        raise IngestError("corrupt", "not a valid DOCX (zip) package")
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise IngestError("corrupt", f"DOCX could not be opened: {exc}") from exc
    reader = _Reader(document)
    reader.body(document.element.body)
    reader.remaining_notes()
    blocks, legacy = reader.blocks, set(reader.legacy)
    hidden = "hidden" in legacy
    legacy.discard("hidden")
    if not legacy:  # legacy text whose font is not recorded on the runs: judge by the letters
        _converted, encoding = detect_and_convert("\n".join(b.text for b in blocks))
        if encoding:
            for block in blocks:
                block.text = convert(block.text, encoding)
                block.label = convert(block.label, encoding)
                block.cells = [convert(c, encoding) for c in block.cells]
                block.header = [convert(h, encoding) for h in block.header]
            legacy = {encoding}
    metadata = {"legacy_encoding": ",".join(sorted(legacy))} if legacy else {}
    if hidden:
        metadata["hidden_text"] = "dropped"  # a reader does not see it; planted instructions hide there
    header = _running_header(document)
    if header:
        metadata["running_header"] = header  # kept once as metadata, not repeated in every chunk
    title = _property_title(path, document)
    if title:
        metadata["property_title"] = title
    kinds = {b.kind for b in blocks}
    notes = [name for kind, name in (("text_box", "text box"), ("footnote", "footnote/endnote")) if kind in kinds]
    if notes:
        metadata["docx_parts_read"] = ", ".join(notes)
    return Loaded(blocks=blocks, metadata=metadata)
