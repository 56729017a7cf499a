"""Streaming with an LLM over real HTTP, against the fake OpenAI-compatible server made to
think before its first token: sources at once, heartbeats meanwhile, and a client that
goes away cancels the model's request."""
import json
import time

import httpx
import pytest

from api.app import create_app
from api.config import Settings
from assistant.llm import LLMGenerator, chat_model_from
from assistant.respond import Responder
from tests.fakes.openai_server import FakeOpenAI, quoting

QUESTION = "Nhiệm kỳ của Ban giám sát đầu tư của cộng đồng xã An Bình là bao lâu?"
THINKING_SECONDS = 4.0


@pytest.fixture
def thinking(assistant, tmp_path, serve_app):
    fake = FakeOpenAI(quoting("30 tháng"), first_token_delay=THINKING_SECONDS).start()
    generator = LLMGenerator(chat_model_from(fake.base_url, "fake", "x", timeout=30))
    settings = Settings(environment="test", data_dir=tmp_path, heartbeat_seconds=0.5, rate_limit_burst=100)
    url = serve_app(create_app(settings, responder=Responder(assistant, generator)))
    yield fake, url
    fake.stop()


def test_sources_at_once_then_heartbeats_while_the_model_thinks(thinking):
    fake, url = thinking
    started = time.monotonic()
    lines = []
    with httpx.stream("POST", f"{url}/v1/chat/stream", json={"question": QUESTION}, timeout=30) as res:
        for line in res.iter_lines():
            lines.append((time.monotonic() - started, line))
    events, name = [], None
    for t, line in lines:
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and name:
            events.append((t, name, json.loads(line.split(":", 1)[1])))
    assert events[0][1] == "meta"
    meta = events[0][2]
    assert meta["mode"] == "generating" and meta["query"]
    assert any(s["so_hieu"] == "07/HD-MTTQ-BTT" for s in meta["sources"])
    assert [s["id"] for s in meta["sources"]] == list(range(1, len(meta["sources"]) + 1))
    first_delta = next(t for t, n, _ in events if n == "delta")
    assert first_delta - events[0][0] > THINKING_SECONDS - 1  # the sources came while the model thought
    heartbeats = [t for t, line in lines if line.startswith(":") and events[0][0] < t < first_delta]
    assert len(heartbeats) >= 4  # every 0.5 s (MTTQ_HEARTBEAT_SECONDS) through the silence
    assert [n for _, n, _ in events][-2:] == ["citations", "done"] and events[-1][2]["mode"] == "generated"
    cited = {c["id"] for c in events[-2][2]["citations"]}
    assert cited <= {s["id"] for s in meta["sources"]}  # final citations keep the numbers of the sources


def test_client_going_away_cancels_the_model_request(thinking):
    fake, url = thinking
    with httpx.stream("POST", f"{url}/v1/chat/stream", json={"question": QUESTION}, timeout=30) as res:
        lines = res.iter_lines()  # kept: a dropped line iterator closes the connection
        for line in lines:
            if line == "event: meta":
                break
        deadline = time.monotonic() + THINKING_SECONDS - 1
        while time.monotonic() < deadline and not fake.log:
            time.sleep(0.02)
        assert fake.log and fake.log[0][0] == "request"  # the model is thinking
        # the visitor closes the tab: leaving the block closes the connection
    deadline = time.monotonic() + THINKING_SECONDS + 2
    while time.monotonic() < deadline and not any(k == "disconnected" for k, _ in fake.log):
        time.sleep(0.05)
    kinds = dict(fake.log)
    assert "disconnected" in kinds and "first_token" not in kinds, fake.log
    assert kinds["disconnected"] - kinds["request"] < THINKING_SECONDS - 1


def test_extractive_stream_also_starts_with_its_sources(assistant, tmp_path, serve_app):
    url = serve_app(create_app(Settings(environment="test", data_dir=tmp_path), assistant=assistant))
    with httpx.stream("POST", f"{url}/v1/chat", json={"question": QUESTION, "stream": True}, timeout=30) as res:
        names = [line.split(":", 1)[1].strip() for line in res.iter_lines() if line.startswith("event:")]
    assert names[0] == "meta" and names[1] == "delta" and names[-2:] == ["citations", "done"]
