"""What servers, browsers and monitors ask besides questions, over real HTTP: HEAD, the
favicon, and /metrics counting requests answered before routing under their route."""
import io

import httpx
import pytest


@pytest.mark.parametrize("path", ["/widget.js", "/favicon.ico", "/healthz", "/demo", "/"])
def test_head_is_answered_like_get_without_a_body(url, path):
    get = httpx.get(url + path)
    head = httpx.head(url + path)
    assert get.status_code == head.status_code == 200
    assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]
    assert int(head.headers["content-length"]) == len(get.content)


def test_favicon_is_an_icon(url):
    from PIL import Image

    res = httpx.get(url + "/favicon.ico")
    assert res.status_code == 200 and res.headers["content-type"] == "image/vnd.microsoft.icon"
    icon = Image.open(io.BytesIO(res.content))
    assert icon.format == "ICO" and {(16, 16), (32, 32)} <= set(icon.info["sizes"])


def test_requests_answered_before_routing_are_counted_under_their_route(url):
    big = b'{"question": "' + b"x" * 70_000 + b'"}'
    assert httpx.post(url + "/v1/chat", content=big, headers={"Content-Type": "application/json"}).status_code == 413
    assert httpx.post(url + "/v1/chat", json={"question": "a"}, headers={"Origin": "https://evil.example"}).status_code == 403
    assert httpx.get(url + "/khong-co-dau").status_code == 404
    text = httpx.get(url + "/metrics").text
    assert 'mttq_requests_total{method="POST",route="/v1/chat",status="413"} 1.0' in text
    assert 'mttq_requests_total{method="POST",route="/v1/chat",status="403"} 1.0' in text
    assert 'mttq_requests_total{method="GET",route="unmatched",status="404"} 1.0' in text
    assert 'route="unmatched",status="413"' not in text
