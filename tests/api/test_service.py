"""Streaming, feedback, the OpenAI-compatible API and the public-endpoint safety net."""
import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.sse import parse_events as _events
from api.config import DEV_ADMIN_KEY, Settings

QUESTION = "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?"
PORTAL = "https://portal.example.gov.vn"


def _settings(tmp_path, **overrides):
    values = dict(environment="test", data_dir=tmp_path, cors_origins=[PORTAL],
                  rate_limit_per_minute=600, rate_limit_burst=100)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def client(assistant, tmp_path):
    return TestClient(create_app(_settings(tmp_path), assistant=assistant))


def test_sse_stream_pieces_then_citations_then_done(client):
    with client.stream("POST", "/v1/chat", json={"question": QUESTION, "stream": True},
                       headers={"Origin": PORTAL}) as res:
        assert res.headers["content-type"].startswith("text/event-stream")
        assert res.headers["cache-control"] == "no-cache" and res.headers["x-accel-buffering"] == "no"
        assert res.headers["access-control-allow-origin"] == PORTAL
        assert "content-encoding" not in res.headers
        events = _events(res)
    names = [n for n, _ in events]
    assert names[:2] == ["meta", "delta"] and names[-2:] == ["citations", "done"]
    assert events[0][1]["mode"] == "extractive" and events[0][1]["sources"][0]["so_hieu"] == "07/HD-MTTQ-BTT"
    text = "".join(d["text"] for n, d in events if n == "delta")
    plain = client.post("/v1/chat", json={"question": QUESTION}).json()
    assert text == plain["answer"]
    citations = events[-2][1]["citations"]
    assert citations[0]["so_hieu"] == "07/HD-MTTQ-BTT"
    assert len(events[-1][1]["message_id"]) == 32


def test_feedback_stored_and_visible_to_admins_only(client):
    message_id = client.post("/v1/chat", json={"question": QUESTION}).json()["message_id"]
    res = client.post("/v1/feedback", json={"message_id": message_id, "rating": "down", "comment": "Thiếu ngày"})
    assert res.status_code == 201
    assert client.post("/v1/feedback", json={"message_id": "0" * 32, "rating": "up"}).status_code == 404
    assert client.post("/v1/feedback", json={"message_id": message_id, "rating": "meh"}).status_code == 422
    assert client.get("/v1/feedback").status_code == 401
    assert client.get("/v1/feedback", headers={"X-API-Key": "wrong"}).status_code == 401
    rows = client.get("/v1/feedback", headers={"Authorization": f"Bearer {DEV_ADMIN_KEY}"}).json()
    assert rows[0]["message_id"] == message_id and rows[0]["rating"] == "down"
    assert rows[0]["comment"] == "Thiếu ngày" and rows[0]["question"] == QUESTION


def test_feedback_survives_a_restart(assistant, tmp_path):
    first = TestClient(create_app(_settings(tmp_path), assistant=assistant))
    message_id = first.post("/v1/chat", json={"question": QUESTION}).json()["message_id"]
    first.post("/v1/feedback", json={"message_id": message_id, "rating": "up"})
    second = TestClient(create_app(_settings(tmp_path), assistant=assistant))
    rows = second.get("/v1/feedback", headers={"X-API-Key": DEV_ADMIN_KEY}).json()
    assert [r["message_id"] for r in rows] == [message_id]


def test_openai_client_normal_and_streaming(client):
    openai = pytest.importorskip("openai")
    api = openai.OpenAI(base_url="http://testserver/v1", api_key="unused", http_client=client)
    assert [m.id for m in api.models.list()] == ["mttq-assistant"]
    completion = api.chat.completions.create(model="mttq-assistant", messages=[
        {"role": "system", "content": "Bạn là trợ lý."}, {"role": "user", "content": QUESTION}])
    text = completion.choices[0].message.content
    assert "30 tháng" in text and "Nguồn:\n[1]" in text and "07/HD-MTTQ-BTT" in text
    assert completion.model_extra["citations"][0]["so_hieu"] == "07/HD-MTTQ-BTT"
    stream = api.chat.completions.create(model="mttq-assistant", stream=True,
                                         messages=[{"role": "user", "content": QUESTION}])
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == text
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_langchain_chat_openai_can_use_the_assistant(client):
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(base_url="http://testserver/v1", api_key="unused", model="mttq-assistant",
                       http_client=client)
    assert "30 tháng" in model.invoke(QUESTION).content


