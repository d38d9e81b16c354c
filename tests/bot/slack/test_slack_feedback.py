"""FeedbackStore: answers and votes in SQLite, exported with their questions."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.slack.feedback import FeedbackStore, default_path


def _store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "home" / "feedback.sqlite3")


def test_votes_export_with_their_question_and_answer(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.record_answer(
        answer_id="a1",
        question="who?",
        answer="Coulter [1]",
        channel="C1",
        thread_ts="1.0",
        message_ts="2.0",
        asked_by="U_ALICE",
    )
    store.record_vote(answer_id="a1", vote="up", user="U_BOB", channel="C1")
    store.record_vote(answer_id="a1", vote="down", user="U_CAROL", channel="C1")
    rows = store.export()
    assert [(r["vote"], r["user"]) for r in rows] == [("up", "U_BOB"), ("down", "U_CAROL")]
    first = rows[0]
    assert first["question"] == "who?" and first["answer"] == "Coulter [1]"
    assert first["channel"] == "C1" and first["thread_ts"] == "1.0" and first["abstained"] is False
    assert first["time"].endswith("+00:00")


def test_votes_survive_a_restart_and_unknown_answers_still_count(tmp_path: Path) -> None:
    _store(tmp_path).record_vote(answer_id="gone", vote="down", user="U1", channel="C1")
    rows = _store(tmp_path).export()
    assert len(rows) == 1 and rows[0]["answer_id"] == "gone" and rows[0]["question"] is None


def test_only_up_or_down(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="up' or 'down"):
        _store(tmp_path).record_vote(answer_id="a", vote="meh", user="U1", channel="C1")  # type: ignore[arg-type]


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path)

    def write(i: int) -> None:
        store.record_answer(answer_id=f"a{i}", question="q", answer="a")
        store.record_vote(answer_id=f"a{i}", vote="up", user=f"U{i}", channel="C1")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert store.answer_count() == 20 and len(store.export()) == 20


def test_default_path_is_under_newsbot_home(tmp_path: Path) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert default_path(settings.home) == tmp_path / "home" / "feedback.sqlite3"
