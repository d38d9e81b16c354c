"""An ingest in another process while this one answers: both succeed (embedded store)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from index.api import NewsIndex
from index.config import IndexConfig
from tests.fakes.articles import BRIDGE, CHESS, many_articles, write_articles


def _ingest(home: Path, folder: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "NEWSBOT_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "ingest", str(folder), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_queries_keep_working_while_another_process_ingests(tmp_path: Path):
    home = tmp_path / "home"
    first = write_articles(tmp_path / "first", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
    done = _ingest(home, first)
    assert done.wait(timeout=300) == 0, done.stderr.read() if done.stderr else ""

    news = NewsIndex(IndexConfig(home=home))  # the bot's long-lived index, as `newsbot slack`
    assert news.search("When will the Harbour bridge reopen?")[0].source == "bridge.txt"

    more = write_articles(tmp_path / "more", many_articles(80))
    writer = _ingest(home, more)
    answered = 0
    while writer.poll() is None or answered == 0:
        hits = news.search("Who won the national chess championship?")
        assert hits and hits[0].source == "chess.txt"
        answered += 1
    _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    assert answered > 1

    # What the other process wrote is visible without restarting this one.
    hits = news.search("How much will the stadium project number 42 cost?")
    assert any(h.source == "story_042.txt" for h in hits)
    assert news.stats()["documents"] == 82
