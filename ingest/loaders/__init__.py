"""One loader per format. Each turns a file into :class:`Loaded` blocks.

``load_file`` picks the loader by file suffix and raises :class:`ingest.IngestError`
with a reason code when a file cannot be read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ingest.errors import IngestError
from ingest.types import Block


@dataclass
class Loaded:
    """What a loader extracted, before normalisation and metadata.

    Attributes:
        blocks: one :class:`~ingest.types.Block` per line of text in reading order (text may
            still contain odd spacing or newlines; ``index``/``parent`` refer to positions in
            this list). A loader that knows nothing of a line's role emits a ``paragraph``;
            headings and list items in plain text are recognised later, once, by
            :func:`ingest.structure.recognise`.
        title: a title the format itself declares (HTML ``<title>``, Markdown ``#``, a DOCX
            core property), or "". It is a fallback: the document's own heading wins.
        metadata: extra fields the format provides (e.g. ``date`` from HTML).
    """

    blocks: list[Block] = field(default_factory=list)
    title: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_paragraphs(cls, paragraphs: list[str], title: str = "",
                        metadata: dict[str, Any] | None = None) -> "Loaded":
        """Plain ``paragraph`` blocks, one per text."""
        blocks = [Block(text=p, index=i) for i, p in enumerate(paragraphs)]
        return cls(blocks=blocks, title=title, metadata=dict(metadata or {}))

    @property
    def paragraphs(self) -> list[str]:
        """The blocks' texts, in order."""
        return [b.text for b in self.blocks]

    @property
    def headings(self) -> dict[int, int]:
        """Block index → level of the blocks the format marks as headings."""
        return {i: b.level for i, b in enumerate(self.blocks) if b.kind == "heading"}


def _registry() -> dict[str, tuple[str, Callable[[Path], Loaded]]]:
    from ingest.loaders import doc, docx, html, markdown, pdf, text

    return {
        ".txt": ("txt", text.load),
        ".text": ("txt", text.load),
        ".md": ("md", markdown.load),
        ".markdown": ("md", markdown.load),
        ".html": ("html", html.load),
        ".htm": ("html", html.load),
        ".pdf": ("pdf", pdf.load),
        ".docx": ("docx", docx.load),
        ".doc": ("doc", doc.load),
    }


SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".doc")
_BINARY_SUFFIXES = {".pdf", ".docx", ".doc"}


def sniff_format(head: bytes) -> str | None:
    """The format the first bytes of a file announce: ``pdf``, ``docx`` (zip), ``doc``
    (OLE2), ``rtf``, ``html``, or None when they announce nothing."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head.lower():
        return "html"
    return None


def load_file(path: Path) -> tuple[str, Loaded]:
    """Load ``path`` with the loader for its suffix.

    Returns:
        ``(format_name, Loaded)``.
    Raises:
        IngestError: ``unsupported_format`` for unknown suffixes, ``empty`` for a
            zero-byte file, or whatever the loader raises.
    """
    registry = _registry()
    suffix = path.suffix.lower()
    if suffix not in registry:
        raise IngestError("unsupported_format", f"unsupported file type {suffix or '(none)'}")
    if path.stat().st_size == 0:
        raise IngestError("empty", "file is empty (0 bytes)")
    fmt, loader = registry[suffix]
    if suffix in _BINARY_SUFFIXES:
        # portals often serve HTML or a DOCX under a .doc name: trust the bytes
        with open(path, "rb") as fh:
            actual = sniff_format(fh.read(2048))
        if actual == "rtf":
            raise IngestError("unsupported_format", "file is RTF despite its name; save it as DOCX or PDF")
        if actual is not None and actual != fmt:
            fmt, loader = {"pdf": registry[".pdf"], "docx": registry[".docx"], "doc": registry[".doc"],
                           "html": registry[".html"]}[actual]
    try:
        return fmt, loader(path)
    except IngestError:
        raise
    except Exception as exc:  # a broken file must not stop the batch
        raise IngestError("corrupt", f"could not read {fmt} file: {type(exc).__name__}: {exc}") from exc
