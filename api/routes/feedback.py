"""``POST /v1/feedback`` (public) and ``GET /v1/feedback`` (admin)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from starlette.concurrency import run_in_threadpool

from api.deps import MessagesDep
from api.messages import UnknownMessageError
from api.schemas import FeedbackCreate, FeedbackPublic
from api.security import AdminOnly, RateLimited

router = APIRouter(tags=["feedback"])


@router.post("/v1/feedback", status_code=201)
async def give_feedback(body: FeedbackCreate, messages: MessagesDep, _limit: RateLimited) -> dict:
    """Thumbs up/down, with an optional comment, on an answer (its ``message_id``)."""
    try:
        await run_in_threadpool(messages.add_feedback, body.message_id, body.rating, body.comment)
    except UnknownMessageError:
        raise HTTPException(status_code=404, detail="Không tìm thấy câu trả lời này.") from None
    return {"status": "ok"}


@router.get("/v1/feedback", response_model=list[FeedbackPublic])
async def list_feedback(messages: MessagesDep, _admin: AdminOnly,
                        limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict]:
    """Newest feedback first, with the question and answer it is about (admin key required)."""
    return await run_in_threadpool(messages.list_feedback, limit)
