"""An OpenAI-compatible face: ``POST /v1/chat/completions`` and ``GET /v1/models``.

The official ``openai`` client and LangChain's ``ChatOpenAI`` can use the assistant
as a model. The last user message is the question, earlier turns are the history;
system messages are ignored (the assistant's own rules apply). Citations are kept
twice: as a "Nguồn:" list at the end of the message text, and in an extra
``citations`` field of the response (and of the last stream chunk).
"""
from __future__ import annotations

import json
import time
import uuid
from typing import Any, AsyncIterator, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from api.deps import MessagesDep, MetricsDep, ResponderDep
from api.routes.chat import SSE_HEADERS
from api.schemas import MAX_HISTORY_TURNS, MAX_QUESTION_CHARS
from api.security import RateLimited
from assistant.respond import pieces
from assistant.types import Answer

router = APIRouter(tags=["openai-compatible"])
MODEL_ID = "mttq-assistant"


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """The subset of the OpenAI request that matters here; other fields are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1, max_length=2 * MAX_HISTORY_TURNS + 2)
    stream: bool = False


def _turns(body: ChatCompletionRequest) -> tuple[str, list[dict]]:
    turns = [{"role": m.role, "content": m.text()} for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1]["role"] != "user" or not turns[-1]["content"].strip():
        raise HTTPException(status_code=422, detail="Tin nhắn cuối cùng phải là câu hỏi của người dùng.")
    question = turns[-1]["content"].strip()
    if len(question) > MAX_QUESTION_CHARS:
        raise HTTPException(status_code=422, detail="Câu hỏi không được để trống và dài tối đa 1000 ký tự.")
    return question, turns[:-1][-MAX_HISTORY_TURNS:]


def with_sources(answer: Answer) -> str:
    """The answer text followed by a "Nguồn:" list of its citations."""
    if not answer.citations:
        return answer.answer
    lines = []
    for c in answer.citations:
        meta = ", ".join(x for x in (c.so_hieu, c.date) if x)
        lines.append(f"[{c.id}] {c.title}{f' ({meta})' if meta else ''} — {c.source}")
    return answer.answer + "\n\nNguồn:\n" + "\n".join(lines)


@router.get("/v1/models")
async def list_models() -> dict:
    """The one model this server offers."""
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "mttq"}]}


@router.post("/v1/chat/completions")
async def chat_completions(body: ChatCompletionRequest, request: Request, responder: ResponderDep,
                           messages: MessagesDep, metrics: MetricsDep, _limit: RateLimited):
    """OpenAI chat completions over the MTTQ documents (streaming and not)."""
    question, history = _turns(body)
    final = await run_in_threadpool(responder.respond, question, history)
    metrics.observe_answer(final.mode, final.answer.refused, final.timings)
    message_id = await run_in_threadpool(messages.record, question, final.answer, final.mode)
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    text = with_sources(final.answer)
    extra = {"citations": final.answer.to_dict()["citations"], "refused": final.answer.refused,
             "message_id": message_id}
    if not body.stream:
        return {"id": completion_id, "object": "chat.completion", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}, **extra}

    def chunk(delta: dict, finish: str | None = None, **more: Any) -> ServerSentEvent:
        data = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **more}
        return ServerSentEvent(data=json.dumps(data, ensure_ascii=False))

    async def events() -> AsyncIterator[ServerSentEvent]:
        yield chunk({"role": "assistant", "content": ""})
        for piece in pieces(text):
            yield chunk({"content": piece})
        yield chunk({}, "stop", **extra)
        yield ServerSentEvent(data="[DONE]")

    return EventSourceResponse(events(), headers=SSE_HEADERS, ping=request.app.state.settings.heartbeat_seconds)
