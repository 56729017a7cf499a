"""PDF through pypdf, page by page."""
from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from ingest.errors import IngestError
from ingest.loaders import Loaded
from ingest.normalize import repair_split_syllables
from ingest.sentences import LIST_ITEM

_MARGIN_SHARE = 0.75


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
        pages = [repair_split_syllables(page.extract_text() or "") for page in reader.pages]
    except IngestError:
        raise
    except DependencyError as exc:
        raise IngestError("converter_missing", f"PDF needs an optional library: {exc}") from exc
    except (PdfReadError, FileNotDecryptedError, ValueError, KeyError) as exc:
        raise IngestError("corrupt", f"PDF could not be parsed: {exc}") from exc
    if not any(p.strip() for p in pages):
        raise IngestError("no_text", f"no text layer on any of {len(pages)} pages — OCR required")
    paragraphs: list[str] = []
    for page in pages:
        paragraphs.extend(join_page_lines(page.splitlines()))
    return Loaded(paragraphs=paragraphs, metadata={"pages": len(pages)})
