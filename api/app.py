"""Application factory: settings → components → routes, middleware and error handlers."""
from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException
from starlette.routing import Route

from api.components import open_responder
from api.config import Settings, get_settings
from api.messages import MessageStore
from api.metrics import Metrics
from api.middleware import (BodySizeLimitMiddleware, ErrorMiddleware, OriginPolicyMiddleware,
                            RequestContextMiddleware)
from api.documents import DocumentManager
from api.live import LiveIndex
from api.routes import chat, documents, feedback, health, metrics, openai, search, widget
from api.security import RateLimiter
from api.validation import validation_message
from assistant.answer import Assistant
from assistant.respond import Responder

log = logging.getLogger(__name__)

# the routes any web page may call (no key): the origin rule applies to them
PUBLIC_PATHS = frozenset({"/v1/chat", "/v1/chat/stream", "/v1/search", "/v1/chat/completions", "/v1/feedback"})


def unreadable_body_message(cause: BaseException | None) -> str:
    """Why FastAPI could not read a body (it says only "There was an error parsing the body")."""
    if isinstance(cause, UnicodeDecodeError):
        byte = cause.object[cause.start:cause.start + 1].hex().upper()
        return (f"Nội dung gửi lên không phải văn bản UTF-8 hợp lệ (byte 0x{byte} ở vị trí {cause.start}): "
                "hãy gửi JSON mã hóa UTF-8.")
    return "Không đọc được nội dung gửi lên: cần JSON (UTF-8) hoặc biểu mẫu multipart hợp lệ."


def error_body(request: Request, status: int, detail: object) -> dict:
    """``{"detail": …}``; on the OpenAI-compatible routes also OpenAI's ``error`` object, which
    OpenAI clients show (the ``openai`` library reports nothing but the code without it)."""
    body: dict = {"detail": detail}
    if request.url.path.startswith(("/v1/chat/completions", "/v1/models")):
        kind = "invalid_request_error" if status < 500 else "server_error"
        body["error"] = {"message": str(detail), "type": kind, "param": None, "code": None}
    return body


def open_messages(settings: Settings):
    """Messages, feedback and upload jobs: in PostgreSQL when ``MTTQ_DATABASE_URL`` is set,
    else in SQLite under ``MTTQ_DATA_DIR``."""
    if settings.database_url:
        from api.messages_pg import PgMessageStore

        return PgMessageStore(settings.database_url.get_secret_value())
    return MessageStore(settings.database)


def log_requests() -> None:
    """One JSON line per request on stderr (our access log replaces uvicorn's)."""
    access = logging.getLogger("mttq.access")
    if not access.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
        access.propagate = False


def app_from_env() -> FastAPI:
    """The app of one worker process of ``mttq serve --workers N`` (uvicorn's app factory):
    settings from the environment, the index at their :attr:`~api.config.Settings.index_location`."""
    log_requests()
    return create_app(get_settings())


def create_app(settings: Settings | None = None, *, assistant: Assistant | None = None,
               responder: Responder | None = None, index_dir: Path | str | None = None) -> FastAPI:
    """Build the FastAPI app.

    Args:
        settings: configuration (default: read from the environment).
        assistant / responder: ready components (tests); otherwise the index is opened
            at ``index_dir`` (a directory or a PostgreSQL URL) or the settings'
            :attr:`~api.config.Settings.index_location` (an empty index when there is none
            yet: ``/healthz`` says ``"status": "empty"``), and an LLM is attached when the
            settings name one. Document changes (admin API) are written to that store.
    Raises:
        VectorStoreError: an index that exists cannot be loaded (its model, its files).
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.messages.close()

    # FastAPIOffline: /docs and /redoc load their scripts from this server, not from a CDN
    app = FastAPIOffline(title="Hỏi đáp Mặt trận", version="0.2.0", lifespan=lifespan,
                         description="Hỏi đáp có trích dẫn về văn bản, tài liệu của Mặt trận Tổ quốc Việt Nam.")
    app.state.settings = settings
    if responder is None:
        responder = (Responder(assistant) if assistant is not None
                     else open_responder(settings, index_dir, allow_empty=True))
    app.state.responder = responder
    app.state.live = LiveIndex(responder)
    app.state.messages = open_messages(settings)
    app.state.metrics = Metrics()
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
    app.state.documents = DocumentManager(responder, settings.upload_dir, app.state.messages, app.state.live)

    modules = (chat, search, feedback, openai, health, metrics, widget, documents)
    for module in modules:
        app.include_router(module.router)
    routes: list = []  # flat, filled below once every route exists

    # added innermost first: errors → body limit → CORS → origin rule → request context (outermost)
    app.add_middleware(ErrorMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes,
                       limits={"/v1/documents": settings.max_upload_bytes,
                               "/v1/chat/completions": settings.max_conversation_bytes})
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=False,
                       allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
                       allow_headers=["Content-Type", "Authorization", "X-API-Key", "X-Request-ID"],
                       expose_headers=["Retry-After", "X-Request-ID"], max_age=600)
    app.add_middleware(OriginPolicyMiddleware, allowed=settings.cors_origins, paths=PUBLIC_PATHS)
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics, routes=routes)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        log.info("rejected request: %s", exc.errors())
        return JSONResponse(status_code=422, content=error_body(request, 422, validation_message(exc.errors())))

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail
        if exc.status_code == 400 and detail == "There was an error parsing the body":
            detail = unreadable_body_message(exc.__cause__)
        elif exc.status_code == 404 and detail == "Not Found":
            detail = "Không tìm thấy địa chỉ này."
        elif exc.status_code == 405:
            detail = "Phương thức không được hỗ trợ cho địa chỉ này."
        return JSONResponse(status_code=exc.status_code, content=error_body(request, exc.status_code, detail),
                            headers=exc.headers)

    @app.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse, include_in_schema=False)
    async def chat_page() -> str:
        return resources.files("api").joinpath("static/index.html").read_text(encoding="utf-8")

    # the app's own routes (/, /docs …) and those of the included routers, which FastAPI may nest
    routes.extend([r for r in app.router.routes if isinstance(r, Route)] +
                  [r for module in modules for r in module.router.routes])

    return app
