"""Walk paths, load each file, normalise, add metadata, chunk; never abort a batch."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ingest.chunking import TokenCounter, approx_token_count, chunk_document, document_id
from ingest.errors import IngestError
from ingest.injection import looks_like_instruction
from ingest.loaders import SUPPORTED_SUFFIXES, Loaded, load_file
from ingest.metadata import clean_author, extract_metadata, find_date, is_issuer_line, sentence_case
from ingest.normalize import normalize_text
from ingest.revisions import find_replaces
from ingest.structure import read_tsv, recognise
from ingest.types import Block, Chunk, Document, FileStatus

log = logging.getLogger(__name__)
_SKIP_NAMES = {"SOURCES.md", "README.md"}


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every file under ``paths`` (recursively, sorted, hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes (hex): the identity of its content."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def display_path(path: Path) -> str:
    """``path`` as valid NFC text: bytes that are not UTF-8 in a file name become U+FFFD
    instead of lone surrogates (which cannot be written to JSON or shown)."""
    raw = os.fsencode(str(path))
    return unicodedata.normalize("NFC", raw.decode("utf-8", "replace"))


_HEADER_BLOCK = re.compile(r"CỘNG HÒA XÃ HỘI|CỘNG HOÀ XÃ HỘI|Độc lập\s*-\s*Tự do|^Số\s*:|^[-_=\s]+$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _placeholder_titles() -> list[re.Pattern]:
    return [re.compile(row["pattern"], re.IGNORECASE) for row in read_tsv("placeholder_titles.tsv")]


def is_placeholder_title(title: str) -> bool:
    """True for a title that names no document: an editor's default ("Word Document",
    "Document1"), a template's, a file name (patterns in ``ingest/data/placeholder_titles.tsv``)."""
    return any(p.search(title.strip()) for p in _placeholder_titles())


def _reads_as_title(para: str) -> bool:
    """A line that can name its document: short (≤ 30 words, ≤ 200 characters), not a
    sentence (no final full stop) and not cut short ("… NÂNG CAO –")."""
    return len(para) <= 200 and len(para.split()) <= 30 and not para.endswith((".", "-", "–", "—"))


def _fallback_title(paragraphs: list[str], file_name: str) -> str:
    """The first of the first eight lines that reads as a title, header block lines
    (issuer, motto, "Số: …", datelines, table rows) skipped; else the file name without its
    suffix (separators as spaces)."""
    if len(paragraphs) > 1:
        for para in paragraphs[:8]:
            header = _HEADER_BLOCK.search(para) or " | " in para or find_date(para) or is_issuer_line(para)
            if not header and _reads_as_title(para):
                return para
    return re.sub(r"[_\-]+", " ", file_name.rsplit(".", 1)[0]).strip()


