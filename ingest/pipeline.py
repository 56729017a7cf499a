"""Walk paths, load each file, normalise, add metadata, chunk; never abort a batch."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ingest.chunking import TokenCounter, approx_token_count, chunk_document, document_id
from ingest.errors import IngestError
from ingest.injection import looks_like_instruction
from ingest.loaders import SUPPORTED_SUFFIXES, Loaded, load_file
from ingest.metadata import extract_metadata
from ingest.normalize import normalize_text
from ingest.types import Chunk, Document, FileStatus

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


def _fallback_title(loaded: Loaded, paragraphs: list[str], path: Path) -> str:
    """The format's own title, else the first short line that is not part of the
    official header block (issuer | national motto, "Số: …"), else the file name."""
    if loaded.title:
        return loaded.title
    for para in paragraphs[:8]:
        if len(para) <= 200 and not _HEADER_BLOCK.search(para) and len(paragraphs) > 1:
            return para
    return path.stem.replace("_", " ")


def build_document(path: Path, fmt: str, loaded: Loaded, source: str | None = None) -> Document:
    """Normalise what a loader returned and attach metadata.

    Raises:
        IngestError: ``no_text`` when nothing readable is left after normalisation.
    """
    kept: list[str] = []
    headings: dict[int, int] = {}
    for i, para in enumerate(loaded.paragraphs):
        clean = normalize_text(para).replace("\n", " ")
        if clean:
            if i in loaded.headings:
                headings[len(kept)] = loaded.headings[i]
            kept.append(clean)
    if not kept:
        raise IngestError("empty", "no readable text (empty or only whitespace)")
    declared_title = normalize_text(loaded.title).replace("\n", " ")
    found = extract_metadata(kept, declared_title)
    shown = source or display_path(path)
    metadata: dict = {"source": shown, "format": fmt, "file_name": shown.rsplit("/", 1)[-1]}
    metadata.update({k: v for k, v in loaded.metadata.items() if isinstance(v, (str, int, float))})
    metadata.update(found)
    if declared_title:
        metadata["title"] = declared_title
    metadata.setdefault("title", _fallback_title(loaded, kept, path))
    if "doc_type" not in metadata:
        metadata["doc_type"] = "Bài viết" if fmt in ("html", "txt") else "Tài liệu"
    return Document(text="\n".join(kept), metadata=metadata, headings=headings)


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
                 skip: Callable[[Path], FileStatus | None] | None = None) -> IngestResult:
    """Load and chunk every supported file under ``paths``.

    Each file gets a :class:`FileStatus`; a failing file is recorded and the batch
    goes on. ``on_file`` is called after each file (for progress bars). ``skip(path)``
    may return a status instead of ingesting the file (e.g. unchanged since last time).
    """
    result = IngestResult()
    for path in iter_files(paths):
        status = skip(path) if skip else None
        if status is None:
            status = ingest_one(path, result.chunks, count_tokens=count_tokens, max_tokens=max_tokens)
        result.statuses.append(status)
        if on_file:
            on_file(status)
    return result


def ingest_one(path: Path, sink: list[Chunk], *, count_tokens: TokenCounter = approx_token_count,
               max_tokens: int = 480) -> FileStatus:
    """Ingest one file, appending its chunks to ``sink``; returns its status."""
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
