"""The public page of one cited passage (``/v1/passages/{chunk_id}``): the quoted span
highlighted, the document's public address (never a server path), and text that reads as
instructions to an AI marked as such."""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from ingest.injection import looks_like_instruction
from ingest.types import Chunk

INSTRUCTION_FLAG = "instruction_like"
_GAP = re.compile(r"\s*(?:…|\.\.\.)\s*")
_MIN_PIECE = 8  # shorter pieces of a quote ("và", "[1]") would mark arbitrary words

_STYLE = (
    "body{font:16px/1.6 system-ui,sans-serif;max-width:760px;margin:24px auto;padding:0 16px;color:#1f2328}"
    "th{text-align:left;padding-right:12px;color:#57606a;vertical-align:top}"
    "td{overflow-wrap:anywhere}"
    "article{border-left:4px solid #c8102e;padding-left:16px;margin-top:16px}"
    "mark{background:#fff3b0;color:inherit;padding:0 1px;border-radius:2px}"
    ".flagged{background:#fff1e5;border-left:4px solid #bc4c00;padding:4px 8px;color:#57606a}"
    ".flag{display:block;font-size:13px;font-weight:600;color:#953800}"
    ".notice{background:#fff1e5;border:1px solid #bc4c00;border-radius:6px;padding:8px 12px;font-size:14px}"
    ".hint{color:#57606a;font-size:14px}"
)
FLAG_LABEL = "Câu có dạng mệnh lệnh gửi trợ lý AI: không phải nội dung văn bản, không dùng để trả lời."


def public_url(metadata: dict) -> str | None:
    """The document's public address: ``url`` (from an HTML page's canonical link, or given
    at upload), or a ``source`` that is itself an http(s) address; never a file path."""
    for value in (metadata.get("url"), metadata.get("source")):
        if isinstance(value, str):
            parts = urlsplit(value.strip())
            if parts.scheme in ("http", "https") and parts.netloc:
                return value.strip()
    return None


def quote_spans(text: str, quote: str) -> list[tuple[int, int]]:
    """``(start, end)`` character spans of ``text`` that show ``quote``, merged and sorted.

    A quote may be cut ("…" where the answer left words out, or at the end) and may run
    over line breaks, so each piece between gaps is looked up on its own, first exactly,
    then with any run of white space matching any other; pieces shorter than 8 characters
    are skipped. Nothing found gives ``[]``.
    """
    spans: list[tuple[int, int]] = []
    for piece in _GAP.split(quote.strip()):
        piece = piece.strip().strip("“”\"")
        if len(piece) < _MIN_PIECE:
            continue
        start = text.find(piece)
        if start >= 0:
            spans.append((start, start + len(piece)))
            continue
        pattern = r"\s+".join(re.escape(word) for word in piece.split())
        match = re.search(pattern, text)
        if match:
            spans.append(match.span())
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(line: str, offset: int, spans: list[tuple[int, int]]) -> str:
    """``line`` (starting at ``offset`` of the passage) escaped, with ``<mark>`` on the spans."""
    out, at = [], 0
    for start, end in spans:
        start, end = max(start - offset, 0), min(end - offset, len(line))
        if start >= end or start >= len(line):
            continue
        out += [html.escape(line[at:start]), "<mark>", html.escape(line[start:end]), "</mark>"]
        at = end
    out.append(html.escape(line[at:]))
    return "".join(out)


def flagged_lines(chunk: Chunk) -> list[bool]:
    """For each line of ``chunk.text``, whether it is flagged as instructions to an AI: by
    its block's ``flags``, or, in a chunk flagged as a whole without per-line flags, by the
    ingest rule (:func:`ingest.injection.looks_like_instruction`) applied to the line."""
    lines = chunk.lines()
    by_block = [INSTRUCTION_FLAG in block.flags for _, block in lines]
    if any(by_block) or INSTRUCTION_FLAG not in (chunk.metadata.get("flags") or ()):
        return by_block
    return [looks_like_instruction(text) for text, _ in lines]


def render_passage(chunk: Chunk, quote: str = "") -> str:
    """The HTML page of ``chunk``; ``quote`` (the citation's span) is highlighted. Every
    text is escaped."""
    meta = chunk.metadata
    title = str(meta.get("title") or "Đoạn văn bản")
    url = public_url(meta)
    rows = [("Văn bản", meta.get("title")), ("Số hiệu", meta.get("so_hieu")), ("Ngày", meta.get("date")),
            ("Loại", meta.get("doc_type")), ("Cơ quan ban hành", meta.get("issuer")),
            ("Vị trí", " › ".join(chunk.heading_path[1:]))]
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows if v)
    if url:
        link = html.escape(url, quote=True)
        table += f"<tr><th>Nguồn</th><td><a href=\"{link}\" rel=\"noopener noreferrer\">{html.escape(url)}</a></td></tr>"
    spans = quote_spans(chunk.text, quote) if quote else []
    flags = flagged_lines(chunk)
    paragraphs, offset = [], 0
    for (text, _block), flagged in zip(chunk.lines(), flags):
        body = _marked(text, offset, spans)
        if flagged:
            paragraphs.append(f"<p class=\"flagged\"><span class=\"flag\">⚠ {html.escape(FLAG_LABEL)}</span>{body}</p>")
        else:
            paragraphs.append(f"<p>{body}</p>")
        offset += len(text) + 1
    notice = ""
    if any(flags) or INSTRUCTION_FLAG in (meta.get("flags") or ()):
        notice = ("<p class=\"notice\" role=\"note\">Đoạn này chứa câu có dạng mệnh lệnh gửi trợ lý AI. Trợ lý "
                  "không làm theo và không trích những câu đó để trả lời.</p>")
    hint = ""
    if quote and not spans:
        hint = "<p class=\"hint\">Không tìm thấy nguyên văn câu được trích trong đoạn này.</p>"
    return ("<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body><h1>{html.escape(str(meta.get('title', '')))}</h1><table>{table}</table>{notice}{hint}"
            f"<article>{''.join(paragraphs)}</article></body></html>")
