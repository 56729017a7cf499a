"""``POST /v1/chat`` (JSON, or Server-Sent Events with ``"stream": true``) and
``POST /v1/chat/stream`` (always SSE)."""
from __future__ import annotations

import json
import logging
from dataclasses import asdict
from typing import AsyncIterator

from fastapi import APIRouter, Request
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from api.deps import MessagesDep, MetricsDep, ResponderDep
from api.schemas import ChatRequest, ChatResponse
from api.security import RateLimited
from assistant.respond import Delta, Final, Reset, Sources

router = APIRouter(tags=["chat"])
log = logging.getLogger(__name__)

# through nginx and other proxies: no buffering, no caching, no compression of the stream
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def _event(name: str, data: dict) -> ServerSentEvent:
    # one JSON document per event: multi-byte UTF-8 is never split across events
    return ServerSentEvent(event=name, data=json.dumps(data, ensure_ascii=False))


async def stream_events(body: ChatRequest, request: Request) -> AsyncIterator[ServerSentEvent]:
    """``meta`` {mode, sources, query} as soon as retrieval is done, then ``delta`` {text} …,
    (``reset`` {} and new deltas), ``citations`` {citations, refused, status}, ``done`` {message_id, status,
    refused, mode}; or ``error`` {detail} on failure. A client that goes away cancels this
    generator, and with it the request to the LLM."""
    responder = request.app.state.responder
    history = [t.model_dump() for t in body.history]
    try:
        filters = body.filters.model_dump() if body.filters else None
        async for event in responder.astream(body.question, history, filters):
            if isinstance(event, Delta):
                yield _event("delta", {"text": event.text})
            elif isinstance(event, Sources):
                yield _event("meta", {"mode": "generating" if event.generating else "extractive",
                                      "sources": [asdict(c) for c in event.citations], "query": event.query})
            elif isinstance(event, Reset):
                yield _event("reset", {})
            elif isinstance(event, Final):
                answer = event.answer
                request.app.state.metrics.observe_answer(event.mode, answer.refused, event.timings)
                message_id = await run_in_threadpool(request.app.state.messages.record, body.question, answer,
                                                     event.mode)
                yield _event("citations", {"citations": answer.to_dict()["citations"], "refused": answer.refused,
                                           "status": answer.status})
                yield _event("done", {"message_id": message_id, "refused": answer.refused, "status": answer.status,
                                      "mode": event.mode})
    except Exception:  # noqa: BLE001 - the client gets a clean event, the log the details
        log.exception("streaming answer failed")
        yield _event("error", {"detail": "Đã có lỗi khi tạo câu trả lời. Vui lòng thử lại."})


def _sse(body: ChatRequest, request: Request) -> EventSourceResponse:
    return EventSourceResponse(stream_events(body, request), headers=SSE_HEADERS,
                               ping=request.app.state.settings.heartbeat_seconds)


@router.post("/v1/chat", response_model=ChatResponse,
             responses={200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE when stream=true"}})
async def chat(body: ChatRequest, request: Request, responder: ResponderDep, messages: MessagesDep,
               metrics: MetricsDep, _limit: RateLimited):
    """Answer a question from the indexed documents, with ``[n]`` citations; refuses
    (``refused: true``) when they do not contain the answer."""
    if body.stream:
        return _sse(body, request)
    history = [t.model_dump() for t in body.history]
    filters = body.filters.model_dump() if body.filters else None
    final = await run_in_threadpool(responder.respond, body.question, history, filters, body.explain)
    metrics.observe_answer(final.mode, final.answer.refused, final.timings)
    message_id = await run_in_threadpool(messages.record, body.question, final.answer, final.mode)
    debug = final.answer.debug.get("explain") if body.explain else None
    return ChatResponse.model_validate({**final.answer.to_dict(), "message_id": message_id, "mode": final.mode,
                                        "debug": debug})


@router.post("/v1/chat/stream", responses={200: {"content": {"text/event-stream": {}}}})
async def chat_stream(body: ChatRequest, request: Request, _limit: RateLimited) -> EventSourceResponse:
    """The same answer as Server-Sent Events, whatever ``stream`` says."""
    return _sse(body, request)
