"""HTML: the article only, portal chrome dropped, by trafilatura."""
from __future__ import annotations

from pathlib import Path

import lxml.etree
import lxml.html
import trafilatura

from ingest.errors import IngestError
from ingest.loaders import Loaded
from ingest.loaders.decode import decode_bytes
from ingest.portal_text import is_chrome_line


_MIN_TEASERS = 6
_MIN_WORDS = 8
_ARTICLE_PARAGRAPH_WORDS = 40


def teaser_count(html: str) -> int:
    """Headings that are links (``<h2><a>…``): a category or list page has one per teaser."""
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return 0
    return len(tree.xpath("//h2[.//a] | //h3[.//a] | //h4[.//a]"))


def load_html(html: str, url: str | None = None) -> Loaded:
    """Extract the main article of ``html`` with trafilatura (tables kept).

    A list or category page (six or more linked headings and no paragraph of 40 words)
    is rejected as ``index_page`` rather than merged into one text of unrelated teasers.

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
    if len(text.split()) < _MIN_WORDS:
        raise IngestError("empty", f"the page has no article text (only {len(text.split())} word(s))")
    longest = max((len(p.split()) for p in text.split("\n")), default=0)
    if longest < _ARTICLE_PARAGRAPH_WORDS and teaser_count(html) >= _MIN_TEASERS:
        raise IngestError("index_page", "a list/category page of links and teasers, no article: not indexed "
                                        "(ingest the articles it links to)")
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
    return Loaded.from_paragraphs(paragraphs, title=title, metadata=metadata)


def load(path: Path) -> Loaded:
    """Load a saved ``.html`` page (any declared charset)."""
    return load_html(decode_bytes(path.read_bytes()))
