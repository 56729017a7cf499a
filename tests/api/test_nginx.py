"""Streaming through a real nginx reverse proxy (Debian package) on loopback.

nginx buffers proxied responses by default; the stream must still arrive piece by
piece, which the app's ``X-Accel-Buffering: no`` header makes happen.
"""
import time

import httpx
import pytest

from tests.fakes.proxy import app_behind_nginx

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    gzip on;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_buffering on;
            proxy_buffer_size 64k;
            proxy_buffers 8 64k;
            proxy_busy_buffers_size 128k;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""


@pytest.fixture
def proxied(assistant, tmp_path):
    def write_conf(port: int, upstream: int):
        conf = tmp_path / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp_path, port=port, upstream=upstream))
        return conf

    with app_behind_nginx(assistant, tmp_path, write_conf) as url:
        yield url


def test_stream_arrives_piece_by_piece_through_nginx(proxied):
    question = "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?"
    arrivals: list[tuple[float, str]] = []
    started = time.perf_counter()
    with httpx.stream("POST", f"{proxied}/v1/chat", json={"question": question, "stream": True},
                      headers={"Accept-Encoding": "gzip"}, timeout=60) as res:
        assert res.status_code == 200
        assert res.headers["content-type"].startswith("text/event-stream")
        assert "content-encoding" not in res.headers
        for line in res.iter_lines():
            if line.startswith("event:"):
                arrivals.append((time.perf_counter() - started, line.split(":", 1)[1].strip()))
    names = [name for _, name in arrivals]
    assert names[:2] == ["meta", "delta"] and names[-1] == "done"
    first, last = arrivals[1][0], arrivals[-1][0]
    # about 20 words at 0.15 s: a buffered stream would deliver everything at the end
    assert last - first > 1.5, arrivals
    assert first < last / 2, arrivals
