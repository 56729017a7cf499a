"""The types that flow out of ingestion, defined once and shared downstream."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

BLOCK_KINDS = ("heading", "paragraph", "list_item", "table_header", "table_row", "record_line",
               "caption", "footnote", "text_box", "gap")


@dataclass
class Block:
    """One line of a document as its author laid it out: the unit that loaders fill and that
    chunking, heading paths, answer units and the passage page read.

    Attributes:
        kind: one of :data:`BLOCK_KINDS`. ``heading`` opens a section; ``list_item`` is a
            numbered or bulleted item; ``table_header`` / ``table_row`` are rows of a table
            (header rows, then body rows); ``record_line`` is a "label: value" line of one
            record (an HTML ``<br>`` record, a form); ``caption`` names a table; ``footnote``
            and ``text_box`` are text a loader found outside the body flow; ``gap`` stands for
            text left out of a passage ("…").
        text: the line exactly as it appears in the document text (NFC, one line). A table
            row's text is its cells joined by `` | ``; a list item's text starts with its label.
        level: a heading's level (1 = coarsest), a list item's nesting depth (0 = top level).
        label: the visible label: "Điều 3.", "Chương II", "a)", "1.", "-", a footnote's number,
            a record line's label ("Thời gian").
        value: a record line's value (the text after "label:").
        cells: a table row's cells, in column order.
        header: for a table row, the header text of each of its columns (same length as
            ``cells`` when known; header rows spanning several lines are joined per column).
        group: ordinal, within the document, of the table, list or record the block belongs
            to (-1: none); the blocks of one group share it.
        index: the block's position in :attr:`Document.blocks` (-1 for a gap).
        parent: :attr:`index` of the block this one depends on (-1: none): a sub-item's
            numbered item ("- Thời gian: …" under "3. Hội nghị …"), a record line's record title,
            a footnote's citing paragraph. Headings are given by the chunk's heading path.
        page: 1-based PDF page (0: unknown or not paged).
        flags: e.g. ``["instruction_like"]``: text addressed to an AI; never answer text.
    """

    kind: str = "paragraph"
    text: str = ""
    level: int = 0
    label: str = ""
    value: str = ""
    cells: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    group: int = -1
    index: int = -1
    parent: int = -1
    page: int = 0
    flags: list[str] = field(default_factory=list)

    def to_dict(self, with_text: bool = True) -> dict[str, Any]:
        """The fields that differ from their defaults (compact for storage); ``text`` is
        left out with ``with_text=False`` (a chunk stores it once, in its own text)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            default = f.default_factory() if callable(f.default_factory) else f.default  # type: ignore[misc]
            if value != default and (with_text or f.name != "text"):
                out[f.name] = list(value) if isinstance(value, list) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], text: str | None = None) -> "Block":
        """Inverse of :meth:`to_dict`; ``text`` fills in a text stored elsewhere. Unknown
        keys (from a newer version) are ignored."""
        known = {f.name for f in fields(cls)}
        block = cls(**{k: (list(v) if isinstance(v, list) else v) for k, v in data.items() if k in known})
        if text is not None:
            block.text = text
        return block


@dataclass
class Document:
    """One source file after loading and normalisation.

    Attributes:
        text: NFC text, paragraphs separated by a single ``\\n``; no other newlines.
        metadata: title, source, format and, when found, ``so_hieu``, ``date``
            (ISO ``YYYY-MM-DD``), ``doc_type``, ``issuer``, ``author``, ``replaces``.
        blocks: one :class:`Block` per paragraph (``blocks[i].text == paragraphs[i]``,
            ``blocks[i].index == i``), or empty for a document built from bare text (the
            chunker then recognises headings and list items in the text itself, with
            :func:`ingest.structure.recognise`).
    """

    text: str
    metadata: dict[str, Any]
    blocks: list[Block] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n") if self.text else []

    @property
    def headings(self) -> dict[int, int]:
        """Paragraph index → heading level (1 = coarsest) of the heading blocks."""
        return {b.index: b.level for b in self.blocks if b.kind == "heading"}


@dataclass
class Chunk:
    """A retrievable passage of a document.

    Attributes:
        id: stable id, ``<doc_id>:<ordinal>``.
        text: the passage body as it appears in the document (NFC, collapsed spaces), one
            block per line.
        heading_path: headings from the document title down to this passage,
            e.g. ``["Luật MTTQ", "Chương II", "Điều 9"]``.
        metadata: the document's metadata plus ``doc_id`` and ``ordinal``.
        blocks: one :class:`Block` per line of ``text`` (same order, same text), or empty
            when the structure is unknown (an index built before blocks existed). A
            paragraph split across lines to fit the model repeats its block.
    """

    id: str
    text: str
    heading_path: list[str]
    metadata: dict[str, Any]
    blocks: list[Block] = field(default_factory=list)

    def lines(self) -> list[tuple[str, Block]]:
        """Each line of :attr:`text` with its block (a plain paragraph block when unknown)."""
        texts = self.text.split("\n")
        if len(self.blocks) == len(texts):
            return list(zip(texts, self.blocks))
        return [(t, Block(text=t)) for t in texts]

    @property
    def context_text(self) -> str:
        """Heading path and body, the form that is embedded and keyword-indexed."""
        path = " › ".join(h for h in self.heading_path if h)
        return f"{path}\n{self.text}" if path else self.text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; blocks are stored without their text (it is the line's)."""
        data = {"id": self.id, "text": self.text, "heading_path": list(self.heading_path),
                "metadata": self.metadata}
        if self.blocks:
            data["blocks"] = [b.to_dict(with_text=False) for b in self.blocks]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Chunk":
        """Inverse of :meth:`to_dict`; accepts chunks stored before blocks existed."""
        texts = data["text"].split("\n")
        stored = data.get("blocks") or []
        blocks = [Block.from_dict(b, t) for b, t in zip(stored, texts)] if len(stored) == len(texts) else []
        return cls(id=data["id"], text=data["text"], heading_path=list(data["heading_path"]),
                   metadata=dict(data["metadata"]), blocks=blocks)


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
