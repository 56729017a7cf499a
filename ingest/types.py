"""The types that flow out of ingestion, defined once and shared downstream."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Document:
    """One source file after loading and normalisation.

    Attributes:
        text: NFC text, paragraphs separated by a single ``\\n``; no other newlines.
        metadata: title, source, format and, when found, ``so_hieu``, ``date``
            (ISO ``YYYY-MM-DD``), ``doc_type``, ``issuer``.
        headings: for each paragraph index that starts a section, its heading level
            (1 = coarsest). Filled by loaders that know structure (Markdown ``#``);
            the chunker adds what it recognises in the text itself (Chương, Điều…).
    """

    text: str
    metadata: dict[str, Any]
    headings: dict[int, int] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n") if self.text else []


@dataclass
class Chunk:
    """A retrievable passage of a document.

    Attributes:
        id: stable id, ``<doc_id>:<ordinal>``.
        text: the passage body as it appears in the document (NFC, collapsed spaces).
        heading_path: headings from the document title down to this passage,
            e.g. ``["Luật MTTQ", "Chương II", "Điều 9"]``.
        metadata: the document's metadata plus ``doc_id`` and ``ordinal``.
    """

    id: str
    text: str
    heading_path: list[str]
    metadata: dict[str, Any]

    @property
    def context_text(self) -> str:
        """Heading path and body, the form that is embedded and keyword-indexed."""
        path = " › ".join(h for h in self.heading_path if h)
        return f"{path}\n{self.text}" if path else self.text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Chunk":
        return cls(id=data["id"], text=data["text"], heading_path=list(data["heading_path"]),
                   metadata=dict(data["metadata"]))


@dataclass
class FileStatus:
    """Outcome of ingesting one file.

    ``status`` is ``ok``, ``skipped`` or ``failed``; ``reason`` is a short machine code
    (e.g. ``unsupported_format``, ``converter_missing``, ``empty``) and ``message`` a
    sentence a person can act on.
    """

    path: str
    status: str
    chunks: int = 0
    reason: str = ""
    message: str = ""
    title: str = ""
