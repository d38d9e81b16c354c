"""HTTP mode: signatures, timestamps, escaping of article and user text, the channel allowlist."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from bot.slack.listeners import NOT_HERE
from tests.fakes.answerer import FakeAnswerer, canned_answer
from tests.fakes.slack_api import BOT_USER_ID
from tests.fakes.slack_bot import RunningBot
from tests.fakes.slack_events import event_callback, mention_event

QUESTION = "who led the US delegation?"
MENTION = f"<@{BOT_USER_ID}> {QUESTION}"
StartBot = Callable[..., RunningBot]


def _has(body: dict, **expected: object) -> bool:
    return all(body.get(k) == v for k, v in expected.items())


def test_article_and_user_text_cannot_notify_anyone(start_bot: StartBot) -> None:
    quote = "Breaking: <!channel> <!here> <@U123> said talks & tea > nothing"
    bot = start_bot(FakeAnswerer(lambda q: canned_answer(q, quote=quote)))
    bot.sender.command("what about <!here>?", response_url=bot.api.response_url())
    post = bot.api.wait_for_post(channel="C_NEWS")
    posted = post["text"] + json.dumps(post["blocks"])
    for ping in ("<!channel>", "<!here>", "<@U123>"):
        assert ping not in posted
    assert (
        "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; said talks &amp; tea &gt; nothing" in posted
    )
    assert "what about &lt;!here&gt;?" in posted


def test_a_bad_signature_is_rejected(start_bot: StartBot) -> None:
    bot = start_bot()
    body = json.dumps(event_callback(mention_event(MENTION)))
    reply = bot.sender.post(body, "application/json", signature="v0=" + "0" * 64)
    assert reply.status == 401
    bot.settle()
    assert bot.questions() == []


def test_a_stale_timestamp_is_rejected(start_bot: StartBot) -> None:
    bot = start_bot()
    body = json.dumps(event_callback(mention_event(MENTION)))
    reply = bot.sender.post(body, "application/json", timestamp=int(time.time()) - 10 * 60)
    assert reply.status == 401
    bot.settle()
    assert bot.questions() == []


def test_url_verification_echoes_the_challenge(start_bot: StartBot) -> None:
    bot = start_bot()
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    reply = bot.sender.post(body, "application/json")
    assert reply.status == 200 and json.loads(reply.body)["challenge"] == "c-123"


def test_the_channel_allowlist(start_bot: StartBot) -> None:
    bot = start_bot(slack_allowed_channels=["C_ALLOWED"])
    bot.sender.event(event_callback(mention_event(MENTION, channel="C_OTHER")))
    notice = bot.api.wait_for("chat.postEphemeral")[0].body
    assert _has(notice, channel="C_OTHER", user="U_ALICE", text=NOT_HERE)
    reply = bot.sender.command(QUESTION, channel_id="C_OTHER", response_url=bot.api.response_url())
    assert NOT_HERE in reply.body

    allowed = mention_event(MENTION, channel="C_ALLOWED")
    bot.sender.event(event_callback(allowed))
    bot.api.wait_for_post(channel="C_ALLOWED", thread_ts=allowed["ts"])
    bot.settle()  # DMs stay open
    assert bot.questions() == [QUESTION]
    assert bot.api.posts(channel="C_OTHER") == []
