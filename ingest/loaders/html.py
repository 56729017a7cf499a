"""HTML: the article only, portal chrome dropped, by trafilatura."""
from __future__ import annotations

from pathlib import Path

import trafilatura

from ingest.errors import IngestError
from ingest.loaders import Loaded
from ingest.loaders.decode import decode_bytes
from ingest.portal_text import is_chrome_line


def load_html(html: str, url: str | None = None) -> Loaded:
    """Extract the main article of ``html`` with trafilatura (tables kept).

    trafilatura's ``deduplicate`` is left off: its cache is process-wide, so a page
    ingested twice (a re-upload, a second index) would lose its paragraphs.

    Raises:
        IngestError: ``no_text`` when no article text can be found.
    """
    doc = trafilatura.bare_extraction(
        html, url=url, include_tables=True, include_comments=False, favor_precision=True,
        with_metadata=True,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text:
        raise IngestError("no_text", "no article text found in the HTML page")
    metadata = {}
    if getattr(doc, "date", None):
        metadata["date"] = doc.date
    if getattr(doc, "url", None):
        metadata["url"] = doc.url
    if getattr(doc, "author", None):
        metadata["author"] = doc.author
    title = getattr(doc, "title", "") or ""
    paragraphs = [p for p in text.split("\n") if p.strip() and not is_chrome_line(p)]
    if not paragraphs:
        raise IngestError("no_text", "no article text found in the HTML page")
    if title and (not paragraphs or paragraphs[0].strip() != title.strip()):
        paragraphs.insert(0, title)
    return Loaded(paragraphs=paragraphs, title=title, metadata=metadata)


def load(path: Path) -> Loaded:
    """Load a saved ``.html`` page (any declared charset)."""
    return load_html(decode_bytes(path.read_bytes()))
