"""Request and response models of the HTTP API, one per use."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from api.validation import readable_text

MAX_QUESTION_CHARS = 1000
MAX_HISTORY_TURNS = 20
MAX_TURN_CHARS = 4000
Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUESTION_CHARS),
                     AfterValidator(readable_text)]


def _calendar_date(value: str | None) -> str | None:
    """An ISO date that exists ("2025-13-01" does not); raises ValueError otherwise."""
    if value is not None:
        date.fromisoformat(value)
    return value


IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"), AfterValidator(_calendar_date)]


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)


class SearchFilters(BaseModel):
    """Restrict retrieval by document metadata."""

    doc_type: str | None = Field(None, max_length=60, description="Loại văn bản, e.g. Kế hoạch, Nghị quyết, Luật")
    issuer: str | None = Field(None, max_length=200, description="Cơ quan ban hành (its words, in any order; "
                                                                  "accents and case ignored)")
    date_from: IsoDate | None = Field(None, description="Ngày ban hành from (ISO, inclusive)")
    date_to: IsoDate | None = Field(None, description="Ngày ban hành to (ISO, inclusive)")


class ChatRequest(BaseModel):
    """``POST /v1/chat`` body."""

    question: Question = Field(description="Câu hỏi của người dùng (1–1000 ký tự)")
    history: list[Turn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS,
                                description="Earlier turns, oldest first (at most 20)")
    stream: bool = Field(False, description="Answer as Server-Sent Events (delta…, citations, done)")
    filters: SearchFilters | None = None
    explain: bool = Field(False, description="Add `debug`: how the question was read, every answer unit "
                                             "considered with each check's verdict, and why the answer is "
                                             "answered, partial or refused")


class CitationPublic(BaseModel):
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
    heading_path: list[str] = Field(default_factory=list)
    url: str | None = Field(None, description="The document's public address, when known")


class ChatResponse(BaseModel):
    """``POST /v1/chat`` reply; ``mttq ask --json`` prints the same shape."""

    answer: str
    citations: list[CitationPublic]
    refused: bool = Field(description="True when nothing relevant was found (status refused)")
    status: Literal["answered", "partial", "refused"] = Field(
        "answered", description="answered; partial: the documents do not state the asked fact, the answer "
                                "says so and quotes what they do state; refused: nothing relevant found")
    query: str = Field("", description="Standalone query used for retrieval")
    message_id: str | None = Field(None, description="Id to send feedback about this answer")
    mode: str | None = Field(None, description="extractive, partial, generated, refused or fallback:<reason>")
    debug: dict | None = Field(None, description="With explain: the question frame, the units judged with "
                                                 "their verdicts, the decision")


class SearchHitPublic(BaseModel):
    rank: int
    chunk_id: str
    text: str
    heading_path: list[str]
    metadata: dict
    score: float
    dense_score: float
    keyword_score: float


class SearchResponse(BaseModel):
    query: str
    hits: list[SearchHitPublic]


class HealthResponse(BaseModel):
    status: Literal["ok", "empty"] = Field(description="empty: the index has no passage yet")
    chunks: int
    documents: int
    embedding_model: str
    index_created_at: str | None = None


class FeedbackCreate(BaseModel):
    """``POST /v1/feedback`` body."""

    message_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    rating: Literal["up", "down"]
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None


class FeedbackPublic(BaseModel):
    message_id: str
    created_at: str
    rating: str
    comment: str | None
    question: str
    answer: str
    refused: bool
    mode: str
