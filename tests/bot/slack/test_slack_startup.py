"""Start-up: token checks with clear errors, the Web API client's configuration and retries."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.settings import Settings
from bot.slack.client import build_client, check_auth, check_settings
from bot.slack.errors import SlackConfigError
from bot.slack.serve import start_server
from tests.fakes.answerer import FakeAnswerer
from tests.fakes.slack_api import BOT_USER_ID, FakeSlackApi
from tests.fakes.slack_bot import RunningBot
from tests.fakes.slack_events import event_callback, mention_event

MakeSettings = Callable[..., Settings]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slack_bot_token": None}, "SLACK_BOT_TOKEN is not set"),
        ({"slack_bot_token": "xoxp-user-token"}, "SLACK_BOT_TOKEN must be a bot token"),
        ({"slack_app_token": "xoxb-wrong-kind"}, "SLACK_APP_TOKEN must be an app-level token"),
        (
            {"slack_signing_secret": None},
            "set SLACK_APP_TOKEN for Socket Mode .* or SLACK_SIGNING_SECRET",
        ),
    ],
)
def test_missing_or_malformed_tokens_are_named(
    make_settings: MakeSettings, slack_api: FakeSlackApi, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(SlackConfigError, match=message):
        start_server(make_settings(**overrides), FakeAnswerer(), host="127.0.0.1", port=0)
    assert slack_api.calls == []  # caught before any network call


def test_the_mode_follows_the_app_token(make_settings: MakeSettings) -> None:
    assert check_settings(make_settings()) is False
    assert check_settings(make_settings(slack_app_token="xapp-1")) is True


def test_a_rejected_bot_token_is_a_config_error(
    make_settings: MakeSettings, slack_api: FakeSlackApi
) -> None:
    with pytest.raises(SlackConfigError, match=r"Slack rejected SLACK_BOT_TOKEN \(invalid_auth\)"):
        start_server(make_settings(slack_bot_token="xoxb-revoked"), FakeAnswerer(), port=0)
    assert [c.method for c in slack_api.calls] == ["auth.test"]


def test_an_unreachable_api_is_a_config_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Without build_client's retry handlers: their back-off would only make this test slow.
    client = WebClient(
        token="xoxb-valid", base_url=f"http://127.0.0.1:{port}/api/", retry_handlers=[]
    )
    with pytest.raises(SlackConfigError, match="cannot reach the Slack Web API"):
        check_auth(client)


def test_a_busy_port_is_a_config_error(make_settings: MakeSettings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(SlackConfigError, match=f"cannot listen on 127.0.0.1:{port}"):
            start_server(make_settings(), FakeAnswerer(), host="127.0.0.1", port=port)


def test_the_client_uses_slack_api_url_and_retry_handlers(make_settings: MakeSettings) -> None:
    client = build_client(make_settings(slack_api_url="http://127.0.0.1:9/api"))
    assert client.base_url == "http://127.0.0.1:9/api/"
    kinds = {type(h) for h in client.retry_handlers}
    assert kinds == {ConnectionErrorRetryHandler, RateLimitErrorRetryHandler}
    assert build_client(make_settings(slack_api_url=None)).base_url == "https://slack.com/api/"


def test_a_rate_limited_post_is_retried(start_bot: Callable[..., RunningBot]) -> None:
    bot = start_bot()
    bot.api.fail("chat.postMessage", error="ratelimited", status=429, retry_after="0")
    event = mention_event(f"<@{BOT_USER_ID}> who?")
    bot.sender.event(event_callback(event))
    bot.api.wait_for("chat.postMessage", 2)
    bot.settle()
    assert len(bot.api.posts(thread_ts=event["ts"])) == 2  # the 429, then the answer
    assert not any(p["text"].startswith(":warning:") for p in bot.api.posts())
