"""Dependencies declared once and shared by the routes."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.answer import Assistant


def get_assistant(request: Request) -> Assistant:
    """The assistant loaded at start-up (``app.state.assistant``)."""
    return request.app.state.assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]
