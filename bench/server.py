"""Start ``mttq serve`` on a free loopback port for a benchmark, and stop it after."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(index: Path, **env: str) -> Iterator[str]:
    """Yield the base URL of a server over ``index`` with limits raised for load
    (rate limit off in effect); extra ``MTTQ_*`` settings come from ``env``."""
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        environ = {**os.environ, "MTTQ_DATA_DIR": data, "MTTQ_RATE_LIMIT_PER_MINUTE": "1000000",
                   "MTTQ_RATE_LIMIT_BURST": "1000000", "MTTQ_ENVIRONMENT": "test", **env}
        proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--index", str(index),
                                 "--host", "127.0.0.1", "--port", str(port)], env=environ,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 120
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError(f"server did not start: {proc.stderr.read().decode()[-800:]}")
            time.sleep(0.3)
        try:
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)
