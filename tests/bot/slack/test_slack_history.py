"""Reading a Slack thread as conversation history, and remembering the bot's threads."""

from __future__ import annotations

from bot.models import Answer, Turn
from bot.slack import blocks
from bot.slack.history import BotIdentity, BotThreads, build_history

ME = BotIdentity(user_id="U_BOT", bot_id="B_BOT")


def _user(ts: str, text: str, user: str = "U_ALICE", **extra: object) -> dict:
    return {"ts": ts, "user": user, "text": text, **extra}


def _bot(ts: str, answer: str, *, asked_by: str | None = None, question: str = "q") -> dict:
    rendered = blocks.render_answer(
        Answer(question=question, answer=answer, abstained=False), answer_id="x", asked_by=asked_by
    )
    return {
        "ts": ts,
        "user": "U_BOT",
        "bot_id": "B_BOT",
        "text": rendered.text,
        "blocks": rendered.blocks,
    }


def test_questions_pair_with_the_answers_that_follow() -> None:
    thread = [
        _user("1.0", "<@U_BOT> who led the talks?"),
        _bot("2.0", "Sonata Coulter led them [1]."),
        _user("3.0", "and for Russia?"),
        _bot("4.0", "Alexander Darchiev [1] & team."),
        _user("5.0", "how long did it last?"),
    ]
    assert build_history(thread, me=ME, before_ts="5.0") == [
        Turn("who led the talks?", "Sonata Coulter led them [1]."),
        Turn("and for Russia?", "Alexander Darchiev [1] & team."),
    ]


def test_later_messages_other_bots_and_system_messages_are_left_out() -> None:
    thread = [
        _user("1.0", "<@U_BOT> first?"),
        {"ts": "1.5", "bot_id": "B_OTHER", "subtype": "bot_message", "text": "beep"},
        _user("1.7", "joined", subtype="channel_join"),
        _bot("2.0", "first answer"),
        {"ts": "2.5", "user": "U_BOT", "bot_id": "B_BOT", "text": ":warning: Sorry, ..."},
        _user("3.0", "second?"),
        _bot("4.0", "second answer"),
    ]
    assert build_history(thread, me=ME, before_ts="3.0") == [Turn("first?", "first answer")]


def test_unanswered_questions_are_kept_as_context() -> None:
    thread = [_user("1.0", "one?"), _user("2.0", "two?"), _user("3.0", "now?")]
    assert build_history(thread, me=ME, before_ts="3.0") == [Turn("one?"), Turn("two?")]


def test_an_ask_answer_at_the_root_carries_its_question() -> None:
    thread = [_bot("1.0", "They met in Istanbul.", asked_by="U_ALICE", question="where?")]
    assert build_history(thread, me=ME, before_ts=None) == [Turn("where?", "They met in Istanbul.")]


def test_history_is_capped_to_recent_turns() -> None:
    thread = []
    for i in range(30):
        thread += [_user(f"{2 * i + 1}.0", f"q{i}"), _bot(f"{2 * i + 2}.0", f"a{i}")]
    history = build_history(thread, me=ME, before_ts=None)
    assert len(history) == 20 and history[-1] == Turn("q29", "a29")


def test_bot_threads_known_unknown_and_not_ours() -> None:
    threads = BotThreads()
    assert threads.known("C1", "1.0") is None
    threads.mark_not_ours("C1", "1.0")
    assert threads.known("C1", "1.0") is False
    threads.remember("C1", "1.0")
    assert threads.known("C1", "1.0") is True
    assert threads.known("C2", "1.0") is None
