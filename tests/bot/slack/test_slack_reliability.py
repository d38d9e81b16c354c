"""HTTP mode: no duplicate, no lost answer, no bot loop, never silent on errors, within limits."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pytest

from index.errors import StoreUnavailableError
from tests.fakes.answerer import FakeAnswerer, many_sources_answer
from tests.fakes.slack_api import BOT_ID, BOT_USER_ID
from tests.fakes.slack_bot import RunningBot
from tests.fakes.slack_events import event_callback, mention_event, message_event

QUESTION = "who led the US delegation?"
MENTION = f"<@{BOT_USER_ID}> {QUESTION}"
StartBot = Callable[..., RunningBot]


def test_commands_are_acked_while_every_answer_worker_is_busy(start_bot: StartBot) -> None:
    gate = threading.Event()
    bot = start_bot(FakeAnswerer(gate=gate), workers=1)
    bot.sender.event(event_callback(mention_event(MENTION)))
    bot.fake.wait_for_calls(1)  # the only answer worker is now held by the gate
    reply = bot.sender.command("and then?", response_url=bot.api.response_url())
    assert reply.status == 200 and "Looking into" in reply.body
    assert bot.api.posts() == []
    gate.set()
    bot.api.wait_for("chat.postMessage", 2)
    assert bot.fake.questions() == [QUESTION, "and then?"]


def test_a_retried_event_is_answered_once(start_bot: StartBot) -> None:
    bot = start_bot()
    event = mention_event(MENTION)
    payload = event_callback(event)
    replies = [bot.sender.event(payload, retry_num=n) for n in (None, 1, 2)]
    assert [r.status for r in replies] == [200, 200, 200]
    bot.settle()
    assert len(bot.api.posts(thread_ts=event["ts"])) == 1
    assert bot.questions() == [QUESTION]


@pytest.mark.parametrize("thread", [False, True])
@pytest.mark.parametrize("copy_first", [False, True])
def test_the_message_copy_of_a_mention_is_not_answered_again(
    start_bot: StartBot, thread: bool, copy_first: bool
) -> None:
    bot = start_bot()
    thread_ts = None
    if thread:  # a thread the bot answered in, where follow-ups need no mention
        first = mention_event(MENTION)
        bot.api.add_message("C_NEWS", first["ts"], ts=first["ts"], text=MENTION, user="U_ALICE")
        bot.sender.event(event_callback(first))
        bot.api.wait_for_post(thread_ts=first["ts"])
        thread_ts = first["ts"]
    mention = mention_event(f"<@{BOT_USER_ID}> and the Russian side?", thread_ts=thread_ts)
    copy = message_event(
        mention["text"],
        ts=mention["ts"],
        thread_ts=thread_ts,
        client_msg_id=mention["client_msg_id"],
    )
    for event in [copy, mention] if copy_first else [mention, copy]:
        assert bot.sender.event(event_callback(event)).status == 200
    bot.settle()
    assert bot.questions().count("and the Russian side?") == 1


def test_own_and_other_bots_messages_are_ignored(start_bot: StartBot) -> None:
    bot = start_bot()
    dm = {"channel": "D_ALICE", "channel_type": "im"}
    events = [
        message_event("my own answer", user=BOT_USER_ID, bot_id=BOT_ID, **dm),
        message_event("from another bot", user=None, subtype="bot_message", bot_id="B_OTHER", **dm),
        message_event("from an app's bot user", user="U_OTHER_BOT", bot_id="B_OTHER", **dm),
        mention_event(f"<@{BOT_USER_ID}> loop?", user="U_OTHER_BOT", bot_id="B_OTHER"),
        message_event("edited", subtype="message_changed", **dm),
    ]
    for event in events:
        assert bot.sender.event(event_callback(event)).status == 200
    bot.settle()
    assert bot.questions() == []
    assert bot.api.posts(channel="D_ALICE") == [] and bot.api.posts(channel="C_NEWS") == []


def test_a_failing_answer_is_reported_in_the_thread(
    start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    bot = start_bot(FakeAnswerer(error=RuntimeError("index exploded")))
    event = mention_event(MENTION)
    bot.sender.event(event_callback(event))
    post = bot.api.wait_for_post(thread_ts=event["ts"])
    bot.api.wait_for("reactions.remove")
    assert post["text"].startswith(":warning:") and "RuntimeError" in post["text"]
    assert any(r.exc_info and "index exploded" in str(r.exc_info[1]) for r in caplog.records)


def test_an_unreachable_store_is_said_plainly_and_the_next_question_is_answered(
    start_bot: StartBot,
) -> None:
    down = StoreUnavailableError("cannot reach the Chroma server at http://127.0.0.1:9")
    answerer = FakeAnswerer(error=down)
    bot = start_bot(answerer)
    first = mention_event(MENTION)
    bot.sender.event(event_callback(first))
    post = bot.api.wait_for_post(thread_ts=first["ts"])
    assert post["text"].startswith(":warning:") and "cannot reach the Chroma server" in post["text"]

    answerer.error = None  # the server is back: the bot needs no restart
    second = mention_event(MENTION, ts="1700000099.000200")
    bot.sender.event(event_callback(second))
    post = bot.api.wait_for_post(thread_ts=second["ts"])
    assert not post["text"].startswith(":warning:")


def test_an_unreadable_thread_still_gets_an_answer(start_bot: StartBot) -> None:
    bot = start_bot()
    bot.api.fail("conversations.replies", error="missing_scope")
    event = mention_event(MENTION, thread_ts="1500000000.000100")
    bot.sender.event(event_callback(event))
    post = bot.api.wait_for_post(thread_ts="1500000000.000100")
    assert not post["text"].startswith(":warning:")
    assert bot.fake.calls[0].history == ()


def test_a_failing_ask_is_reported_to_the_asker(start_bot: StartBot) -> None:
    bot = start_bot(FakeAnswerer(error=RuntimeError("no index")))
    bot.sender.command(QUESTION, response_url=bot.api.response_url())
    call = bot.api.wait_for("response_url")[0]
    assert call.body["response_type"] == "ephemeral" and call.body["text"].startswith(":warning:")


def test_a_burst_of_50_mentions_gets_exactly_50_threaded_answers(start_bot: StartBot) -> None:
    gate = threading.Event()
    bot = start_bot(FakeAnswerer(gate=gate), workers=8)
    events = [mention_event(f"<@{BOT_USER_ID}> question {i}?") for i in range(50)]
    barrier = threading.Barrier(50)

    def send(event: dict) -> float:
        barrier.wait()  # all 50 leave together
        reply = bot.sender.event(event_callback(event))
        assert reply.status == 200
        return reply.seconds

    threads = [threading.Thread(target=lambda e=e: seconds.append(send(e))) for e in events]
    seconds: list[float] = []
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(seconds) == 50 and max(seconds) < 3.0  # acked while every answer is held back
    gate.set()

    bot.api.wait_for("reactions.remove", 50, timeout=30)  # every job has finished
    posts = bot.api.posts()
    assert len(posts) == 50 and len(bot.fake.calls) == 50
    by_thread = {p["thread_ts"]: p for p in posts}
    assert sorted(by_thread) == sorted(e["ts"] for e in events)
    for i, event in enumerate(events):
        assert f"question {i}?" in by_thread[event["ts"]]["text"]


def test_a_long_answer_with_many_sources_fits_slacks_limits(start_bot: StartBot) -> None:
    bot = start_bot(FakeAnswerer(lambda q: many_sources_answer()))
    event = mention_event(MENTION)
    bot.sender.event(event_callback(event))
    post = bot.api.wait_for_post(thread_ts=event["ts"])
    assert len(post["blocks"]) <= 50 and len(post["text"]) <= 3000
    for block in post["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
