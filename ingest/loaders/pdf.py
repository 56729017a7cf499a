"""PDF through pypdf, page by page: two-column pages read column by column (positions from\npypdf's layout mode), ruled tables as rows with their header (pdfplumber)."""
from __future__ import annotations

import logging
import re
import subprocess
from collections import Counter
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError

from ingest.errors import IngestError
from ingest.loaders import Loaded
from ingest.types import Block
from ingest.normalize import repair_split_syllables
from ingest.ocr import ocr_available, ocr_page
from ingest.sentences import LIST_ITEM

log = logging.getLogger(__name__)
_MARGIN_SHARE = 0.75
_MIN_PAGE_CHARS = 20  # fewer characters than this on a page with an image: a scan


def join_page_lines(lines: list[str]) -> list[str]:
    """Re-join a page's visual lines into paragraphs.

    A line that runs to the right margin (at least 75 % of the page's 90th-percentile
    line length) and does not end a sentence continues on the next line, unless the
    next line opens a list item; lower-case continuations are joined as for text; a line
    cut after a dash ("… NÂNG CAO –" + "XÃ TÂN LẬP NĂM 2026") always continues.
    """
    stripped = [line.strip() for line in lines]
    lengths = sorted(len(s) for s in stripped if s)
    if not lengths:
        return []
    full = lengths[int(0.9 * (len(lengths) - 1))]
    out: list[str] = []
    for line in stripped:
        if not line:
            continue
        if out:
            prev = out[-1]
            reaches_margin = len(prev.rsplit("\n", 1)[-1]) >= _MARGIN_SHARE * full
            last_line = prev.rsplit("\n", 1)[-1]
            letters = [c for c in last_line if c.isalpha()]
            is_caps = bool(letters) and all(c.isupper() for c in letters)
            ends_sentence = prev.endswith((".", ":", ";", "!", "?")) or is_caps
            cut_at_dash = prev.endswith(("-", "–", "—")) and not LIST_ITEM.match(line)
            if cut_at_dash or (line[:1].islower() and not ends_sentence) or (
                    reaches_margin and not ends_sentence and not LIST_ITEM.match(line)):
                out[-1] = f"{prev} {line}"
                continue
        out.append(line)
    return out


def load(path: Path) -> Loaded:
    """Extract the text layer of every page.

    Raises:
        IngestError: ``encrypted`` (password-protected), ``corrupt`` (unreadable),
            ``no_text`` (no page has a text layer: a scan that needs OCR).
    """
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise IngestError("encrypted", "PDF is password-protected")
            except FileNotDecryptedError as exc:
                raise IngestError("encrypted", "PDF is password-protected") from exc
        pages = [repair_split_syllables(_page_text(page)) for page in reader.pages]
        for i, page in enumerate(reader.pages, 1):
            if not pages[i - 1].strip():
                _check_decompression(page, i)
        scanned = [i for i, page in enumerate(reader.pages, 1)
                   if len(pages[i - 1].strip()) < _MIN_PAGE_CHARS and _has_images(page)]
    except IngestError:
        raise
    except LimitReachedError as exc:
        raise IngestError("too_large", f"PDF content decompresses beyond pypdf's safe limit: {exc}") from exc
    except DependencyError as exc:
        raise IngestError("converter_missing", f"PDF needs an optional library: {exc}") from exc
    except (PdfReadError, FileNotDecryptedError, ValueError, KeyError) as exc:
        raise IngestError("corrupt", f"PDF could not be parsed: {exc}") from exc
    metadata: dict = {"pages": len(pages)}
    if scanned and ocr_available():
        read = []
        for number in scanned:
            try:
                pages[number - 1] = ocr_page(path, number)
                read.append(number)
            except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                log.warning("OCR failed on page %d of %s: %s", number, path, exc)
        scanned = [n for n in scanned if n not in read]
        if read:
            metadata["ocr_pages"] = ",".join(map(str, read))
    if scanned:
        metadata["pages_needing_ocr"] = ",".join(map(str, scanned))
    if not any(p.strip() for p in pages):
        if not scanned:
            raise IngestError("empty", f"no text and no scanned image on any of {len(pages)} pages (blank)")
        hint = "" if ocr_available() else " (install tesseract-ocr, tesseract-ocr-vie and poppler-utils)"
        raise IngestError("no_text", f"no text layer on {len(scanned)} scanned page(s) — OCR required{hint}")
    tables = _tables(path, [i for i in range(1, len(pages) + 1) if _has_ruling(reader.pages[i - 1])])
    blocks: list[Block] = []
    groups = 0
    for number, page in enumerate(pages, 1):
        lines = page.splitlines()
        for rows in tables.get(number, []):
            span = _table_span(lines, rows)
            if span is None:
                log.info("table on page %d of %s not matched to its text; kept as lines", number, path)
                continue
            before, lines = lines[:span[0]], lines[span[1]:]
            blocks.extend(Block(text=t, page=number) for t in join_page_lines(before))
            blocks.extend(_table_blocks(rows, number, groups))
            groups += 1
        blocks.extend(Block(text=t, page=number) for t in join_page_lines(lines))
    return Loaded(blocks=blocks, metadata=metadata)


