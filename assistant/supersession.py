"""What an answer says when its document replaces an older one."""
from __future__ import annotations


def supersession_note(metadata: dict) -> str:
    """"(Văn bản này thay thế …)" when ingestion found that the document replaces another
    (``metadata["replaces"]``, :mod:`ingest.revisions`: one entry per older document, a dict with
    its ``type``, ``so_hieu``, ``date``, ``title`` and the ``text`` naming it, or a plain string);
    "" otherwise."""
    replaces = metadata.get("replaces")
    if not replaces:
        return ""
    entries = [replaces] if isinstance(replaces, (str, dict)) else list(replaces)
    older = "; ".join(n for n in (_name(e) for e in entries) if n)
    return f"(Văn bản này thay thế {older}.)" if older else ""


def _name(entry) -> str:
    if isinstance(entry, str):
        return entry.strip()
    if not isinstance(entry, dict):
        return ""
    kind = str(entry.get("type") or "văn bản").lower()
    parts = [kind + (f" số {entry['so_hieu']}" if entry.get("so_hieu") else "")]
    if entry.get("date"):
        y, m, d = str(entry["date"])[:10].split("-")
        parts.append(f"ban hành ngày {int(d)}/{int(m)}/{y}")
    if entry.get("title") and not entry.get("so_hieu"):
        parts.append(f"“{entry['title']}”")
    return " ".join(parts) if (entry.get("so_hieu") or entry.get("date") or entry.get("title")) \
        else str(entry.get("text") or "").strip()
