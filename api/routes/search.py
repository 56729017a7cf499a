"""``GET /v1/search``: ranked chunks for a query."""
from __future__ import annotations

from typing import Annotated
from urllib.parse import unquote_to_bytes

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import AfterValidator
from starlette.concurrency import run_in_threadpool

from api.deps import AssistantDep
from api.schemas import IsoDate, SearchHitPublic, SearchResponse
from api.security import RateLimited
from api.validation import readable_text

router = APIRouter(tags=["search"])


def _query(value: str) -> str:
    return readable_text(value, "Câu truy vấn")


def utf8_query_string(request: Request) -> None:
    """400 when a percent-encoded query parameter is not UTF-8 (``?q=%FF%FE``): decoded
    leniently it would become U+FFFD characters and match arbitrary passages."""
    try:
        unquote_to_bytes(request.scope.get("query_string", b"").replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(status_code=400, detail="Tham số truy vấn không phải văn bản UTF-8 hợp lệ "
                                                    f"(byte 0x{exc.object[exc.start]:02X}): hãy mã hóa URL "
                                                    "bằng UTF-8.") from None


@router.get("/v1/search", response_model=SearchResponse)
async def search(assistant: AssistantDep, _limit: RateLimited, _utf8: Annotated[None, Depends(utf8_query_string)],
                 q: Annotated[str, Query(min_length=1, max_length=1000, description="Câu truy vấn"),
                              AfterValidator(_query)],
                 k: Annotated[int, Query(ge=1, le=50)] = 5,
                 doc_type: Annotated[str | None, Query(max_length=60, description="Loại văn bản")] = None,
                 issuer: Annotated[str | None, Query(max_length=200, description="Cơ quan ban hành")] = None,
                 date_from: Annotated[IsoDate | None, Query()] = None,
                 date_to: Annotated[IsoDate | None, Query()] = None) -> SearchResponse:
    """Hybrid search (dense + BM25, fused by rank and score) with the same query handling as chat,
    optionally filtered by document type, issuer and issue date."""
    filters = {"doc_type": doc_type, "issuer": issuer, "date_from": date_from, "date_to": date_to}
    query, hits = await run_in_threadpool(assistant.search, q, None, k, filters)
    return SearchResponse(query=query.standalone, hits=[
        SearchHitPublic(rank=i, chunk_id=h.chunk.id, text=h.passage.text, heading_path=h.chunk.heading_path,
                        metadata=h.chunk.metadata, score=h.score, dense_score=h.dense_score,
                        keyword_score=h.keyword_score)
        for i, h in enumerate(hits, 1)])
