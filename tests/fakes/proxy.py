"""The app with a fake model behind a real nginx (Debian package ``nginx-light``) on loopback."""
from __future__ import annotations

import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import httpx
import pytest

from tests.fakes.openai_server import FakeOpenAI, ServerThread, free_port, quoting


def nginx_binary() -> str:
    """The nginx executable, or the test is skipped with the reason."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (Debian package nginx-light); scripts/install.sh --test installs it")
    return nginx


@contextmanager
def app_behind_nginx(assistant, tmp_path: Path, write_conf: Callable[[int, int], Path]) -> Iterator[str]:
    """Serve ``assistant`` with a fake model that quotes slowly (0.15 s a token) behind nginx
    configured by ``write_conf(port, upstream_port) -> conf path``; yields nginx's base URL.

    Raises:
        RuntimeError: nginx did not answer within 10 s (its stderr's end in the message).
    """
    from api.app import create_app
    from api.config import Settings
    from assistant.llm import LLMGenerator, chat_model_from
    from assistant.respond import Responder

    nginx = nginx_binary()
    fake = FakeOpenAI(quoting("30 tháng", "Theo hướng dẫn của xã An Bình,"), delay=0.15).start()
    generator = LLMGenerator(chat_model_from(fake.base_url, "fake", "x", timeout=30))
    app = create_app(Settings(environment="test", data_dir=tmp_path, trust_forwarded_for=True),
                     responder=Responder(assistant, generator))
    upstream = ServerThread(app).start()
    port = free_port()
    conf = write_conf(port, upstream.port)
    proc = subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 10
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if time.time() > deadline or proc.poll() is not None:
                    proc.kill()
                    raise RuntimeError(f"nginx did not start: {proc.stderr.read().decode()[-500:]}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
        upstream.stop()
        fake.stop()
