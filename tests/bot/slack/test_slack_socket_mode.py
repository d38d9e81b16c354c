"""End to end in Socket Mode: apps.connections.open → a local websocket server → acks and answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.slack.errors import SlackConfigError
from bot.slack.feedback import FeedbackStore
from bot.slack.serve import start_server
from bot.slack.servers import SocketModeServer
from tests.fakes.answerer import FakeAnswerer
from tests.fakes.slack_api import APP_TOKEN, BOT_USER_ID, FakeSlackApi
from tests.fakes.slack_events import event_callback, mention_event, message_event
from tests.fakes.socket_mode import FakeSocketModeServer, events_api_envelope


@pytest.fixture
def socket_server(slack_api: FakeSlackApi) -> Iterator[FakeSocketModeServer]:
    """A websocket server that the fake apps.connections.open points at."""
    server = FakeSocketModeServer().start()
    slack_api.socket_mode_url = server.url
    yield server
    server.stop()


def test_an_envelope_is_acked_and_answered_once_even_when_redelivered(
    slack_api: FakeSlackApi,
    socket_server: FakeSocketModeServer,
    make_settings: Callable[..., Settings],
    tmp_path: Path,
) -> None:
    answerer = FakeAnswerer()
    settings = make_settings(slack_app_token=APP_TOKEN, slack_signing_secret=None)
    service = start_server(
        settings, answerer, feedback=FeedbackStore(tmp_path / "fb.sqlite3"), workers=1
    )
    try:
        assert isinstance(service.server, SocketModeServer)
        assert slack_api.calls_to("apps.connections.open")[0].token == APP_TOKEN

        event = mention_event(f"<@{BOT_USER_ID}> who led the talks?")
        payload = event_callback(event)
        socket_server.send(events_api_envelope("env-1", payload))
        assert socket_server.wait_for_ack("env-1") == {"envelope_id": "env-1"}
        post = slack_api.wait_for_post(thread_ts=event["ts"])
        assert post["channel"] == "C_NEWS" and "Talks in Istanbul" in str(post["blocks"])

        socket_server.send(events_api_envelope("env-2", payload, retry_attempt=1))
        socket_server.wait_for_ack("env-2")
        # Events are handled in order with workers=1: once this DM is answered, env-2 is done.
        dm = message_event("settle?", channel="D_SETTLE", channel_type="im")
        socket_server.send(events_api_envelope("env-3", event_callback(dm)))
        slack_api.wait_for_post(thread_ts=dm["ts"])

        assert len(slack_api.posts(thread_ts=event["ts"])) == 1
        assert answerer.questions() == ["who led the talks?", "settle?"]
    finally:
        service.stop()


def test_a_rejected_app_token_is_a_config_error(
    slack_api: FakeSlackApi, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(slack_app_token="xapp-revoked", slack_signing_secret=None)
    with pytest.raises(SlackConfigError, match=r"SLACK_APP_TOKEN \(invalid_auth\)"):
        start_server(settings, FakeAnswerer())
