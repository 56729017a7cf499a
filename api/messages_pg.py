"""Messages, feedback and upload jobs in PostgreSQL (``MTTQ_DATABASE_URL``), beside the index:
every worker, on every machine, reads and writes the same rows."""
from __future__ import annotations

import json
import uuid
from typing import Any

from api.messages import UnknownMessageError
from assistant.types import Answer

_SCHEMA = """
CREATE SCHEMA IF NOT EXISTS mttq;
CREATE TABLE IF NOT EXISTS mttq.messages (
    id text PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), question text NOT NULL,
    answer text NOT NULL, refused boolean NOT NULL, mode text NOT NULL, citations jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS mttq.feedback (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, message_id text NOT NULL REFERENCES mttq.messages(id),
    created_at timestamptz NOT NULL DEFAULT now(), rating text NOT NULL CHECK (rating IN ('up', 'down')), comment text
);
CREATE INDEX IF NOT EXISTS feedback_message ON mttq.feedback (message_id);
CREATE TABLE IF NOT EXISTS mttq.upload_jobs (
    id text PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), data jsonb NOT NULL
);
"""
_SCHEMA_LOCK = 0x6D747472


class PgMessageStore:
    """The :class:`api.messages.MessageStore` interface on PostgreSQL (schema ``mttq``)."""

    def __init__(self, url: str, pool_size: int = 2) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool

        with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))  # workers start together
            conn.execute(_SCHEMA)
        self._pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=True, kwargs={"autocommit": True})

    def record(self, question: str, answer: Answer, mode: str) -> str:
        """Store an answered turn; returns its message id (32 hex characters)."""
        message_id = uuid.uuid4().hex
        citations = [{"id": c.id, "chunk_id": c.chunk_id, "source": c.source} for c in answer.citations]
        with self._pool.connection() as conn:
            conn.execute("INSERT INTO mttq.messages (id, question, answer, refused, mode, citations) "
                         "VALUES (%s, %s, %s, %s, %s, %s)",
                         (message_id, question, answer.answer, answer.refused, mode,
                          json.dumps(citations, ensure_ascii=False)))
        return message_id

    def add_feedback(self, message_id: str, rating: str, comment: str | None) -> None:
        """Store feedback on a message.

        Raises:
            UnknownMessageError: no such message.
        """
        with self._pool.connection() as conn:
            inserted = conn.execute("INSERT INTO mttq.feedback (message_id, rating, comment) "
                                    "SELECT id, %s, %s FROM mttq.messages WHERE id = %s", (rating, comment, message_id))
            if inserted.rowcount == 0:
                raise UnknownMessageError(message_id)

    def list_feedback(self, limit: int = 100) -> list[dict[str, Any]]:
        """Newest feedback first, each with its message's question and answer."""
        keys = ("message_id", "created_at", "rating", "comment", "question", "answer", "refused", "mode")
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT f.message_id, f.created_at, f.rating, f.comment, m.question, m.answer, m.refused::int, m.mode "
                "FROM mttq.feedback f JOIN mttq.messages m ON m.id = f.message_id ORDER BY f.id DESC LIMIT %s",
                (limit,)).fetchall()
        return [dict(zip(keys, (row[0], row[1].isoformat(timespec="seconds"), *row[2:]))) for row in rows]

    def save_job(self, job_id: str, data: dict[str, Any]) -> None:
        with self._pool.connection() as conn:
            conn.execute("INSERT INTO mttq.upload_jobs (id, data) VALUES (%s, %s) "
                         "ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                         (job_id, json.dumps(data, ensure_ascii=False)))

    def job(self, job_id: str) -> dict[str, Any] | None:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT data FROM mttq.upload_jobs WHERE id = %s", (job_id,)).fetchone()
        return None if row is None else row[0]

    def delete_job(self, job_id: str) -> None:
        with self._pool.connection() as conn:
            conn.execute("DELETE FROM mttq.upload_jobs WHERE id = %s", (job_id,))

    def recent_jobs(self, limit: int | None = 100) -> list[dict[str, Any]]:
        """The newest ``limit`` upload jobs (None: all), newest first."""
        with self._pool.connection() as conn:
            return [r[0] for r in conn.execute("SELECT data FROM mttq.upload_jobs ORDER BY created_at DESC LIMIT %s",
                                               (limit,))]

    def close(self) -> None:
        self._pool.close()
