"""Plain text: decoded, hard-wrapped lines re-joined, saved portal pages cleaned."""
from __future__ import annotations

import re
from pathlib import Path

from ingest.loaders import Loaded
from ingest.loaders.decode import decode_with_encoding
from ingest.portal_text import extract_article, looks_like_portal_page

_SENTENCE_END = re.compile(r"[.!?:;…\"”’)\]]$")


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Re-join lines that a hard wrap split in the middle of a sentence.

    A line is continued when it does not end a sentence and the next line starts
    with a lower-case letter (Vietnamese sentences and list items start upper-case
    or with a marker). Blank lines always end a paragraph.
    """
    out: list[list[str]] = []  # parts of each paragraph, joined once at the end
    continuing = False
    for raw in lines:
        line = raw.strip()
        if not line:
            continuing = False
            continue
        if continuing and out and line[:1].islower():
            out[-1].append(line)
        else:
            out.append([line])
        continuing = not _SENTENCE_END.search(line)
    return [" ".join(parts) for parts in out]


def load_text(text: str) -> Loaded:
    """Turn decoded text into paragraphs (see :func:`load`)."""
    lines = text.splitlines()
    if looks_like_portal_page(lines):
        article = extract_article(lines)
        return Loaded.from_paragraphs(article.paragraphs, title=article.title,
                                      metadata={"extracted_from": "portal_page"})
    return Loaded.from_paragraphs(join_wrapped_lines(lines))


def load(path: Path) -> Loaded:
    """Load a ``.txt`` file (legacy TCVN3/VNI converted). Raises :class:`IngestError`
    for binary or undecodable bytes."""
    text, legacy = decode_with_encoding(path.read_bytes())
    loaded = load_text(text)
    if legacy:
        loaded.metadata["legacy_encoding"] = legacy
    return loaded
