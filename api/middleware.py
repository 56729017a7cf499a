"""ASGI middleware: request ids and access logs with metrics, the origin rule of the public
routes, body-size limit, errors as JSON."""
from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Iterable
from urllib.parse import urlsplit

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("mttq.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


async def _send_json(send: Send, status: int, body: dict, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(payload)).encode())] + (headers or [])})
    await send({"type": "http.response.body", "body": payload})


def route_template(routes: Iterable[BaseRoute], scope: Scope) -> str | None:
    """The path template of the route ``scope`` is addressed to (``/v1/passages/{chunk_id}``),
    for a request answered before routing (a 413, a refused origin); a route that matches
    the path but not the method counts too (its 405)."""
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return getattr(route, "path", None)
        if match is Match.PARTIAL and partial is None:
            partial = getattr(route, "path", None)
    return partial


class RequestContextMiddleware:
    """Gives each request an id (``X-Request-ID``, kept when the client sent a sane one),
    logs one JSON line per request and records request metrics."""

    def __init__(self, app: ASGIApp, metrics, routes: Iterable[BaseRoute] = ()) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes  # the app's routes, flat, to name requests answered before routing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            path = getattr(route, "path", None) or route_template(self.routes, scope) or "unmatched"
            self.metrics.requests.labels(route=path, method=scope["method"], status=str(status)).inc()
            self.metrics.latency.labels(route=path).observe(elapsed)
            log.info(json.dumps({"request_id": request_id, "method": scope["method"], "path": scope["path"],
                                 "route": path, "status": status, "duration_ms": round(elapsed * 1000, 1),
                                 "client": (scope.get("client") or ("", 0))[0]}))


ORIGIN_REFUSED = "origin_not_allowed"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalized_origin(value: str) -> str | None:
    """``scheme://host[:port]`` in lower case with the scheme's default port left out, or
    None when ``value`` is not an http(s) origin (``null``, a path, garbage)."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != _DEFAULT_PORTS[parts.scheme] else "")


class OriginPolicyMiddleware:
    """The origin rule of the public routes: a browser request whose ``Origin`` is neither
    in the allowlist (``MTTQ_CORS_ORIGINS``) nor the app's own origin gets 403 with a
    Vietnamese message, whatever the browser would have done with the reply.

    Requests without ``Origin`` (server to server, curl, the CLI) pass: the header is what
    browsers add to cross-origin and POST requests, so its absence means no web page is
    asking. The app's own origin is ``scheme://Host`` of the request itself (behind a proxy,
    uvicorn takes the scheme from ``X-Forwarded-Proto``; the proxy must pass ``Host``), so
    the chat page at ``/`` and the demo at ``/demo`` work without any setting.

    A refused origin's CORS preflight is answered, and so is its 403 (with
    ``Access-Control-Allow-Origin`` on the refusal only), so that the widget on a portal
    that is not enabled can read the reason and say it; nothing else is served to it.
    """

    def __init__(self, app: ASGIApp, allowed: list[str], paths: frozenset[str]) -> None:
        self.app = app
        self.allow_all = "*" in allowed
        self.allowed = {o for o in (normalized_origin(a) for a in allowed if a != "*") if o}
        self.paths = paths

    def allows(self, origin: str, scope: Scope) -> bool:
        """True when a request from ``origin`` may use the public routes."""
        if self.allow_all:
            return True
        normal = normalized_origin(origin)
        if normal is None:
            return False
        if normal in self.allowed:
            return True
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        return bool(host) and normal == normalized_origin(f"{scope.get('scheme', 'http')}://{host}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") not in self.paths:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        origin = headers.get(b"origin")
        if origin is None or self.allows(origin.decode("latin-1"), scope):
            await self.app(scope, receive, send)
            return
        shown = origin.decode("latin-1")[:200]
        logging.getLogger("mttq.origin").info("refused origin %s on %s", shown, scope["path"])
        cors = [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            await send({"type": "http.response.start", "status": 204, "headers": cors + [
                (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                (b"access-control-allow-headers", b"Content-Type, Accept"),
                (b"access-control-max-age", b"600")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await _send_json(send, 403, {"detail": f"Trợ lý hỏi đáp chưa được bật cho trang web {shown}.",
                                     "code": ORIGIN_REFUSED}, cors)


class BodySizeLimitMiddleware:
    """413 for bodies over ``max_bytes``, or over ``limits[prefix]`` for paths under one of
    its prefixes (uploads, whole conversations): at once from ``Content-Length``, or as soon
    as a streamed body passes the limit (memory stays bounded either way)."""

    def __init__(self, app: ASGIApp, max_bytes: int, limits: dict[str, int] | None = None) -> None:
        self.app = app
        self.default_bytes = max_bytes
        self.limits = limits or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = next((n for prefix, n in self.limits.items() if scope["path"].startswith(prefix)),
                     self.default_bytes)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _send_json(send, 413, {"detail": "Nội dung gửi lên quá lớn."})
            return
        received = 0
        too_large = False
        replied = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise _BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            # the framework turns a failed body read into its own 400: answer 413 instead
            nonlocal replied
            if too_large:
                if not replied:
                    replied = True
                    await _send_json(send, 413, {"detail": "Nội dung gửi lên quá lớn."})
                return
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _BodyTooLarge:
            if not replied:
                await _send_json(send, 413, {"detail": "Nội dung gửi lên quá lớn."})


class _BodyTooLarge(Exception):
    pass


class ErrorMiddleware:
    """Turns an unhandled exception into a 500 JSON reply without a stack trace.

    It sits inside the CORS middleware, so allowed origins get CORS headers on errors
    too (Starlette's own handler sits outside every middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:  # noqa: BLE001 - the reason goes to the log, not to the client
            logging.getLogger("mttq.error").exception("unhandled error on %s", scope.get("path"))
            if not started:
                await _send_json(send, 500, {"detail": "Đã có lỗi máy chủ. Vui lòng thử lại sau."})
