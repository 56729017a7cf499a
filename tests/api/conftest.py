"""Fixtures of the service tests: the app served over real HTTP on loopback."""
from __future__ import annotations

import pytest

from tests.fakes.openai_server import ServerThread


@pytest.fixture
def serve_app():
    """``serve_app(app) -> base URL``: the ASGI app under uvicorn on a free loopback port,
    stopped at the end of the test."""
    servers: list[ServerThread] = []

    def start(app) -> str:
        server = ServerThread(app).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.port}"

    yield start
    for server in servers:
        server.stop()
