"""One process serves Slack and keeps the index fresh: a feed -> ingest -> Slack answer with a
linked URL citation -> a new feed item picked up by the in-process watcher -> answered too."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.answer.extractive import ExtractiveAnswerer
from index.api import IndexConfig, NewsIndex, Watcher
from index.embed import Embedder
from index.web.options import FetchOptions
from tests.fakes.news_site import NewsSite, news_site, publish_feed
from tests.fakes.slack_api import BOT_USER_ID
from tests.fakes.slack_events import event_callback, mention_event
from tests.fakes.store import release_store
from tests.scenarios.conftest import LiveBot

WAIT = 60.0
FERRY = [
    "The island ferry service will double its summer sailings from June, the operator announced on Tuesday.",
    "Two new vessels built in Finland will join the fleet, each carrying 400 passengers.",
]
CHESS = [
    "Nina Park, 16, won the national chess championship in Ridgeton on Sunday without losing a game.",
    "She beat the defending champion in the final round after a five-hour endgame.",
]


@pytest.fixture
def site(scenario_env: None) -> Iterator[NewsSite]:
    with news_site() as s:
        yield s


def _publish(site: NewsSite, articles: dict[str, tuple[str, list[str]]]) -> str:
    return publish_feed(site, articles, "Tue, 01 Apr 2025 10:00:00 GMT")


def _ask(bot: LiveBot, question: str, channel: str) -> dict[str, Any]:
    event = mention_event(f"<@{BOT_USER_ID}> {question}", channel=channel)
    assert bot.sender.event(event_callback(event)).status == 200
    return bot.api.wait_for_post(channel=channel, thread_ts=event["ts"], timeout=WAIT)


def _texts(post: dict[str, Any]) -> str:
    out = [post.get("text") or ""]
    for block in post.get("blocks") or []:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(out)


def test_the_bot_answers_from_a_feed_and_its_watcher_adds_new_items(
    site: NewsSite,
    embedder: Embedder,
    tmp_path: Path,
    start_live_bot: Callable[..., LiveBot],
):
    ferry = {"/ferry": ("Ferry doubles summer sailings", FERRY)}
    feed = _publish(site, ferry)
    config = IndexConfig(home=tmp_path / "web-home", fetch=FetchOptions(host_delay=0.0))
    news = NewsIndex(config, embedder=embedder)
    lines: list[str] = []
    polled = threading.Condition()

    def say(line: str) -> None:
        with polled:
            lines.append(line)
            polled.notify_all()

    watcher = Watcher(news.ingest, [feed], every=0.2, say=say)
    watcher.poll()  # as `newsbot slack --watch` does before connecting
    assert "new 1" in lines[0]
    bot = start_live_bot(ExtractiveAnswerer(index=news))
    stop = threading.Event()
    polling = watcher.start(stop, wait_first=True)
    try:
        answer = _ask(bot, "how many passengers will each new ferry carry?", "C_WEB")
        text = _texts(answer)
        assert "400 passengers" in text
        assert f"<{site.url('/ferry')}|Ferry doubles summer sailings>" in text  # a linked title

        _publish(site, {**ferry, "/chess": ("Teenager wins chess title", CHESS)})
        with polled:
            assert polled.wait_for(
                lambda: any("new 1, updated 0, unchanged 1" in x for x in lines), WAIT
            )
        answer = _ask(bot, "who won the national chess championship?", "C_WEB2")
        text = _texts(answer)
        assert "Nina Park" in text and site.url("/chess") in text
    finally:
        stop.set()
        polling.join(timeout=WAIT)  # a poll under way finishes before the store goes
        bot.stop()
        release_store(config.home)
