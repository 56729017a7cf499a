"""The origin rule of the public routes and the admin key, over real HTTP (uvicorn on loopback)."""
import httpx
import pytest

from api.app import create_app
from api.config import DEV_ADMIN_KEY, Settings

QUESTION = "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?"
PORTAL = "https://portal.example.gov.vn"
EVIL = "https://evil.example"
PUBLIC = [("POST", "/v1/chat", {"question": QUESTION}),
          ("POST", "/v1/chat/stream", {"question": QUESTION}),
          ("GET", "/v1/search?q=nhi%E1%BB%87m%20k%E1%BB%B3", None),
          ("POST", "/v1/chat/completions", {"messages": [{"role": "user", "content": QUESTION}]}),
          ("POST", "/v1/feedback", {"message_id": "0" * 32, "rating": "up"})]


def _settings(tmp_path, **overrides):
    values = dict(environment="test", data_dir=tmp_path, cors_origins=[PORTAL], rate_limit_burst=1000)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(params=["test", "production"])
def url(request, assistant, tmp_path, serve_app):
    keys = {"admin_api_keys": "k" * 24} if request.param == "production" else {}
    return serve_app(create_app(_settings(tmp_path, environment=request.param, **keys), assistant=assistant))


@pytest.mark.parametrize("method,path,body", PUBLIC)
def test_foreign_origin_is_refused_server_side(url, method, path, body):
    res = httpx.request(method, url + path, json=body, headers={"Origin": EVIL}, timeout=60)
    assert res.status_code == 403
    detail = res.json()["detail"]
    assert "chưa được bật" in detail and EVIL in detail and "30 tháng" not in res.text
    # readable by the refused page (so the widget can say why), and by nobody else
    assert res.headers["access-control-allow-origin"] == EVIL and res.headers["vary"] == "Origin"


@pytest.mark.parametrize("method,path,body", PUBLIC)
def test_allowed_origin_and_no_origin_pass(url, method, path, body):
    for headers in ({"Origin": PORTAL}, {}):
        res = httpx.request(method, url + path, json=body, headers=headers, timeout=60)
        assert res.status_code in (200, 404), (headers, res.text)  # 404: the feedback's unknown message
    assert res.headers.get("access-control-allow-origin") is None
    allowed = httpx.post(url + "/v1/chat", json={"question": QUESTION}, headers={"Origin": PORTAL}, timeout=60)
    assert allowed.headers["access-control-allow-origin"] == PORTAL and "30 tháng" in allowed.json()["answer"]


def test_the_apps_own_pages_are_same_origin(url):
    # the chat page (/) and the demo (/demo) call the API from the app's own origin
    own = httpx.post(url + "/v1/chat", json={"question": QUESTION}, headers={"Origin": url}, timeout=60)
    assert own.status_code == 200 and "30 tháng" in own.json()["answer"]
    host = url.removeprefix("http://")
    assert httpx.post(url + "/v1/chat", json={"question": QUESTION}, timeout=60,
                      headers={"Origin": f"HTTP://{host.upper()}"}).status_code == 200
    # another port or scheme of the same host is another origin
    port = int(host.rsplit(":", 1)[1])
    for other in (f"http://127.0.0.1:{port + 1}", f"https://{host}", "null", "file://", "garbage"):
        res = httpx.post(url + "/v1/chat", json={"question": QUESTION}, headers={"Origin": other}, timeout=60)
        assert res.status_code == 403, other


def test_a_proxy_passing_host_and_scheme_keeps_the_page_same_origin(url):
    # nginx: proxy_set_header Host $host; proxy_set_header X-Forwarded-Proto $scheme (uvicorn trusts 127.0.0.1)
    res = httpx.post(url + "/v1/chat", json={"question": QUESTION}, timeout=60,
                     headers={"Origin": "https://hoidap.example.gov.vn", "Host": "hoidap.example.gov.vn",
                              "X-Forwarded-Proto": "https"})
    assert res.status_code == 200


def test_preflight_of_a_refused_origin_then_403(url):
    pre = httpx.options(url + "/v1/chat", headers={"Origin": EVIL, "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 204 and pre.headers["access-control-allow-origin"] == EVIL
    ok = httpx.options(url + "/v1/chat", headers={"Origin": PORTAL, "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "content-type"})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == PORTAL


def test_other_routes_are_not_subject_to_the_rule(url):
    for path in ("/widget.js", "/healthz", "/demo"):
        assert httpx.get(url + path, headers={"Origin": EVIL}).status_code == 200


def test_an_allowed_origin_copied_with_a_slash_still_matches(assistant, tmp_path, serve_app):
    url = serve_app(create_app(_settings(tmp_path, cors_origins=PORTAL + "/"), assistant=assistant))
    res = httpx.post(url + "/v1/chat", json={"question": QUESTION}, headers={"Origin": PORTAL}, timeout=60)
    assert res.status_code == 200 and res.headers["access-control-allow-origin"] == PORTAL


def test_star_allows_every_origin(assistant, tmp_path, serve_app):
    url = serve_app(create_app(_settings(tmp_path, cors_origins="*"), assistant=assistant))
    res = httpx.post(url + "/v1/chat", json={"question": QUESTION}, headers={"Origin": EVIL}, timeout=60)
    assert res.status_code == 200


def test_fixed_admin_key_only_in_tests(assistant, tmp_path, serve_app):
    with pytest.raises(ValueError, match="MTTQ_ENVIRONMENT=test"):
        Settings(environment="development", admin_api_keys=DEV_ADMIN_KEY)
    assert Settings(environment="test").admin_api_keys[0].get_secret_value() == DEV_ADMIN_KEY
    development = Settings(environment="development", data_dir=tmp_path)
    assert development.admin_api_keys == []
    url = serve_app(create_app(development, assistant=assistant))
    closed = httpx.get(url + "/v1/documents", headers={"X-API-Key": DEV_ADMIN_KEY})
    assert closed.status_code == 401 and "MTTQ_ADMIN_API_KEYS" in closed.json()["detail"]
