"""HTTP mode, signed requests to the real app: mentions, DMs, /ask, follow-ups, feedback."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable

from bot.models import Turn
from tests.fakes.answerer import FakeAnswerer, canned_answer
from tests.fakes.slack_api import BOT_USER_ID
from tests.fakes.slack_bot import RunningBot
from tests.fakes.slack_events import event_callback, mention_event, message_event

QUESTION = "who led the US delegation?"
MENTION = f"<@{BOT_USER_ID}> {QUESTION}"
StartBot = Callable[..., RunningBot]


def _feedback_value(post: dict) -> str:
    actions = [b for b in post["blocks"] if b["type"] == "actions"]
    assert len(actions) == 1
    return str(actions[0]["elements"][0]["value"])


def test_mention_is_answered_in_a_thread_with_sources(start_bot: StartBot) -> None:
    bot = start_bot()
    event = mention_event(MENTION)
    assert bot.sender.event(event_callback(event)).status == 200

    post = bot.api.wait_for_post(thread_ts=event["ts"])
    bot.api.wait_for("reactions.remove")
    assert post["channel"] == "C_NEWS"
    assert bot.fake.calls[0].question == QUESTION  # the mention is stripped
    assert bot.fake.calls[0].history == ()
    assert post["text"].startswith("Diplomats met in Istanbul") and "[1]" in post["text"]
    blocks = json.dumps(post["blocks"])
    for expected in (
        "Talks in Istanbul",
        "Example News",
        "2025-02-27",
        "Second round",
        "Also reported by: Wire Service, Daily Paper",
        "embassy operations",
    ):
        assert expected in blocks
    assert [r["answer_id"] for r in _answers(bot)] == [_feedback_value(post)]


def _has(body: dict, **expected: object) -> bool:
    return all(body.get(k) == v for k, v in expected.items())


def _answers(bot: RunningBot) -> list[dict]:
    with sqlite3.connect(bot.feedback.path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM answers")]


def test_eyes_reaction_while_working_removed_after_posting(start_bot: StartBot) -> None:
    bot = start_bot()
    event = mention_event(MENTION)
    bot.sender.event(event_callback(event))
    bot.api.wait_for("reactions.remove")
    methods = [c.method for c in bot.api.calls if c.method != "auth.test"]
    assert methods == ["reactions.add", "chat.postMessage", "reactions.remove"]
    for call in bot.api.calls_to("reactions.add") + bot.api.calls_to("reactions.remove"):
        assert _has(call.body, channel="C_NEWS", timestamp=event["ts"], name="eyes")


def test_direct_message_is_answered(start_bot: StartBot) -> None:
    bot = start_bot()
    event = message_event("what was agreed in Istanbul?", channel="D_ALICE", channel_type="im")
    bot.sender.event(event_callback(event))
    post = bot.api.wait_for_post(channel="D_ALICE")
    assert post["thread_ts"] == event["ts"]
    assert bot.questions() == ["what was agreed in Istanbul?"]


def test_ask_acks_at_once_and_the_answer_follows(start_bot: StartBot) -> None:
    gate = threading.Event()
    bot = start_bot(FakeAnswerer(gate=gate))
    reply = bot.sender.command(QUESTION, response_url=bot.api.response_url())
    assert reply.status == 200 and "Looking into" in reply.body
    bot.fake.wait_for_calls(1)
    assert bot.api.posts() == []  # acked while the answer is still being made
    gate.set()
    post = bot.api.wait_for_post(channel="C_NEWS")
    assert "thread_ts" not in post  # /ask answers at top level; its thread takes follow-ups
    assert post["blocks"][0]["elements"][0]["text"] == f"*<@U_ALICE> asked:* {QUESTION}"
    assert bot.questions() == [QUESTION]


def test_ask_posts_through_response_url_where_the_bot_is_not_a_member(start_bot: StartBot) -> None:
    bot = start_bot()
    bot.api.fail("chat.postMessage", error="not_in_channel")
    bot.sender.command(QUESTION, response_url=bot.api.response_url("ask"))
    call = bot.api.wait_for("response_url")[0]
    assert call.path == "/response/ask"
    assert call.body["response_type"] == "in_channel"
    assert "Talks in Istanbul" in json.dumps(call.body["blocks"])


def test_ask_without_a_question_explains_usage(start_bot: StartBot) -> None:
    bot = start_bot()
    reply = bot.sender.command("  ", response_url=bot.api.response_url())
    assert reply.status == 200 and "/ask" in reply.body
    bot.settle()
    assert bot.questions() == []


def test_follow_up_in_the_bots_thread_passes_history(start_bot: StartBot) -> None:
    bot = start_bot()
    first = mention_event(MENTION)
    bot.api.add_message("C_NEWS", first["ts"], ts=first["ts"], text=MENTION, user="U_ALICE")
    bot.sender.event(event_callback(first))
    bot.api.wait_for_post(thread_ts=first["ts"])

    follow = message_event("and the Russian side?", thread_ts=first["ts"])
    bot.api.add_message("C_NEWS", first["ts"], ts=follow["ts"], text=follow["text"], user="U_ALICE")
    bot.sender.event(event_callback(follow))
    bot.api.wait_for("chat.postMessage", 2)
    assert bot.api.wait_for("conversations.replies")[0].body["ts"] == first["ts"]
    assert bot.fake.calls[1].question == "and the Russian side?"
    assert bot.fake.calls[1].history == (
        Turn(question=QUESTION, answer=canned_answer(QUESTION).answer),
    )
    assert [p["thread_ts"] for p in bot.api.posts()] == [first["ts"], first["ts"]]


def test_follow_ups_need_a_mention_when_configured(start_bot: StartBot) -> None:
    bot = start_bot(slack_thread_followups_need_mention=True)
    first = mention_event(MENTION)
    bot.api.add_message("C_NEWS", first["ts"], ts=first["ts"], text=MENTION, user="U_ALICE")
    bot.sender.event(event_callback(first))
    bot.api.wait_for_post(thread_ts=first["ts"])

    bot.sender.event(event_callback(message_event("and the Russian side?", thread_ts=first["ts"])))
    bot.settle()
    assert bot.questions() == [QUESTION]

    mentioned = mention_event(f"<@{BOT_USER_ID}> and the Russian side?", thread_ts=first["ts"])
    bot.sender.event(event_callback(mentioned))
    bot.api.wait_for("chat.postMessage", 3)  # first answer, settle, this one
    assert bot.fake.calls[-1].history[0].question == QUESTION


def test_replies_in_other_threads_are_left_alone(start_bot: StartBot) -> None:
    bot = start_bot()
    root = message_event("lunch?", user="U_CAROL")
    bot.api.add_message("C_NEWS", root["ts"], ts=root["ts"], text="lunch?", user="U_CAROL")
    for text in ("yes", "at noon"):
        bot.sender.event(event_callback(message_event(text, thread_ts=root["ts"])))
    bot.settle()
    assert bot.questions() == []
    assert len(bot.api.calls_to("conversations.replies")) == 1  # the second reply used the cache


def test_feedback_clicks_are_stored_and_acknowledged(start_bot: StartBot) -> None:
    bot = start_bot()
    event = mention_event(MENTION)
    bot.sender.event(event_callback(event))
    answer_id = _feedback_value(bot.api.wait_for_post(thread_ts=event["ts"]))

    reply = bot.sender.action("feedback_up", answer_id, response_url=bot.api.response_url("fb"))
    assert reply.status == 200
    thanks = bot.api.wait_for("response_url")[0].body
    assert thanks["response_type"] == "ephemeral" and thanks["replace_original"] is False
    assert "Thanks" in thanks["text"]
    bot.sender.action("feedback_down", answer_id, response_url=bot.api.response_url("fb"))
    bot.api.wait_for("response_url", 2)

    rows = bot.feedback.export()
    assert [(r["vote"], r["user"], r["channel"]) for r in rows] == [
        ("up", "U_BOB", "C_NEWS"),
        ("down", "U_BOB", "C_NEWS"),
    ]
    assert rows[0]["question"] == QUESTION and rows[0]["answer"] == canned_answer(QUESTION).answer


def test_the_waitress_internals_the_http_server_stops_with_still_exist():
    """`bot.slack.servers.HttpServer` polls waitress's loop itself so that `stop()` ends it from
    another thread; these are the (non-public) parts of waitress it relies on."""
    from waitress import wasyncore
    from waitress.server import BaseWSGIServer

    assert callable(wasyncore.loop) and callable(wasyncore.close_all)
    for name in ("pull_trigger", "effective_port", "effective_host", "task_dispatcher"):
        assert hasattr(BaseWSGIServer, name) or name in BaseWSGIServer.__init__.__code__.co_names