_SHORT_LINE_SHARE = 0.3


def _broken_lines(text: str) -> bool:
    """True when the extractor cut lines at every font change: many 1–2 character lines
    (a Vietnamese letter drawn from a fallback font becomes a line of its own)."""
    lines = [line for line in text.split("\n") if line.strip()]
    return len(lines) >= 5 and sum(len(line.strip()) <= 2 for line in lines) / len(lines) >= _SHORT_LINE_SHARE


def _page_text(page) -> str:
    """The page's text; when the plain extraction cut lines at font changes, the text
    pieces are put back together by their position on the page (same baseline → one
    line, in x order)."""
    text = page.extract_text() or ""
    if not _broken_lines(text):
        columns = read_columns(page.extract_text(extraction_mode="layout").splitlines()) if text.strip() else None
        return columns if columns is not None else text
    pieces: list[tuple[float, float, str]] = []

    def visit(piece, cm, tm, _font, _size):
        if piece:
            # device position: the text matrix's origin mapped by the current transformation
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            pieces.append((round(y), x, piece))

    page.extract_text(visitor_text=visit)
    lines: dict[float, list[tuple[float, str]]] = {}
    for y, x, piece in pieces:
        key = next((k for k in lines if abs(k - y) <= 2), y)
        lines.setdefault(key, []).append((x, piece))
    rebuilt = "\n".join("".join(p for _x, p in sorted(parts)).replace("\n", "")
                        for _y, parts in sorted(lines.items(), key=lambda item: -item[0]))
    return rebuilt if not _broken_lines(rebuilt) else text


def _check_decompression(page, number: int) -> None:
    """An empty page may be a page whose content stream hit pypdf's decompression limit
    (a "flate bomb"); say so rather than call it blank.

    Raises:
        IngestError: ``too_large``.
    """
    try:
        contents = page.get_contents()
        if contents is not None:
            contents.get_data()
    except LimitReachedError as exc:
        raise IngestError("too_large", f"page {number} decompresses beyond the safe limit "
                                       f"(a decompression bomb?): not read") from exc


def _has_images(page) -> bool:
    try:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        return any(xobjects[name].get_object().get("/Subtype") == "/Image" for name in xobjects)
    except Exception:  # noqa: BLE001 - a damaged resource dictionary is not an image
        return False


_MIN_GUTTER = 3  # blank character columns between two text columns
_MIN_COLUMN_CHARS = 18  # median width of a column's line parts: prose, not table cells
_BOTH_SIDES_SHARE = 0.3


