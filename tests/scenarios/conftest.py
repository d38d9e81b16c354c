"""Fixtures for end-to-end scenarios: a real index, the real bot in HTTP mode, a fake Web API.

The expensive parts (an ingested index, a running bot) are module-scoped so that one scenario
module pays for them once; the fixtures here are factories, so each module chooses its articles.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.models import Answerer
from bot.settings import Settings
from bot.slack.feedback import FeedbackStore
from bot.slack.serve import Service, start_server
from bot.slack.servers import HttpServer
from index.api import NewsIndex
from index.config import IndexConfig
from index.embed import Embedder
from tests.fakes.articles import write_articles
from tests.fakes.slack_api import BOT_TOKEN, ApiCall, FakeSlackApi
from tests.fakes.slack_events import SlackSender

SECRET = "scenario-signing-secret"
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


class ScenarioSlackApi(FakeSlackApi):
    """The loopback Web API fake, plus waiting on any condition over the recorded calls.

    Several scenarios share one fake, so they wait on *their* calls (by channel, ts, thread_ts)
    rather than on global counts.
    """

    def wait_until(
        self, predicate: Callable[[], bool], *, timeout: float = 30.0, what: str = "condition"
    ) -> None:
        """Block until `predicate()` holds (re-checked on every recorded call); fail on timeout."""
        with self._cond:
            if not self._cond.wait_for(predicate, timeout):
                raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")

    def calls_matching(self, method: str, **match: Any) -> list[ApiCall]:
        """Calls of `method` whose body fields equal `match`."""
        return [
            c for c in self.calls_to(method) if all(c.body.get(k) == v for k, v in match.items())
        ]

    def wait_for_call(self, method: str, *, timeout: float = 30.0, **match: Any) -> ApiCall:
        """Block until a call of `method` matching `match` arrives; the first such call."""
        self.wait_until(
            lambda: bool(self.calls_matching(method, **match)),
            timeout=timeout,
            what=f"{method} with {match}",
        )
        return self.calls_matching(method, **match)[0]


@dataclass
class LiveBot:
    """The real bolt app behind the real HTTP server, reached with signed requests."""

    service: Service
    sender: SlackSender
    api: ScenarioSlackApi
    feedback: FeedbackStore
    _stopped: bool = field(default=False, repr=False)

    def stop(self) -> None:
        """Stop taking events and wait for every answer under way: a barrier for assertions."""
        if not self._stopped:
            self._stopped = True
            self.service.stop()


@pytest.fixture(scope="module")
def scenario_env() -> Iterator[None]:
    """No SLACK_/OPENAI_/NEWSBOT_ or proxy variable from the shell reaches module-wide parts."""
    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith(("SLACK_", "OPENAI_", "NEWSBOT_")) or key.lower() in _PROXY_VARS:
                mp.delenv(key, raising=False)
        yield


@pytest.fixture(scope="module")
def scenario_api(scenario_env: None) -> Iterator[ScenarioSlackApi]:
    """One fake Slack Web API for the whole module."""
    api = ScenarioSlackApi()
    api.start()
    yield api
    api.stop()


@pytest.fixture(scope="module")
def build_index(
    scenario_env: None, embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[dict[str, str]], tuple[NewsIndex, Path]]:
    """build_index({file name: text}) -> (an ingested NewsIndex, the folder of the files)."""

    def build(articles: dict[str, str]) -> tuple[NewsIndex, Path]:
        root = tmp_path_factory.mktemp("scenario")
        folder = write_articles(root / "articles", list(articles.items()))
        news = NewsIndex(IndexConfig(home=root / "home"), embedder=embedder)
        report = news.ingest([folder])
        assert sorted(report.added) == sorted(articles), report
        return news, folder

    return build


@pytest.fixture(scope="module")
def start_live_bot(
    scenario_api: ScenarioSlackApi, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., LiveBot]]:
    """start_live_bot(answerer, workers=None, **settings): the bot in HTTP mode on a free port.

    `workers=None` keeps `start_server`'s own default, as `newsbot slack` runs it.
    """
    bots: list[LiveBot] = []

    def start(answerer: Answerer, *, workers: int | None = None, **overrides: Any) -> LiveBot:
        home = tmp_path_factory.mktemp("bot-home")
        values: dict[str, Any] = {
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SECRET,
            "slack_api_url": scenario_api.base_url,
            "home": home,
            **overrides,
        }
        settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        feedback = FeedbackStore(home / "feedback.sqlite3")
        extra: dict[str, Any] = {} if workers is None else {"workers": workers}
        service = start_server(
            settings, answerer, host="127.0.0.1", port=0, feedback=feedback, **extra
        )
        server = service.server
        assert isinstance(server, HttpServer)
        bot = LiveBot(service, SlackSender(server.url, SECRET), scenario_api, feedback)
        bots.append(bot)
        return bot

    yield start
    for bot in bots:
        bot.stop()  # drains the answers before the fake Web API goes away
