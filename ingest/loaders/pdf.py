"""PDF through pypdf, page by page."""
from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError

from ingest.errors import IngestError
from ingest.loaders import Loaded
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
    next line opens a list item; lower-case continuations are joined as for text.
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
            if (line[:1].islower() and not ends_sentence) or (
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
    paragraphs: list[str] = []
    for page in pages:
        paragraphs.extend(join_page_lines(page.splitlines()))
    return Loaded.from_paragraphs(paragraphs, metadata=metadata)


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
        return text
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
