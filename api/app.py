"""Application factory: settings → components → routes and error handlers."""
from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse

from api.components import open_assistant
from api.config import Settings, get_settings
from api.routes import chat, health, search
from assistant.answer import Assistant

log = logging.getLogger(__name__)

_FIELD_MESSAGES = {
    "question": "Câu hỏi không được để trống và dài tối đa 1000 ký tự.",
    "q": "Câu truy vấn không được để trống và dài tối đa 1000 ký tự.",
    "history": ("Lịch sử hội thoại không hợp lệ: mỗi lượt cần role là \"user\" hoặc \"assistant\" "
                "và content là văn bản; tối đa 20 lượt."),
    "k": "Tham số k phải là số nguyên từ 1 đến 50.",
}


def validation_message(errors: list[dict]) -> str:
    """One Vietnamese sentence per problem in a FastAPI validation error list."""
    messages: list[str] = []
    for error in errors:
        if error.get("type") == "json_invalid":
            text = "Nội dung gửi lên không phải JSON hợp lệ."
        else:
            fields = [str(p) for p in error.get("loc", ())[1:] if isinstance(p, str)]
            field = fields[0] if fields else "body"
            text = _FIELD_MESSAGES.get(field, "Yêu cầu không hợp lệ: cần gửi JSON dạng {\"question\": \"…\"}." if field == "body"
                                       else f"Trường \"{field}\" không hợp lệ.")
        if text not in messages:
            messages.append(text)
    return " ".join(messages)


def create_app(settings: Settings | None = None, *, assistant: Assistant | None = None,
               index_dir: Path | None = None) -> FastAPI:
    """Build the FastAPI app.

    Args:
        settings: configuration (default: read from the environment).
        assistant: a ready assistant (tests); otherwise loaded from ``index_dir`` or
            ``settings.index_dir`` at creation time.
    Raises:
        IndexNotFoundError: when no index exists where it is expected.
    """
    settings = settings or get_settings()
    app = FastAPI(title="Hỏi đáp Mặt trận", version="0.1.0",
                  description="Hỏi đáp có trích dẫn về văn bản, tài liệu của Mặt trận Tổ quốc Việt Nam.")
    app.state.settings = settings
    app.state.assistant = assistant or open_assistant(settings, index_dir)

    app.include_router(chat.router)
    app.include_router(search.router)
    app.include_router(health.router)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        log.info("rejected request: %s", exc.errors())
        return JSONResponse(status_code=422, content={"detail": validation_message(exc.errors())})

    @app.exception_handler(Exception)
    async def _internal_error(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error: %s", exc)
        return JSONResponse(status_code=500, content={"detail": "Đã có lỗi máy chủ. Vui lòng thử lại sau."})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def chat_page() -> str:
        return resources.files("api").joinpath("static/index.html").read_text(encoding="utf-8")

    return app
