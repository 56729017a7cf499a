"""An OpenAI-compatible face: ``POST /v1/chat/completions`` and ``GET /v1/models``.

The official ``openai`` client and LangChain's ``ChatOpenAI`` can use the assistant
as a model. The last user message is the question, earlier turns are the history;
system messages are ignored (the assistant's own rules apply). Chat front-ends send the
whole conversation on every turn, so a long one is trimmed here, never refused: the
latest :data:`MAX_HISTORY_TURNS` turns before the question are kept. Citations are kept
twice: as a "Nguồn:" list at the end of the message text, and in an extra
``citations`` field of the response (and of the last stream chunk).

``usage`` counts tokens with the embedding model's tokenizer (multilingual-e5-small's
SentencePiece by default), not a generator's: prompt tokens are those of the question and
the history turns kept, completion tokens those of the reply text. With
``stream_options: {"include_usage": true}`` a last chunk with empty ``choices`` carries
them, as the OpenAI API sends it. One answer is made per request: ``n`` above 1 is a 400.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any, AsyncIterator, Callable, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from api.deps import MessagesDep, MetricsDep, ResponderDep
from api.routes.chat import SSE_HEADERS
from api.schemas import MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, MAX_TURN_CHARS
from api.security import RateLimited
from api.validation import readable_text
from assistant.respond import pieces
from assistant.types import Answer

router = APIRouter(tags=["openai-compatible"])
log = logging.getLogger(__name__)
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


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """The subset of the OpenAI request that matters here; other fields are accepted and ignored.
    ``messages`` has no length cap: a long conversation is trimmed by :func:`conversation`
    (the body size limit, ``MTTQ_MAX_CONVERSATION_BYTES``, bounds it)."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int | None = Field(None, ge=1)


def conversation(body: ChatCompletionRequest) -> tuple[str, list[dict]]:
    """``(question, history)``: the last user message, and at most :data:`MAX_HISTORY_TURNS`
    user/assistant turns before it (the latest; each cut to :data:`MAX_TURN_CHARS`).

    Raises:
        HTTPException: 422 when the last turn is not a user's question, or the question is
            longer than :data:`MAX_QUESTION_CHARS`; 400 when ``n`` asks for several answers.
    """
    if body.n is not None and body.n > 1:
        raise HTTPException(status_code=400, detail="Chỉ hỗ trợ n = 1: mỗi yêu cầu nhận một câu trả lời "
                                                    "(câu trả lời được trích từ tài liệu, không ngẫu nhiên).")
    turns = [{"role": m.role, "content": m.text()} for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1]["role"] != "user" or not turns[-1]["content"].strip():
        raise HTTPException(status_code=422, detail="Tin nhắn cuối cùng phải là câu hỏi của người dùng.")
    question = turns[-1]["content"].strip()
    if len(question) > MAX_QUESTION_CHARS:
        raise HTTPException(status_code=422, detail="Câu hỏi không được để trống và dài tối đa 1000 ký tự.")
    try:
        readable_text(question)
    except PydanticCustomError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    history = [{"role": t["role"], "content": t["content"][:MAX_TURN_CHARS]}
               for t in turns[:-1][-MAX_HISTORY_TURNS:]]
    return question, history


def usage(count_tokens: Callable[[str], int], question: str, history: list[dict], reply: str) -> dict:
    """OpenAI ``usage`` from the encoder's tokenizer: each text's tokens without the
    special tokens and prefix the encoder adds to any input."""
    overhead = count_tokens("")

    def tokens(text: str) -> int:
        return max(0, count_tokens(text) - overhead) if text else 0

    prompt = tokens(question) + sum(tokens(t["content"]) for t in history)
    completion = tokens(reply)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


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
    question, history = conversation(body)
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    count_tokens = responder.assistant.retriever.embeddings.count_tokens

    async def answer() -> tuple[str, dict, dict]:
        final = await run_in_threadpool(responder.respond, question, history)
        metrics.observe_answer(final.mode, final.answer.refused, final.timings)
        message_id = await run_in_threadpool(messages.record, question, final.answer, final.mode)
        text = with_sources(final.answer)
        extra = {"citations": final.answer.to_dict()["citations"], "refused": final.answer.refused,
                 "message_id": message_id}
        return text, extra, await run_in_threadpool(usage, count_tokens, question, history, text)

    if not body.stream:
        text, extra, counts = await answer()
        return {"id": completion_id, "object": "chat.completion", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "stop"}],
                "usage": counts, **extra}
    include_usage = bool(body.stream_options and body.stream_options.include_usage)

    def chunk(delta: dict | None, finish: str | None = None, **more: Any) -> ServerSentEvent:
        choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
        data = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                "choices": choices, **({"usage": None} if include_usage else {}), **more}
        return ServerSentEvent(data=json.dumps(data, ensure_ascii=False))

    async def events() -> AsyncIterator[ServerSentEvent]:
        # the role chunk goes out at once; heartbeats cover the time the answer takes
        yield chunk({"role": "assistant", "content": ""})
        try:
            text, extra, counts = await answer()
        except Exception:  # noqa: BLE001 - the stream has begun: an error chunk, as the OpenAI API sends it
            log.exception("chat completion failed")
            yield ServerSentEvent(data=json.dumps({"error": {
                "message": "Đã có lỗi khi tạo câu trả lời. Vui lòng thử lại.", "type": "server_error",
                "param": None, "code": None}}, ensure_ascii=False))
            return
        for piece in pieces(text):
            yield chunk({"content": piece})
        yield chunk({}, "stop", **extra)
        if include_usage:
            yield chunk(None, usage=counts)
        yield ServerSentEvent(data="[DONE]")

    return EventSourceResponse(events(), headers=SSE_HEADERS, ping=request.app.state.settings.heartbeat_seconds)
