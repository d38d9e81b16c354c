"""The Slack bot when the store misbehaves, end to end with real parts: a real `chroma run` that
stops and comes back, and an ingest in another process while the bot answers mentions.

Real NewsIndex, real model, real extractive answerer, the real bolt app behind the real HTTP
server; only Slack's Web API is faked (loopback).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.answer.extractive import ExtractiveAnswerer
from index.api import NewsIndex
from index.config import IndexConfig
from tests.fakes.articles import BRIDGE, CHESS, many_articles, write_articles
from tests.fakes.chroma_server import ChromaServer
from tests.fakes.slack_api import BOT_USER_ID
from tests.fakes.slack_events import event_callback, mention_event
from tests.scenarios.conftest import LiveBot

WAIT = 60.0


def _ask(bot: LiveBot, question: str, channel: str) -> dict[str, Any]:
    event = mention_event(f"<@{BOT_USER_ID}> {question}", channel=channel)
    assert bot.sender.event(event_callback(event)).status == 200
    return bot.api.wait_for_post(channel=channel, thread_ts=event["ts"], timeout=WAIT)


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    if shutil.which("chroma") is None:
        pytest.skip("the `chroma` command is not installed")
    server = ChromaServer(tmp_path / "server").start()
    yield server
    server.stop()


def test_a_chroma_server_outage_gets_a_warning_and_the_bot_recovers_by_itself(
    chroma_server: ChromaServer, embedder, start_live_bot, tmp_path: Path
) -> None:
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
    news = NewsIndex(
        IndexConfig(home=tmp_path / "home", chroma_url=chroma_server.url), embedder=embedder
    )
    news.ingest([folder])
    bot = start_live_bot(ExtractiveAnswerer(index=news))

    before = _ask(bot, "when will the Harbour bridge reopen?", "C_UP")
    assert "12 May" in before["text"]

    chroma_server.stop()
    down = _ask(bot, "who won the national chess championship?", "C_DOWN")
    assert down["text"].startswith(":warning:")
    assert "cannot reach the Chroma server" in down["text"] and chroma_server.url in down["text"]
    assert "Traceback" not in down["text"]

    chroma_server.start()  # same port, same data; the bot is not restarted
    back = _ask(bot, "who won the national chess championship?", "C_BACK")
    assert not back["text"].startswith(":warning:")
    assert "Nina Park" in back["text"]


def test_mentions_are_answered_while_another_process_ingests(build_index, start_live_bot) -> None:
    news, _ = build_index({"bridge.txt": BRIDGE, "chess.txt": CHESS})
    bot = start_live_bot(ExtractiveAnswerer(index=news))
    more = write_articles(news.config.home.parent / "more", many_articles(60))
    writer = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "ingest", str(more), "--json"],
        env={**os.environ, "NEWSBOT_HOME": str(news.config.home), "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    answered = during = 0
    while writer.poll() is None or answered == 0:
        post = _ask(bot, "who won the national chess championship?", f"C_DURING{answered}")
        assert not post["text"].startswith(":warning:"), post["text"]
        assert "Nina Park" in post["text"]
        answered += 1
        if writer.poll() is None:  # answered while the other process was still ingesting
            during += 1
    _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    assert during >= 1  # the ingest (imports, model, 60 articles) outlasts the first answers

    # The bot sees what the other process wrote, without a restart (the 60 template articles
    # are near-copies, so any of the stadium reports may be the one cited).
    after = _ask(bot, "How much will the stadium project cost?", "C_AFTER")
    assert not after["text"].startswith(":warning:")
    assert "stadium project number" in after["text"]
    assert "story_0" in str(after["blocks"]), after["text"]