def _choose_title(declared: str, found: str, property_title: str, paragraphs: list[str], file_name: str) -> str:
    """The document's title: one its format declares in the text (Markdown ``#``, HTML
    ``<title>``/``<h1>``), else its own heading (type line + trích yếu), else a file property
    that is not a placeholder, else its first line that reads as a title, else its file
    name. A title in capitals is written in sentence case, names kept (``sentence_case``)."""
    title = declared or found
    if not title and property_title and not is_placeholder_title(property_title):
        title = property_title  # a file property: a fallback only (it goes stale)
    title = title or _fallback_title(paragraphs, file_name)
    letters = [c for c in title if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.8 * len(letters) and len(letters) > 3:
        cased = sentence_case(title, paragraphs)
        title = cased[:1].upper() + cased[1:]
    return title


def _clean(text: str) -> str:
    return normalize_text(text).replace("\n", " ")


def normalise_blocks(blocks: list[Block]) -> list[Block]:
    """The loader's blocks with NFC, single-line text (also labels, values, cells and
    headers); blocks left empty are dropped and ``index``/``parent`` renumbered (a parent
    that was dropped becomes -1). Headings and list items are then recognised
    (:func:`ingest.structure.recognise`) and instruction-like text flagged."""
    kept: list[Block] = []
    new_index: dict[int, int] = {}
    for i, block in enumerate(blocks):
        text = _clean(block.text)
        if not text:
            continue
        new_index[i] = len(kept)
        kept.append(replace(block, text=text, label=_clean(block.label), value=_clean(block.value),
                            cells=[_clean(c) for c in block.cells], header=[_clean(h) for h in block.header],
                            flags=list(block.flags)))
    for block in kept:
        block.parent = new_index.get(block.parent, -1)
    out = recognise(kept)
    for block in out:
        if looks_like_instruction(block.text) and "instruction_like" not in block.flags:
            block.flags.append("instruction_like")
    return out


def build_document(path: Path, fmt: str, loaded: Loaded, source: str | None = None) -> Document:
    """Normalise what a loader returned and attach metadata.

    Raises:
        IngestError: ``empty`` when nothing readable is left after normalisation.
    """
    blocks = normalise_blocks(loaded.blocks)
    if not blocks:
        raise IngestError("empty", "no readable text (empty or only whitespace)")
    kept = [b.text for b in blocks]
    declared_title = _clean(loaded.title)
    found = extract_metadata(kept, declared_title)
    shown = source or display_path(path)
    metadata: dict = {"source": shown, "format": fmt, "file_name": shown.rsplit("/", 1)[-1]}
    metadata.update({k: v for k, v in loaded.metadata.items() if isinstance(v, (str, int, float))})
    property_title = _clean(str(metadata.pop("property_title", "")))
    if metadata.get("author"):
        author = clean_author(_clean(str(metadata["author"])))
        if author:
            metadata["author"] = author
        else:
            del metadata["author"]
    metadata.update(found)
    metadata["title"] = _choose_title(declared_title, found.get("title", ""), property_title, kept,
                                      metadata["file_name"])
    replaces = find_replaces(kept, metadata.get("doc_type"))
    if replaces:
        metadata["replaces"] = replaces
    if "doc_type" not in metadata:
        metadata["doc_type"] = "Bài viết" if fmt in ("html", "txt") else "Tài liệu"
    return Document(text="\n".join(kept), metadata=metadata, blocks=blocks)


@dataclass
class IngestResult:
    """Chunks of every file that loaded, and one status per file seen."""

    chunks: list[Chunk] = field(default_factory=list)
    statuses: list[FileStatus] = field(default_factory=list)

    @property
    def failed(self) -> list[FileStatus]:
        return [s for s in self.statuses if s.status == "failed"]


def ingest_paths(paths: Iterable[Path], *, count_tokens: TokenCounter = approx_token_count,
                 max_tokens: int = 480, on_file: Callable[[FileStatus], None] | None = None,
                 skip: Callable[[Path], FileStatus | None] | None = None,
                 known_texts: dict[str, str] | None = None) -> IngestResult:
    """Load and chunk every supported file under ``paths``.

    Each file gets a :class:`FileStatus`; a failing file is recorded and the batch
    goes on. ``on_file`` is called after each file (for progress bars). ``skip(path)``
    may return a status instead of ingesting the file (e.g. unchanged since last time).
    ``known_texts`` maps :func:`text_sha256` of documents already indexed to their source: a
    file whose text equals one of them, or an earlier file's of this batch, is skipped as a
    ``duplicate`` (the same text in other bytes: NFC and NFD, another encoding, another format).
    """
    result = IngestResult()
    texts = dict(known_texts or {})
    for path in iter_files(paths):
        status = skip(path) if skip else None
        if status is None:
            status = ingest_one(path, result.chunks, count_tokens=count_tokens, max_tokens=max_tokens,
                                seen_texts=texts)
        result.statuses.append(status)
        if on_file:
            on_file(status)
    return result


def text_sha256(text: str) -> str:
    """SHA-256 of a document's normalised text (NFC, whitespace runs collapsed): equal for
    copies that differ only in bytes."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def ingest_one(path: Path, sink: list[Chunk], *, count_tokens: TokenCounter = approx_token_count,
               max_tokens: int = 480, seen_texts: dict[str, str] | None = None) -> FileStatus:
    """Ingest one file, appending its chunks to ``sink``; returns its status. With
    ``seen_texts`` (text hash → source), a file whose text is already there is skipped as a
    duplicate, and its own text is added."""
    shown = display_path(path)
    if path.name in _SKIP_NAMES:
        return FileStatus(shown, "skipped", reason="catalogue", message="corpus catalogue file, not content")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return FileStatus(shown, "skipped", reason="unsupported_format",
                          message=f"unsupported file type {path.suffix or '(none)'}")
    if not path.is_file():
        return FileStatus(shown, "failed", reason="not_found", message="file not found (or a broken link)")
    try:
        fmt, loaded = load_file(path)
        doc = build_document(path, fmt, loaded, source=shown)
        doc.metadata["sha256"] = file_sha256(path)
        doc.metadata["text_sha256"] = text_sha256(doc.text)
        if seen_texts is not None:
            first = seen_texts.setdefault(doc.metadata["text_sha256"], shown)
            if first != shown:
                return FileStatus(shown, "skipped", reason="duplicate", message=f"same text as {first}")
        chunks = chunk_document(doc, doc_id=document_id(shown, doc.text),
                                max_tokens=max_tokens, count_tokens=count_tokens)
        if not chunks:
            raise IngestError("no_text", "document produced no chunks")
        flagged = _flag_instructions(chunks)
    except IngestError as exc:
        log.warning("ingest failed for %s: %s (%s)", shown, exc.message, exc.reason)
        return FileStatus(shown, "failed", reason=exc.reason, message=exc.message)
    except Exception as exc:  # noqa: BLE001 - one bad file never stops the batch
        log.exception("unexpected error ingesting %s", shown)
        return FileStatus(shown, "failed", reason="internal_error", message=f"{type(exc).__name__}: {exc}")
    sink.extend(chunks)
    notes = []
    if doc.metadata.get("pages_needing_ocr"):
        notes.append(f"page(s) {doc.metadata['pages_needing_ocr']} have no text layer — OCR required")
    if doc.metadata.get("ocr_pages"):
        notes.append(f"page(s) {doc.metadata['ocr_pages']} read by OCR")
    if doc.metadata.get("docx_parts_read"):
        notes.append(f"{doc.metadata['docx_parts_read']} text read and indexed")
    if doc.metadata.get("hidden_text"):
        notes.append("hidden text (not shown to readers) left out")
    if doc.metadata.get("legacy_encoding"):
        notes.append(f"converted from {doc.metadata['legacy_encoding'].upper()} to Unicode")
    if flagged:
        notes.append(f"{flagged} passage(s) contain instructions addressed to an AI; flagged, never used as answers")
    message = "; ".join(notes)
    return FileStatus(shown, "ok", chunks=len(chunks), title=doc.metadata.get("title", ""), message=message)


def _flag_instructions(chunks: list[Chunk]) -> int:
    """Mark chunks holding prompt-injection text (``metadata["flags"]``); returns how many."""
    flagged = 0
    for chunk in chunks:
        if looks_like_instruction(chunk.text):
            chunk.metadata["flags"] = ["instruction_like"]
            flagged += 1
    if flagged:
        log.warning("%d chunk(s) of %s look like instructions to an AI", flagged, chunks[0].metadata.get("source"))
    return flagged
