"""What the assistant returns: an answer with numbered citations."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Citation:
    """One cited passage. ``id`` is the number used as ``[id]`` in the answer text.

    ``quote`` is the exact span of the passage the answer used; ``score`` the
    retrieval score of the passage (RRF, higher is better).
    """

    id: int
    chunk_id: str
    title: str
    source: str
    quote: str
    score: float
    so_hieu: str | None = None
    date: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    heading_path: list[str] = field(default_factory=list)
    url: str | None = None


@dataclass
class Answer:
    """The assistant's reply.

    ``status`` is ``answered``, ``partial`` (the documents do not state the asked fact: the
    answer says so and quotes what they do state) or ``refused`` (nothing relevant found; the
    answer says so in Vietnamese). ``refused`` is True for ``refused`` only, kept for clients
    that read it. ``query`` is the standalone query actually used for retrieval; ``debug``
    holds timings and, with explain, every check's verdict (not serialised by :meth:`to_dict`).
    """

    answer: str
    citations: list[Citation]
    refused: bool
    query: str = ""
    debug: dict[str, Any] = field(default_factory=dict)
    status: str = ""

    def __post_init__(self) -> None:
        if not self.status:
            self.status = "refused" if self.refused else "answered"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("debug", None)
        return data
