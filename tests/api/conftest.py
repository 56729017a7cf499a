"""Fixtures of the service tests: the app served over real HTTP on loopback."""
from __future__ import annotations

import pytest

from tests.fakes.openai_server import ServerThread

PORTAL = "https://portal.example.gov.vn"


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


@pytest.fixture(scope="module")
def url(assistant, tmp_path_factory):
    """Base URL of the app over the sample index, served by uvicorn for a whole module
    (a module may define its own ``url``):
    environment "test" (the fixed admin key), rate limits out of the way, ``PORTAL`` allowed."""
    from api.app import create_app
    from api.config import Settings

    settings = Settings(environment="test", data_dir=tmp_path_factory.mktemp("data"), rate_limit_burst=10_000,
                        rate_limit_per_minute=10_000, cors_origins=[PORTAL])
    server = ServerThread(create_app(settings, assistant=assistant)).start()
    yield f"http://127.0.0.1:{server.port}"
    server.stop()
