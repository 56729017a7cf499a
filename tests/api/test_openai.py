"""The OpenAI-compatible endpoint over real HTTP, with the official ``openai`` client:
long conversations (case 25), usage, ``n``."""
import json

import httpx
import pytest

from tests.conftest import shared_path

openai = pytest.importorskip("openai")
QUESTION = "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?"
SYSTEM = {"role": "system", "content": "Bạn là trợ lý hỏi đáp về công tác Mặt trận."}


@pytest.fixture
def api(url):
    return openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)


def test_shared_case_25_long_history_is_trimmed_not_refused(url):
    folder = shared_path("cases", "25-openai-long-history")
    long_chat = json.loads((folder / "long-chat.json").read_text(encoding="utf-8"))
    res = httpx.post(f"{url}/v1/chat/completions", json=long_chat, timeout=60)
    assert res.status_code == 200, res.text
    assert "30 tháng" in res.json()["choices"][0]["message"]["content"]
    system, turns, last = long_chat["messages"][0], long_chat["messages"][1:-1], long_chat["messages"][-1]
    for n_turns in (40, 41, 42, 44):  # 42, 43, 44 and 46 messages: 43 and up were a 422 for good
        body = {"model": "mttq-assistant", "messages": [system] + turns[:n_turns] + [last]}
        assert httpx.post(f"{url}/v1/chat/completions", json=body, timeout=60).status_code == 200


def test_long_conversation_keeps_the_latest_turns(api):
    messages = [SYSTEM]
    for i in range(60):  # 120 earlier messages, about 200 KB: more than the chat body limit of 64 KiB
        messages.append({"role": "user", "content": f"Câu hỏi cũ số {i} về thôn Đông? " + "nội dung dài " * 120})
        messages.append({"role": "assistant", "content": f"Trả lời cũ số {i} [1]. " + "trích dẫn dài " * 120})
    messages.append({"role": "user", "content": "Ban giám sát đầu tư của cộng đồng ở mỗi thôn có bao nhiêu thành viên?"})
    messages.append({"role": "assistant", "content": "Từ 05 đến 09 thành viên [1]."})
    messages.append({"role": "user", "content": "Còn nhiệm kỳ thì sao?"})
    assert len(json.dumps(messages, ensure_ascii=False).encode()) > 150_000
    completion = api.chat.completions.create(model="mttq-assistant", messages=messages)
    # the follow-up is understood only if the latest turns, not the oldest, were kept
    assert "30 tháng" in completion.choices[0].message.content


def test_usage_counted_and_streamed_as_openai_does(api):
    plain = api.chat.completions.create(model="mttq-assistant", messages=[SYSTEM, {"role": "user", "content": QUESTION}])
    assert plain.usage.prompt_tokens > 10 and plain.usage.completion_tokens > 20
    assert plain.usage.total_tokens == plain.usage.prompt_tokens + plain.usage.completion_tokens
    chunks = list(api.chat.completions.create(model="mttq-assistant", stream=True,
                                              stream_options={"include_usage": True},
                                              messages=[SYSTEM, {"role": "user", "content": QUESTION}]))
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    assert (last.usage.prompt_tokens, last.usage.completion_tokens) == (plain.usage.prompt_tokens,
                                                                       plain.usage.completion_tokens)
    assert all(c.usage is None for c in chunks[:-1])
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content
    without = list(api.chat.completions.create(model="mttq-assistant", stream=True,
                                               messages=[{"role": "user", "content": QUESTION}]))
    assert all(c.choices for c in without) and all(c.usage is None for c in without)


def test_several_choices_are_a_clear_400(api, url):
    with pytest.raises(openai.BadRequestError) as error:
        api.chat.completions.create(model="mttq-assistant", n=2, messages=[{"role": "user", "content": QUESTION}])
    assert "n = 1" in str(error.value)
    one = api.chat.completions.create(model="mttq-assistant", n=1, messages=[{"role": "user", "content": QUESTION}])
    assert len(one.choices) == 1
    zero = httpx.post(f"{url}/v1/chat/completions", json={"n": 0, "messages": [{"role": "user", "content": QUESTION}]})
    assert zero.status_code == 422


def test_a_failure_after_the_stream_began_is_an_error_chunk(assistant, tmp_path, serve_app):
    from api.app import create_app
    from api.config import Settings

    app = create_app(Settings(environment="test", data_dir=tmp_path), assistant=assistant)
    url = serve_app(app)
    app.state.messages.close()  # the answer cannot be recorded: a real failure after the first chunk
    api = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
    with pytest.raises(openai.APIError, match="Đã có lỗi khi tạo câu trả lời"):
        list(api.chat.completions.create(model="mttq-assistant", stream=True,
                                         messages=[{"role": "user", "content": QUESTION}]))
    plain = httpx.post(f"{url}/v1/chat/completions", json={"messages": [{"role": "user", "content": QUESTION}]})
    assert plain.status_code == 500 and "lỗi máy chủ" in plain.json()["detail"]
