"""Which documents replace which: stated replacements and dated versions of one title.

A document states what it replaces in its final provisions ("Kế hoạch này thay thế Kế hoạch
số 12/KH-MTTQ ngày 05/3/2026", "Văn bản này thay thế kế hoạch ban hành ngày …", "… thay thế
Kế hoạch về tổ chức Ngày hội …"); :func:`find_replaces` reads these into the ``replaces``
metadata at ingest. :func:`supersessions` then decides, over a whole index, which documents
are superseded and by which newer one, so that retrieval prefers the newer and an answer can
say that it supersedes the older.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Mapping

from ingest.metadata import DOC_TYPES, SO_HIEU, _DATE_NUMERIC, _DATE_WORDS, _iso

_TYPE_NAMES = sorted({name.lower() for name in DOC_TYPES.values()}, key=len, reverse=True)
# "<văn bản | the document's own type> này thay thế (cho) <reference>" up to the sentence's end
_STATEMENT = re.compile(r"\b(văn bản|" + "|".join(re.escape(t) for t in _TYPE_NAMES) + r")\s+này\s+"
                        r"(?:được ban hành để\s+)?thay\s+thế(?:\s+cho)?\s+(?P<ref>[^;]+?)(?:[.;]\s|[.;]?$)",
                        re.IGNORECASE)
_TITLE = re.compile(r"(?:“([^”]{8,200})”|\"([^\"]{8,200})\"|\bvề\s+(?:việc\s+)?(.{8,200}?))"
                    r"(?=\s+(?:ban hành|ngày|số)\b|[,.;]|$)", re.IGNORECASE)
_NUMBER = re.compile(r"\bsố\s+(\d{1,5}/[^\s,;]+)", re.IGNORECASE)
_MIN_TITLE_WORDS = 4  # a title shared by two dated versions; shorter ones ("Kế hoạch") name nothing


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _title_key(title: str) -> str:
    """A title compared with "về (việc)" left out: "Kế hoạch về tổ chức …" = "Kế hoạch tổ chức …"."""
    return " ".join(w for w in _norm(title).split() if w not in ("về", "việc"))


def parse_reference(ref: str) -> dict[str, str]:
    """The parts of a reference to another document: ``type`` ("Kế hoạch"), ``so_hieu``,
    ``date`` (ISO, its issue date) and ``title`` (the words after "về (việc)" or in quotes),
    each when present; ``text`` is the reference as written."""
    out: dict[str, str] = {"text": ref.strip()}
    low = ref.strip().lower()
    kind = next((t for t in _TYPE_NAMES if low.startswith(t)), None)
    if kind:
        out["type"] = next(name for name in DOC_TYPES.values() if name.lower() == kind)
    if m := _NUMBER.search(ref) or SO_HIEU.search(ref):
        out["so_hieu"] = m.group(1).rstrip(".-/")
    for pattern in (_DATE_WORDS, _DATE_NUMERIC):
        if (m := pattern.search(ref)) and (iso := _iso(*m.groups())):
            out["date"] = iso
            break
    if m := _TITLE.search(ref):
        title = next(g for g in m.groups() if g).strip(" ,")
        out["title"] = f"{out['type']} {title}" if kind and not m.group(1) and not m.group(2) else title
    return out


def find_replaces(paragraphs: list[str], doc_type: str | None) -> list[dict[str, str]]:
    """What the document says it replaces: one :func:`parse_reference` dict per statement
    whose subject is "Văn bản này" or the document's own type ("Kế hoạch này" in a Kế
    hoạch); statements about other types are quotations (a compilation citing the laws it
    gathers) and are left out."""
    found: list[dict[str, str]] = []
    own = (doc_type or "").lower()
    for para in paragraphs:
        if "thay thế" not in para.lower():
            continue
        for m in _STATEMENT.finditer(para):
            subject = m.group(1).lower()
            if subject != "văn bản" and not (own and own.startswith(subject)):  # "Nghị quyết này" in a Nghị quyết liên tịch
                continue
            # "… thay thế Nghị quyết số A … và Nghị quyết số B …": one reference each
            pieces = re.split(r"\s+và\s+(?=(?:" + "|".join(re.escape(t) for t in _TYPE_NAMES) + r")\b)",
                              m.group("ref"), flags=re.IGNORECASE)
            for piece in pieces:
                ref = parse_reference(piece)
                if len(ref) > 1:  # it names something beyond its own words
                    found.append(ref)
    return found


def _matches(ref: Mapping[str, Any], meta: Mapping[str, Any]) -> bool:
    if ref.get("so_hieu"):
        return _norm(ref["so_hieu"]) == _norm(str(meta.get("so_hieu") or ""))
    if ref.get("type") and meta.get("doc_type") and ref["type"] != meta.get("doc_type"):
        return False
    if ref.get("date") and ref["date"] == meta.get("date"):
        return True
    title, other = _title_key(ref.get("title", "")), _title_key(str(meta.get("title") or ""))
    return len(title.split()) >= _MIN_TITLE_WORDS and bool(other) and (title in other or other in title)


def supersessions(documents: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Older document id → id of the newer document that supersedes it.

    ``documents`` maps a document id to its metadata (``so_hieu``, ``date``, ``title``,
    ``doc_type``, ``issuer``, ``replaces``). A document is superseded by another that
    (1) has the same số hiệu and a later date; (2) states that it replaces it
    (``replaces``: by số hiệu, by issue date (and type), or by title), unless the stated
    one is dated later; or (3) has the same title (at least four words), type and issuer,
    no other số hiệu, and a later date. When several supersede one document, the newest wins.
    """
    older_to_newer: dict[str, str] = {}

    def supersede(old: str, new: str) -> None:
        if old == new:
            return
        current = older_to_newer.get(old)
        if current is None or str(documents[new].get("date") or "") > str(documents[current].get("date") or ""):
            older_to_newer[old] = new

    by_number: dict[str, list[str]] = {}
    by_title: dict[tuple, list[str]] = {}
    for doc_id, meta in documents.items():
        if meta.get("so_hieu") and meta.get("date"):
            by_number.setdefault(str(meta["so_hieu"]), []).append(doc_id)
        title = _norm(str(meta.get("title") or ""))
        if meta.get("date") and len(title.split()) >= _MIN_TITLE_WORDS:
            by_title.setdefault((title, meta.get("doc_type"), _norm(str(meta.get("issuer") or ""))), []).append(doc_id)
    for ids in by_number.values():
        _newest_supersedes(ids, documents, supersede)
    for ids in by_title.values():
        numbers = {documents[i].get("so_hieu") for i in ids if documents[i].get("so_hieu")}
        if len(numbers) <= 1:  # distinct numbers: distinct documents that share a title, not versions
            _newest_supersedes(ids, documents, supersede)
    for new_id, new in documents.items():
        refs = [r for r in new.get("replaces") or [] if isinstance(r, Mapping)]
        if not refs:
            continue
        new_date = str(new.get("date") or "")
        for old_id, old in documents.items():
            old_date = str(old.get("date") or "")
            if any(_matches(ref, old) for ref in refs) and not (old_date and new_date and old_date > new_date):
                supersede(old_id, new_id)
    return older_to_newer


def _newest_supersedes(ids: list[str], documents: Mapping[str, Mapping[str, Any]], supersede) -> None:
    if len(ids) < 2:
        return
    newest = max(ids, key=lambda i: str(documents[i].get("date")))
    for doc_id in ids:
        if str(documents[doc_id].get("date")) < str(documents[newest].get("date")):
            supersede(doc_id, newest)
