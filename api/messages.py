"""Answered messages, their feedback and upload jobs, stored durably: SQLite by default
(one file shared by the worker processes), PostgreSQL when ``MTTQ_DATABASE_URL`` is set
(:mod:`api.messages_pg`)."""
from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from assistant.types import Answer

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,
    refused INTEGER NOT NULL, mode TEXT NOT NULL, citations TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL REFERENCES messages(id),
    created_at TEXT NOT NULL, rating TEXT NOT NULL CHECK (rating IN ('up', 'down')), comment TEXT
);
CREATE INDEX IF NOT EXISTS feedback_message ON feedback(message_id);
CREATE TABLE IF NOT EXISTS upload_jobs (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, data TEXT NOT NULL
);
"""


class UnknownMessageError(KeyError):
    """Feedback names a message id that was never answered here."""


class MessageStore:
    """SQLite store (WAL mode) shared by the request threads.

    Args:
        path: database file; its folder is created.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def record(self, question: str, answer: Answer, mode: str) -> str:
        """Store an answered turn; returns its message id (32 hex characters)."""
        message_id = uuid.uuid4().hex
        citations = json.dumps([{"id": c.id, "chunk_id": c.chunk_id, "source": c.source} for c in answer.citations],
                               ensure_ascii=False)
        with self._lock, self._db:
            self._db.execute("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (message_id, _now(), question, answer.answer, int(answer.refused), mode, citations))
        return message_id

    def add_feedback(self, message_id: str, rating: str, comment: str | None) -> None:
        """Store feedback on a message.

        Raises:
            UnknownMessageError: no such message.
        """
        with self._lock, self._db:
            if self._db.execute("SELECT 1 FROM messages WHERE id = ?", (message_id,)).fetchone() is None:
                raise UnknownMessageError(message_id)
            self._db.execute("INSERT INTO feedback (message_id, created_at, rating, comment) VALUES (?, ?, ?, ?)",
                             (message_id, _now(), rating, comment))

    def list_feedback(self, limit: int = 100) -> list[dict[str, Any]]:
        """Newest feedback first, each with its message's question and answer."""
        with self._lock:
            rows = self._db.execute(
                "SELECT f.message_id, f.created_at, f.rating, f.comment, m.question, m.answer, m.refused, m.mode "
                "FROM feedback f JOIN messages m ON m.id = f.message_id ORDER BY f.id DESC LIMIT ?", (limit,))
            keys = ("message_id", "created_at", "rating", "comment", "question", "answer", "refused", "mode")
            return [dict(zip(keys, row)) for row in rows.fetchall()]

    def save_job(self, job_id: str, data: dict[str, Any]) -> None:
        """Store an upload job's state (every worker reads it: any may be asked about it)."""
        with self._lock, self._db:
            self._db.execute("INSERT INTO upload_jobs VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data",
                             (job_id, data.get("created_at") or _now(), json.dumps(data, ensure_ascii=False)))

    def job(self, job_id: str) -> dict[str, Any] | None:
        """An upload job's state, or None."""
        with self._lock:
            row = self._db.execute("SELECT data FROM upload_jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else json.loads(row[0])

    def delete_job(self, job_id: str) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM upload_jobs WHERE id = ?", (job_id,))

    def recent_jobs(self, limit: int | None = 100) -> list[dict[str, Any]]:
        """The newest ``limit`` upload jobs (None: all), newest first."""
        with self._lock:
            rows = self._db.execute("SELECT data FROM upload_jobs ORDER BY created_at DESC, rowid DESC LIMIT ?",
                                    (-1 if limit is None else limit,))
            return [json.loads(r[0]) for r in rows.fetchall()]

    def close(self) -> None:
        self._db.close()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
