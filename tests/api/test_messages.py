"""Messages, feedback and upload jobs: the same behaviour in SQLite and in PostgreSQL."""
from __future__ import annotations

import pytest

from api.messages import MessageStore, UnknownMessageError
from assistant.types import Answer, Citation


@pytest.fixture(params=["sqlite", "postgresql"])
def messages(request, tmp_path):
    if request.param == "sqlite":
        store = MessageStore(tmp_path / "mttq.sqlite")
    else:
        from api.messages_pg import PgMessageStore

        store = PgMessageStore(request.getfixturevalue("pg_url"))
    yield store
    store.close()


def _answer() -> Answer:
    citation = Citation(id=1, chunk_id="a:0", title="Hướng dẫn", source="hd.pdf", quote="30 tháng", score=0.9)
    return Answer(answer="Nhiệm kỳ là 30 tháng. [1]", citations=[citation], refused=False, query="nhiệm kỳ")


def test_feedback_is_kept_with_its_message(messages):
    message_id = messages.record("Nhiệm kỳ bao lâu?", _answer(), "extractive")
    messages.add_feedback(message_id, "up", "Rõ ràng")
    messages.add_feedback(message_id, "down", None)
    rows = messages.list_feedback()
    assert [r["rating"] for r in rows] == ["down", "up"]  # newest first
    assert rows[1]["comment"] == "Rõ ràng" and rows[1]["question"] == "Nhiệm kỳ bao lâu?"
    assert rows[0]["refused"] == 0 and rows[0]["mode"] == "extractive" and rows[0]["created_at"]
    with pytest.raises(UnknownMessageError):
        messages.add_feedback("0" * 32, "up", None)
    assert len(messages.list_feedback(limit=1)) == 1


def test_upload_jobs_are_shared(messages):
    messages.save_job("j1", {"id": "j1", "status": "queued", "created_at": "2026-01-01T00:00:00+00:00"})
    messages.save_job("j1", {"id": "j1", "status": "ok", "created_at": "2026-01-01T00:00:00+00:00"})
    messages.save_job("j2", {"id": "j2", "status": "failed", "created_at": "2026-01-02T00:00:00+00:00"})
    assert messages.job("j1")["status"] == "ok" and messages.job("nope") is None
    assert [j["id"] for j in messages.recent_jobs()] == ["j2", "j1"]
    messages.delete_job("j2")
    assert messages.job("j2") is None
