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


@dataclass
class Answer:
    """The assistant's reply.

    ``refused`` is True when the documents do not support an answer; then ``answer``
    says so in Vietnamese and ``citations`` may list the closest passages consulted.
    ``query`` is the standalone query actually used for retrieval.
    """

    answer: str
    citations: list[Citation]
    refused: bool
    query: str = ""
    debug: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("debug", None)
        return data