def test_cors_allowlist(client):
    allowed = client.options("/v1/chat", headers={"Origin": PORTAL, "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "content-type"})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == PORTAL
    error = client.post("/v1/chat", json={"question": ""}, headers={"Origin": PORTAL})
    assert error.status_code == 422 and error.headers["access-control-allow-origin"] == PORTAL
    other = client.post("/v1/chat", json={"question": QUESTION}, headers={"Origin": "https://evil.example"})
    assert other.status_code == 403 and "answer" not in other.json()  # the origin rule: tests/api/test_origin.py


def test_cors_denies_by_default(assistant, tmp_path):
    app = create_app(_settings(tmp_path, cors_origins=[]), assistant=assistant)
    res = TestClient(app).post("/v1/chat", json={"question": QUESTION}, headers={"Origin": PORTAL})
    assert res.status_code == 403 and "answer" not in res.json()


def test_rate_limit_429_with_retry_after(assistant, tmp_path):
    app = create_app(_settings(tmp_path, rate_limit_per_minute=2, rate_limit_burst=2), assistant=assistant)
    client = TestClient(app)
    codes = [client.get("/v1/search", params={"q": "nhiệm kỳ"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = client.post("/v1/chat", json={"question": QUESTION}, headers={"Origin": PORTAL})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.headers["access-control-allow-origin"] == PORTAL
    assert "thử lại" in limited.json()["detail"]


def test_body_too_large_is_413(client):
    big = json.dumps({"question": "x", "history": [{"role": "user", "content": "y" * 3000}] * 30})
    res = client.post("/v1/chat", content=big, headers={"Content-Type": "application/json"})
    assert res.status_code == 413 and res.json()["detail"] == "Nội dung gửi lên quá lớn."

    def chunks():
        for _ in range(100):
            yield b"x" * 1024

    streamed = client.post("/v1/chat", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_unknown_route_and_method_in_vietnamese(client):
    assert client.get("/v1/khong-co").json()["detail"] == "Không tìm thấy địa chỉ này."
    assert client.get("/v1/chat").status_code == 405


def test_metrics_and_request_ids(client):
    res = client.post("/v1/chat", json={"question": QUESTION}, headers={"X-Request-ID": "req-12345678"})
    assert res.headers["x-request-id"] == "req-12345678"
    assert len(client.get("/healthz").headers["x-request-id"]) == 32
    client.post("/v1/chat", json={"question": "Giá vé tàu hỏa Hà Nội Sài Gòn là bao nhiêu?"})
    text = client.get("/metrics").text
    assert 'mttq_requests_total{method="POST",route="/v1/chat",status="200"}' in text
    assert "mttq_request_seconds_bucket" in text and "mttq_retrieval_seconds_count" in text
    assert "mttq_refusals_total 1.0" in text
    assert 'mttq_answers_total{mode="extractive"}' in text


def test_production_settings_refuse_unsafe_defaults(tmp_path):
    with pytest.raises(ValueError):
        Settings(environment="production", data_dir=tmp_path)
    with pytest.raises(ValueError):
        Settings(environment="production", admin_api_keys=DEV_ADMIN_KEY)
    with pytest.raises(ValueError):
        Settings(environment="production", admin_api_keys="k" * 24, cors_origins="*")
    ok = Settings(environment="production", admin_api_keys="k" * 24, cors_origins=PORTAL)
    assert ok.cors_origins == [PORTAL]
