"""Admin API keys and per-client rate limiting."""
from __future__ import annotations

import hmac
import math
import threading
import time
from collections import OrderedDict
from typing import Annotated

from fastapi import Depends, HTTPException, Request


def client_id(request: Request) -> str:
    """The client's address; the first ``X-Forwarded-For`` hop when the settings trust
    the proxy in front of the app."""
    if request.app.state.settings.trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


class RateLimiter:
    """Token bucket per client (Turner, "The token bucket algorithm", 1986 form):
    ``burst`` tokens, refilled at ``per_minute``/60 per second.

    Memory is bounded: at most ``max_clients`` buckets, least recently used dropped.
    """

    def __init__(self, per_minute: int, burst: int, max_clients: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, key: str, now: float | None = None) -> float:
        """Take one token for ``key``; returns 0 when allowed, else seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return wait


def rate_limited(request: Request) -> None:
    """Dependency: 429 with ``Retry-After`` (whole seconds) when the client is over its limit."""
    wait = request.app.state.rate_limiter.check(client_id(request))
    if wait > 0:
        raise HTTPException(status_code=429, headers={"Retry-After": str(math.ceil(wait))},
                            detail="Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.")


def require_admin(request: Request) -> None:
    """Dependency: the request must carry an admin key (``X-API-Key`` or
    ``Authorization: Bearer``); 401 otherwise, and always when no key is configured."""
    supplied = request.headers.get("x-api-key") or ""
    auth = request.headers.get("authorization", "")
    if not supplied and auth.lower().startswith("bearer "):
        supplied = auth[7:].strip()
    keys = [k.get_secret_value() for k in request.app.state.settings.admin_api_keys]
    if not keys:
        raise HTTPException(status_code=401, detail="Chưa cấu hình khóa API quản trị (MTTQ_ADMIN_API_KEYS): "
                                                    "chức năng quản trị đang đóng.",
                            headers={"WWW-Authenticate": "Bearer"})
    if not supplied or not any(hmac.compare_digest(supplied.encode(), k.encode()) for k in keys):
        raise HTTPException(status_code=401, detail="Cần khóa API quản trị hợp lệ.",
                            headers={"WWW-Authenticate": "Bearer"})


RateLimited = Annotated[None, Depends(rate_limited)]
AdminOnly = Annotated[None, Depends(require_admin)]
