"""Pytest fixtures for Slack tests: the fake Web API, settings pointing at it, a running bot.

Import them into a conftest.py (`from tests.fakes.slack_fixtures import *`-style, by name).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.models import Answerer
from bot.settings import Settings
from bot.slack.feedback import FeedbackStore
from bot.slack.serve import Service, start_server
from bot.slack.servers import HttpServer
from tests.fakes.answerer import FakeAnswerer
from tests.fakes.slack_api import BOT_TOKEN, FakeSlackApi
from tests.fakes.slack_bot import RunningBot
from tests.fakes.slack_events import SlackSender

SECRET = "test-signing-secret"


@pytest.fixture
def slack_api() -> Iterator[FakeSlackApi]:
    """The fake Slack Web API on a loopback port."""
    api = FakeSlackApi().start()
    yield api
    api.stop()


@pytest.fixture
def make_settings(slack_api: FakeSlackApi, tmp_path: Path) -> Callable[..., Settings]:
    """Settings for HTTP mode against the fake Web API; keyword arguments override fields."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SECRET,
            "slack_api_url": slack_api.base_url,
            "home": tmp_path / "home",
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture
def start_bot(
    slack_api: FakeSlackApi, make_settings: Callable[..., Settings], tmp_path: Path
) -> Iterator[Callable[..., RunningBot]]:
    """Start the bot in HTTP mode on a free port: start_bot(answerer=None, workers=1, **settings)."""
    services: list[Service] = []

    def start(
        answerer: Answerer | None = None, *, workers: int = 1, **overrides: Any
    ) -> RunningBot:
        answerer = answerer or FakeAnswerer()
        feedback = FeedbackStore(tmp_path / "home" / "feedback.sqlite3")
        service = start_server(
            make_settings(**overrides),
            answerer,
            host="127.0.0.1",
            port=0,
            feedback=feedback,
            workers=workers,
        )
        services.append(service)
        server = service.server
        assert isinstance(server, HttpServer)
        return RunningBot(server, SlackSender(server.url, SECRET), answerer, slack_api, feedback)

    yield start
    for service in services:
        service.stop()  # drains the answer pool before the fake Web API goes away
