"""Feedback storage: every posted answer and every 👍/👎 click, in SQLite under NEWSBOT_HOME."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

Vote = Literal["up", "down"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    answer_id TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    abstained INTEGER NOT NULL DEFAULT 0,
    channel TEXT,
    thread_ts TEXT,
    message_ts TEXT,
    asked_by TEXT,
    time TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL,
    vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
    user TEXT,
    channel TEXT,
    time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS votes_answer ON votes (answer_id);
"""


def default_path(home: Path) -> Path:
    """Where the feedback database lives under the data directory."""
    return home / "feedback.sqlite3"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FeedbackStore:
    """Answers the bot posted and the votes they received; safe to use from several threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # one writer at a time; SQLite would only make others wait
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # A connection per call: sqlite3 connections must not be shared between threads.
        with closing(sqlite3.connect(self.path, timeout=10)) as conn:
            conn.row_factory = sqlite3.Row
            with conn:
                yield conn

    def record_answer(
        self,
        *,
        answer_id: str,
        question: str,
        answer: str,
        abstained: bool = False,
        channel: str | None = None,
        thread_ts: str | None = None,
        message_ts: str | None = None,
        asked_by: str | None = None,
    ) -> None:
        """Store one answer the bot posted."""
        with self._lock, self._connect() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    answer_id,
                    question,
                    answer,
                    int(abstained),
                    channel,
                    thread_ts,
                    message_ts,
                    asked_by,
                    _now(),
                ),
            )

    def record_vote(
        self, *, answer_id: str, vote: Vote, user: str | None, channel: str | None
    ) -> None:
        """Store one 👍/👎 click."""
        if vote not in ("up", "down"):
            raise ValueError(f"vote must be 'up' or 'down', not {vote!r}")
        with self._lock, self._connect() as conn:
            conn.execute(
                "INSERT INTO votes (answer_id, vote, user, channel, time) VALUES (?, ?, ?, ?, ?)",
                (answer_id, vote, user, channel, _now()),
            )

    def export(self) -> list[dict[str, Any]]:
        """Every vote, oldest first, with the question and answer it was about."""
        with self._connect() as conn:
            rows = conn.execute(
                """
                SELECT v.time, v.vote, v.user, v.channel, v.answer_id,
                       a.question, a.answer, a.abstained, a.thread_ts, a.asked_by
                FROM votes v LEFT JOIN answers a ON a.answer_id = v.answer_id
                ORDER BY v.id
                """
            ).fetchall()
        result = [dict(row) for row in rows]
        for row in result:
            row["abstained"] = None if row["abstained"] is None else bool(row["abstained"])
        return result

    def answer_count(self) -> int:
        """How many answers are stored."""
        with self._connect() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
