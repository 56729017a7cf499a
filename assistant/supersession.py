"""What an answer says when its document replaces an older one."""
from __future__ import annotations


def supersession_note(metadata: dict) -> str:
    """"(Văn bản này thay thế …)" when ingestion found that the document replaces another
    (``metadata["replaces"]``: titles, numbers or dates of the older documents, as a list or a
    string); "" otherwise."""
    replaces = metadata.get("replaces")
    if not replaces:
        return ""
    older = replaces if isinstance(replaces, str) else "; ".join(str(r) for r in replaces if r)
    return f"(Văn bản này thay thế {older}.)" if older else ""
