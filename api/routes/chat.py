"""``POST /v1/chat``: a grounded answer with citations."""
from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.deps import AssistantDep
from api.schemas import ChatRequest, ChatResponse

router = APIRouter(tags=["chat"])


@router.post("/v1/chat", response_model=ChatResponse)
async def chat(body: ChatRequest, assistant: AssistantDep) -> ChatResponse:
    """Answer a question from the indexed documents; refuses (``refused: true``) when they
    do not contain the answer."""
    history = [t.model_dump() for t in body.history]
    answer = await run_in_threadpool(assistant.answer, body.question, history)
    return ChatResponse.model_validate(answer.to_dict())
