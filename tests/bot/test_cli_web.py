"""`newsbot ingest URL` and `newsbot watch` as a user runs them, against a loopback site."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from tests.bot.test_cli_index import newsbot
from tests.fakes.news_site import (
    NewsSite,
    clear_proxies,
    closed_port_url,
    news_site,
    publish_feed,
)

FERRY = [
    "The island ferry service will double its summer sailings from June, the operator announced on Tuesday.",
    "Two new vessels built in Finland will join the fleet, each carrying 400 passengers.",
]
CHESS = [
    "Nina Park, 16, won the national chess championship in Ridgeton on Sunday without losing a game.",
    "She beat the defending champion in the final round after a five-hour endgame.",
]
DATE = "Mon, 03 Mar 2025 09:10:00 GMT"


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)
    monkeypatch.setenv("NEWSBOT_WEB_DELAY", "0")


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with news_site() as s:
        yield s


def _feed(site: NewsSite, articles: dict[str, tuple[str, list[str]]]) -> str:
    return publish_feed(site, articles, DATE)


def test_ingest_a_feed_and_a_dead_url_lands_the_feed_and_exits_non_zero(site: NewsSite):
    feed = _feed(site, {"/ferry": ("Ferry doubles summer sailings", FERRY)})
    dead = closed_port_url()
    done = newsbot("ingest", "--json", feed, dead)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"skipped {dead}: cannot connect: connection refused"
    ]
    summary = json.loads(done.stdout)
    assert summary["added_sources"] == [site.url("/ferry")]
    assert [s["kind"] for s in summary["sources"]] == ["feed", ""]
    again = newsbot("ingest", feed)
    assert again.returncode == 0, again.stderr
    assert "added 0, updated 0, unchanged 1" in again.stdout
    stats = json.loads(newsbot("stats", "--json").stdout)
    assert stats["documents"] == 1


def test_watch_picks_up_a_new_item_and_stops_on_sigterm(site: NewsSite):
    feed = _feed(site, {"/ferry": ("Ferry doubles summer sailings", FERRY)})
    proc = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "watch", feed, "--every", "1s"],
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()  # type: ignore[union-attr]

    def wait_for(text: str) -> str:
        while True:
            line = lines.get(timeout=120)
            if text in line:
                return line

    try:
        assert "new 1, updated 0, unchanged 0, failed 0" in wait_for("poll 1:")
        _feed(
            site,
            {
                "/ferry": ("Ferry doubles summer sailings", FERRY),
                "/chess": ("Teenager wins chess title", CHESS),
            },
        )
        wait_for("new 1, updated 0, unchanged 1")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        wait_for("watch stopped")
    finally:
        if proc.poll() is None:
            proc.kill()
    stats = json.loads(newsbot("stats", "--json").stdout)
    assert stats["documents"] == 2


def test_bad_durations_and_slack_watch_without_sources_are_one_line_errors():
    done = newsbot("watch", "http://127.0.0.1:9/feed", "--every", "soon")
    assert done.returncode == 2 and "soon" in done.stderr and "Traceback" not in done.stderr
    done = newsbot("slack", "--watch")
    assert done.returncode != 0 and "--watch" in done.stderr and "Traceback" not in done.stderr