def read_columns(layout_lines: list[str]) -> str | None:
    """A two-column page's text, left column then right column, from pypdf's layout-mode
    lines (characters placed by their x position); None when the page is not in two columns.

    The gutter is a run of at least three character columns in the middle 30–70 % of the
    width that (almost) no line crosses, with text on both sides in at least 30 % of the
    lines, whose parts on each side are prose (median at least 18 characters), not the
    cells of a table. A line that crosses the gutter (a title over both columns) is read in
    place, between the column runs above and below it.
    """
    lines = [line.rstrip() for line in layout_lines]
    body = [line for line in lines if line.strip()]
    if len(body) < 6:
        return None
    width = max(len(line) for line in body)
    occupied = [0] * width
    for line in body:
        for i, ch in enumerate(line):
            if not ch.isspace():
                occupied[i] += 1
    tolerance = max(1, len(body) // 20)
    best: tuple[int, int] | None = None
    start = None
    for i in range(int(width * 0.3), int(width * 0.7) + 1):
        free = i < width and occupied[i] <= tolerance
        if free and start is None:
            start = i
        if (not free or i == int(width * 0.7)) and start is not None:
            end = i if not free else i + 1
            if end - start >= _MIN_GUTTER and (best is None or end - start > best[1] - best[0]):
                best = (start, end)
            start = None
    if best is None:
        return None
    g0, g1 = best
    left_parts = [line[:g0].strip() for line in body if line[:g0].strip() and line[g1:].strip()]
    right_parts = [line[g1:].strip() for line in body if line[:g0].strip() and line[g1:].strip()]
    if len(left_parts) < max(3, _BOTH_SIDES_SHARE * len(body)):
        return None
    median = lambda parts: sorted(len(p) for p in parts)[len(parts) // 2]
    if median(left_parts) < _MIN_COLUMN_CHARS or median(right_parts) < _MIN_COLUMN_CHARS:
        return None
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []
    for line in lines:
        if line[g0:g1].strip():  # crosses the gutter: read in place
            out.extend(left + [""] + right + [""] + [line.strip()])
            left, right = [], []
            continue
        left.append(line[:g0].strip())
        right.append(line[g1:].strip())
    out.extend(left + [""] + right)
    return "\n".join(out)


_RULING = re.compile(rb"\sre\s|\sl\s")
_MIN_RULINGS = 8


def _has_ruling(page) -> bool:
    """True when the page draws enough rectangles or lines to hold a ruled table (a cheap
    look at its content stream before pdfplumber is asked)."""
    try:
        contents = page.get_contents()
        return contents is not None and len(_RULING.findall(contents.get_data())) >= _MIN_RULINGS
    except Exception:  # noqa: BLE001 - an unreadable stream holds no table we could use
        return False


def _tables(path: Path, numbers: list[int]) -> dict[int, list[list[list[str]]]]:
    """Page number → rows of cells of each ruled table on it, top to bottom (pdfplumber's
    lattice detection); pages not listed are not opened."""
    if not numbers:
        return {}
    try:
        import pdfplumber
    except ImportError:  # optional: without it, tables stay lines of text
        return {}
    found: dict[int, list[list[list[str]]]] = {}
    try:
        with pdfplumber.open(str(path)) as pdf:
            for number in numbers:
                page = pdf.pages[number - 1]
                for table in sorted(page.find_tables(), key=lambda t: t.bbox[1]):
                    rows = [[repair_split_syllables(" ".join((c or "").split())) for c in row] for row in table.extract()]
                    rows = [row for row in rows if any(row)]
                    if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                        found.setdefault(number, []).append(rows)
    except Exception as exc:  # noqa: BLE001 - table detection must never lose the text
        log.warning("table detection failed on %s: %s", path, exc)
        return {}
    return found


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _table_span(lines: list[str], rows: list[list[str]]) -> tuple[int, int] | None:
    """The run of ``lines`` (the page's plain text) that holds exactly the table's words,
    as ``(start, end)``; None when no run does (then the table stays as text)."""
    wanted = Counter(w for row in rows for cell in row for w in _words(cell))
    total = sum(wanted.values())
    words = [_words(line) for line in lines]
    for start in range(len(lines)):
        if not words[start] or not set(words[start]) <= wanted.keys():
            continue
        got: Counter = Counter()
        for end in range(start, len(lines)):
            got.update(words[end])
            if sum(got.values()) >= total:
                if got == wanted:
                    return start, end + 1
                break
    return None


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[\d\s.,%/()+\-–]*", text)) and any(ch.isdigit() for ch in text)


def _table_blocks(rows: list[list[str]], page: int, group: int) -> list[Block]:
    """A table's rows as blocks: the first row is the header when none of its cells is a
    number; body rows carry its cells as ``header``."""
    header = rows[0] if not any(_is_number(c) for c in rows[0] if c) else []
    blocks = []
    for k, cells in enumerate(rows):
        text = " | ".join(c for c in cells if c)
        if k == 0 and header:
            blocks.append(Block(kind="table_header", text=text, cells=cells, group=group, page=page))
        else:
            blocks.append(Block(kind="table_row", text=text, cells=cells, group=group, page=page,
                                header=list(header) if len(header) == len(cells) else []))
    return blocks
