"""Errors people and clients see, over real HTTP: each a precise Vietnamese 4xx."""
import httpx
import pytest


QUESTION = "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?"


@pytest.mark.parametrize("path", ["/v1/chat", "/v1/chat/stream", "/v1/chat/completions", "/v1/feedback"])
def test_invalid_utf8_body_is_named(url, path):
    body = '{"question": "Nhiệm kỳ '.encode() + b"\xff\xfe" + b'", "messages": []}'
    res = httpx.post(url + path, content=body, headers={"Content-Type": "application/json"})
    assert res.status_code == 400
    detail = res.json()["detail"]
    assert "không phải văn bản UTF-8 hợp lệ" in detail and "0xFF" in detail and "parsing" not in detail


@pytest.mark.parametrize("value,sent", [(5, "số"), (1.5, "số"), (["a", "b"], "danh sách"), (None, "null"),
                                        (True, "true/false"), ({"text": "a"}, "đối tượng")])
def test_question_of_the_wrong_type_names_field_and_types(url, value, sent):
    res = httpx.post(url + "/v1/chat", json={"question": value})
    assert res.status_code == 422
    assert res.json()["detail"] == f'Trường "question" phải là văn bản (chuỗi ký tự), không phải {sent}.'


def test_lone_surrogate_escape_is_named(url):
    res = httpx.post(url + "/v1/chat", content=b'{"question": "abc \\ud800 def"}',
                     headers={"Content-Type": "application/json"})
    assert res.status_code == 422 and res.json()["detail"].startswith('Trường "question" chứa ký tự Unicode')


def test_nested_fields_are_named_by_their_path(url):
    res = httpx.post(url + "/v1/chat", json={"question": QUESTION, "history": [{"role": "user", "content": 7}]})
    assert res.status_code == 422
    assert res.json()["detail"] == 'Trường "history[0].content" phải là văn bản (chuỗi ký tự), không phải số.'
    res = httpx.post(url + "/v1/chat", json={"question": QUESTION, "stream": "có"})
    assert res.status_code == 422 and '"stream" phải là true hoặc false' in res.json()["detail"]
    # the rules that were right stay: empty and too long questions, malformed JSON
    assert "không được để trống" in httpx.post(url + "/v1/chat", json={"question": " "}).json()["detail"]
    assert "không được để trống" in httpx.post(url + "/v1/chat", json={}).json()["detail"]


@pytest.mark.parametrize("query,status,message", [
    ("q=%FF%FE", 400, "không phải văn bản UTF-8 hợp lệ (byte 0xFF)"),
    ("q=nh%E1%BB%87m+k%E1%BB", 400, "không phải văn bản UTF-8 hợp lệ"),  # cut inside a character
    ("q=%EF%BF%BD%EF%BF%BD", 422, "ký tự không đọc được"),  # U+FFFD sent as such
    ("q=%01%02", 422, "ký tự không đọc được"),
    ("q=%3F%3F%3F", 422, "cần có chữ hoặc số"),  # "???"
])
def test_undecodable_or_empty_search_queries_are_refused(url, query, status, message):
    res = httpx.get(f"{url}/v1/search?{query}")
    assert res.status_code == status and message in res.json()["detail"], res.text
    assert "hits" not in res.json()


def test_readable_queries_still_search(url):
    res = httpx.get(f"{url}/v1/search?q=nhi%E1%BB%87m+k%E1%BB%B3&k=2")
    assert res.status_code == 200 and res.json()["hits"]
    assert httpx.get(f"{url}/v1/search", params={"q": "NTM?"}).status_code == 200


def test_unreadable_questions_on_chat_and_completions(url):
    res = httpx.post(url + "/v1/chat", json={"question": "Nhiệm kỳ \ufffd\ufffd bao lâu?"})
    assert res.status_code == 422 and "ký tự không đọc được" in res.json()["detail"]
    res = httpx.post(url + "/v1/chat/completions", json={"messages": [{"role": "user", "content": "\ufffd\ufffd"}]})
    assert res.status_code == 422 and "ký tự không đọc được" in res.json()["error"]["message"]
