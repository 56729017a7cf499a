"""Dependencies declared once and shared by the routes."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.messages import MessageStore
from api.metrics import Metrics
from assistant.answer import Assistant
from assistant.respond import Responder


def get_responder(request: Request) -> Responder:
    """The responder built at start-up (extractive, or with the configured LLM), on the
    newest index (another worker may have changed it: see :mod:`api.live`)."""
    live = getattr(request.app.state, "live", None)
    if live is not None:
        live.refresh()
    return request.app.state.responder


def get_assistant(request: Request) -> Assistant:
    return get_responder(request).assistant


def get_messages(request: Request) -> MessageStore:
    return request.app.state.messages


def get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics


ResponderDep = Annotated[Responder, Depends(get_responder)]
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
MessagesDep = Annotated[MessageStore, Depends(get_messages)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
