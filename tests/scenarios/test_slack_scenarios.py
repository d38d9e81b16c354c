"""Slack end to end with real parts: article files -> ingest -> signed Slack request -> posted answer.

Real NewsIndex (embedded Chroma under a temp dir), the real embedding model, the real extractive
answerer, the real bolt app behind the real threaded HTTP server; only Slack's Web API is faked,
at the network edge, by a loopback server that records every call.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.answer.extractive import ExtractiveAnswerer
from bot.slack import mrkdwn
from index.api import NewsIndex
from prompts import CANNOT_ANSWER
from tests.fakes.slack_api import BOT_USER_ID
from tests.fakes.slack_events import event_callback, mention_event, message_event
from tests.scenarios.conftest import LiveBot

WAIT = 60.0  # generous: answers run on a shared 2-core machine; tests wait on calls, not clocks
BURST_WAIT = 120.0

BRIDGE = """Harbour bridge to reopen after two years of repairs

PORTVILLE, March 3, 2025 (Reuters) - The Harbour bridge will reopen to traffic on 12 May after two years of repairs, the city council said on Monday.
Engineers replaced 400 steel cables and resurfaced the deck, council spokeswoman Ada Lind said.
The repairs cost 84 million euros, twice the first estimate, and were paid for by the city and the port authority.

LATEST NEWS
Mayor opens new library
Storm warning for the coast
"""
# The same wire story under another outlet, credited on its own line.
BRIDGE_WIRE = """Portville's Harbour crossing back in service from May

AFP

PORTVILLE, March 3, 2025 - The Harbour bridge will reopen to traffic on 12 May after two years of repairs, the city council said on Monday.
Engineers replaced 400 steel cables and resurfaced the deck, council spokeswoman Ada Lind said.
"""
# Two copies of one wire story whose datelines credit different agencies, as wire copies do.
ORCHARD = """Frost damages apple harvest in the valley

GREEN VALLEY, April 2, 2025 (AFP) - A late frost destroyed about a third of the apple blossom in the Green Valley this week, growers said.
The regional farmers' union asked for emergency aid of five million euros.
Orchard owner Tomas Berg said he had never seen frost so late in April.
"""
ORCHARD_WIRE = """Late frost hits Green Valley orchards

GREEN VALLEY, April 2, 2025 (Reuters) - A late frost destroyed about a third of the apple blossom in the Green Valley this week, growers said.
The regional farmers' union asked for emergency aid of five million euros.
"""
MUSEUM = """City museum reopens under a new roof

Published On: 10 Feb 2025, 11:00

The city museum reopened on Saturday after eight months of roof repairs.
The museum's roof repairs cost 3 million euros, director Lena Fox said.
"""
CHESS = """Local teenager wins national chess title

Published On: 16 Mar 2025, 18:30

Nina Park, 16, won the national chess championship in Ridgeton on Sunday without losing a game.
She beat the defending champion in the final round after a five-hour endgame.
"""
# Slack control sequences inside the very sentence that answers a question.
NOTICE = """Fire drill at the Tower Hall offices on Friday

Published On: 5 Mar 2025, 08:00

The facilities team posted <!channel> and <!here> alerts and asked <@U123> to confirm that the fire drill at Tower Hall starts at 10am on Friday.
During the drill, staff must leave by the east stairs and gather in the car park behind the hall.
"""
ARTICLES = {
    "bridge_reuters.txt": BRIDGE,
    "bridge_afp.txt": BRIDGE_WIRE,
    "orchard_afp.md": ORCHARD,
    "orchard_reuters.txt": ORCHARD_WIRE,
    "museum.txt": MUSEUM,
    "chess.txt": CHESS,
    "notice.txt": NOTICE,
}
# What a source line must show for each file: title, outlet, publication date.
SOURCE_LINES = {
    "bridge_reuters.txt": ("Harbour bridge to reopen after two years of repairs", "Reuters", "2025-03-03"),
    "bridge_afp.txt": ("Portville's Harbour crossing back in service from May", "AFP", "2025-03-03"),
    "orchard_afp.md": ("Frost damages apple harvest in the valley", "AFP", "2025-04-02"),
    "orchard_reuters.txt": ("Late frost hits Green Valley orchards", "Reuters", "2025-04-02"),
    "museum.txt": ("City museum reopens under a new roof", None, "2025-02-10"),
    "chess.txt": ("Local teenager wins national chess title", None, "2025-03-16"),
    "notice.txt": ("Fire drill at the Tower Hall offices on Friday", None, "2025-03-05"),
}  # fmt: skip
BRIDGE_COPIES = ("bridge_reuters.txt", "bridge_afp.txt")
RAW_SEQUENCES = ("<!channel>", "<!here>", "<@U123>")

# The burst: 10 questions over the articles x 5 ways of asking = 50 distinct mentions.
BURST_QUESTIONS = [
    ("when will the Harbour bridge reopen?", "12 May"),
    ("how many steel cables were replaced on the Harbour bridge?", "400 steel cables"),
    ("how much did the Harbour bridge repairs cost?", "84 million"),
    ("who is the council spokeswoman?", "Ada Lind"),
    ("how much emergency aid did the farmers' union ask for?", "five million"),
    ("who won the national chess championship?", "Nina Park"),
    ("who is the director of the city museum?", "Lena Fox"),
    ("when does the fire drill at Tower Hall start?", "10am"),
    ("how long did the museum roof repairs take?", "eight months"),
    ("how much did the museum roof repairs cost?", "3 million"),
]
BURST_PHRASINGS = [
    "{q}",
    "quick question: {q}",
    "{q} thanks!",
    "hi newsbot, {q}",
    "sorry to bother you, {q}",
]

Post = dict[str, Any]


# ---- fixtures ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus(build_index: Callable[..., tuple[NewsIndex, Path]]) -> tuple[NewsIndex, Path]:
    """The articles above, ingested once for the module."""
    return build_index(ARTICLES)


@pytest.fixture(scope="module")
def answerer(corpus: tuple[NewsIndex, Path]) -> ExtractiveAnswerer:
    """The real default answerer over the module's index."""
    news, _ = corpus
    return ExtractiveAnswerer(index=news)


@pytest.fixture(scope="module")
def bot(start_live_bot: Callable[..., LiveBot], answerer: ExtractiveAnswerer) -> LiveBot:
    """One bot for the module, with `newsbot slack`'s default worker count."""
    return start_live_bot(answerer)


@pytest.fixture(scope="module")
def museum_follow_up(bot: LiveBot) -> Post:
    """A thread about the museum, then "and how much did the repairs cost?": the second answer."""
    _, follow = _ask_in_thread(
        bot, "C_MUSEUM", "when did the city museum reopen?", "and how much did the repairs cost?"
    )
    return follow


# ---- helpers -------------------------------------------------------------------------------
def _flat(text: str) -> str:
    return " ".join(text.split())


def _mention(bot: LiveBot, question: str, channel: str) -> tuple[dict[str, Any], Post]:
    """Send "@newsbot question"; wait until the answer is posted and the 👀 is gone."""
    event = mention_event(f"<@{BOT_USER_ID}> {question}", channel=channel)
    assert bot.sender.event(event_callback(event)).status == 200
    bot.api.wait_for_call("reactions.remove", timeout=WAIT, timestamp=event["ts"])
    return event, bot.api.wait_for_post(channel=channel, thread_ts=event["ts"])


def _ask_in_thread(bot: LiveBot, channel: str, first: str, then: str) -> tuple[Post, Post]:
    """A mention, then a reply in its thread without a mention; both answers.

    The fake Web API is told about the user's messages, as Slack's conversations.replies
    would return them.
    """
    question = mention_event(f"<@{BOT_USER_ID}> {first}", channel=channel)
    bot.api.add_message(
        channel, question["ts"], ts=question["ts"], text=question["text"], user="U_ALICE"
    )
    assert bot.sender.event(event_callback(question)).status == 200
    bot.api.wait_for_call("reactions.remove", timeout=WAIT, timestamp=question["ts"])

    reply = message_event(then, channel=channel, thread_ts=question["ts"])
    bot.api.add_message(channel, question["ts"], ts=reply["ts"], text=then, user="U_ALICE")
    assert bot.sender.event(event_callback(reply)).status == 200
    bot.api.wait_for_call("reactions.remove", timeout=WAIT, timestamp=reply["ts"])

    posts = bot.api.posts(channel=channel, thread_ts=question["ts"])
    assert len(posts) == 2, posts
    return posts[0], posts[1]


def _block_texts(post: Post) -> list[str]:
    """Every mrkdwn/plain text in the message's blocks."""
    texts = []
    for block in post.get("blocks") or []:
        if "text" in block:
            texts.append(block["text"]["text"])
        texts += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
        texts += [
            e["text"]["text"] for e in block.get("elements", []) if isinstance(e.get("text"), dict)
        ]
    return texts


def _answer_section(post: Post) -> str:
    """The answer as posted (still mrkdwn-escaped): the message's first section."""
    return next(b["text"]["text"] for b in post["blocks"] if b["type"] == "section")


def _sources(post: Post) -> list[str]:
    """The numbered source sections: "*[n]* title · outlet · date", "> quote", "also reported"."""
    sections = [b["text"]["text"] for b in post["blocks"] if b["type"] == "section"]
    return [s for s in sections if s.startswith("*[")]


def _quotes(*texts: str) -> list[str]:
    """The quoted passages ("> ...") in mrkdwn texts, unescaped, without a truncation ellipsis."""
    lines = [line for text in texts for line in text.splitlines()]
    return [mrkdwn.unescape(line[2:]).rstrip("…") for line in lines if line.startswith("> ")]


def _source_file(source: str) -> str:
    """Which article a source section cites, by the title on its first line."""
    first = source.splitlines()[0]
    found = [
        name for name, (title, _, _) in SOURCE_LINES.items() if title in mrkdwn.unescape(first)
    ]
    assert len(found) == 1, f"no single article titled in {first!r}"
    return found[0]


def _assert_source_line(source: str, name: str) -> None:
    title, outlet, published = SOURCE_LINES[name]
    parts = [p.strip(" *") for p in source.splitlines()[0].split(" · ")]
    assert parts[0].endswith(title), parts  # "*[1]* *title*"
    assert parts[1:] == [p for p in (outlet, published) if p], parts


def _assert_verbatim(quote: str, name: str, folder: Path) -> None:
    """The quote is a substring of the article file (whitespace-normalised)."""
    assert quote and _flat(quote) in _flat((folder / name).read_text(encoding="utf-8")), quote


def _calls_about(bot: LiveBot, channel: str, ts: str) -> list[tuple[str, str | None]]:
    """(method, reaction name) of the reactions on `ts` and the posts in its thread, in order."""
    out = []
    for call in list(bot.api.calls):
        body = call.body
        if body.get("channel") != channel:
            continue
        if call.method.startswith("reactions.") and body.get("timestamp") == ts:
            out.append((call.method, body.get("name")))
        elif call.method == "chat.postMessage" and body.get("thread_ts") == ts:
            out.append((call.method, None))
    return out


# ---- 1. mention -> one threaded answer with sources --------------------------------------
def test_mention_gets_one_threaded_answer_with_verbatim_cited_sources(
    bot: LiveBot, corpus: tuple[NewsIndex, Path]
) -> None:
    _, folder = corpus
    event, post = _mention(bot, "when will the Harbour bridge reopen?", "C_BRIDGE")

    assert bot.api.posts(channel="C_BRIDGE") == [post]  # exactly one message, in the thread
    assert post["thread_ts"] == event["ts"]
    assert _calls_about(bot, "C_BRIDGE", event["ts"]) == [
        ("reactions.add", "eyes"),
        ("chat.postMessage", None),
        ("reactions.remove", "eyes"),
    ]
    answer = _answer_section(post)
    assert "12 May" in answer and "[1]" in answer
    assert "12 May" in post["text"]  # the plain-text fallback carries the answer too

    sources = _sources(post)
    assert sources and sources[0].startswith("*[1]* ")
    cited = [_source_file(s) for s in sources]
    assert cited[0] in BRIDGE_COPIES
    assert set(BRIDGE_COPIES) - set(cited), "a wire copy is cited as a second source"
    first = sources[0]
    _assert_source_line(first, cited[0])
    [quote] = _quotes(first)
    assert "12 May" in quote
    _assert_verbatim(quote, cited[0], folder)
    [other] = set(BRIDGE_COPIES) - {cited[0]}
    assert f"_Also reported by: {SOURCE_LINES[other][1]}_" in first.splitlines()


# ---- 2. follow-ups in the bot's thread -----------------------------------------------------
def test_follow_up_in_the_thread_is_answered_there_from_the_thread(
    bot: LiveBot, corpus: tuple[NewsIndex, Path]
) -> None:
    _, folder = corpus
    first, follow = _ask_in_thread(
        bot,
        "C_FOLLOW",
        "when will the Harbour bridge reopen?",
        "and how much did the repairs cost?",
    )
    thread_ts = first["thread_ts"]
    assert follow["thread_ts"] == thread_ts
    assert bot.api.calls_matching("conversations.replies", channel="C_FOLLOW", ts=thread_ts)
    answer = _answer_section(follow)
    assert "84 million euros" in answer and "[1]" in answer
    source = _sources(follow)[0]
    assert _source_file(source) == "bridge_reuters.txt"  # the only copy that gives the cost
    _assert_verbatim(_quotes(source)[0], "bridge_reuters.txt", folder)


def test_the_same_follow_up_in_another_thread_is_about_that_threads_subject(
    bot: LiveBot, museum_follow_up: Post
) -> None:
    _, alone = _mention(bot, "how much did the repairs cost?", "C_ALONE")
    assert _source_file(_sources(alone)[0]) != "museum.txt"  # without a thread: not the museum
    answer = _answer_section(museum_follow_up)
    assert "3 million euros" in answer
    assert _source_file(_sources(museum_follow_up)[0]) == "museum.txt"


def test_facts_of_two_different_stories_are_not_reported_as_a_conflict(
    museum_follow_up: Post,
) -> None:
    blocks = json.dumps(museum_follow_up["blocks"])
    assert "Sources differ" not in _answer_section(museum_follow_up)
    assert "Sources differ" not in blocks


def test_wire_copies_crediting_different_agencies_are_one_source(bot: LiveBot) -> None:
    _, post = _mention(bot, "how much of the apple blossom did the frost destroy?", "C_ORCHARD")
    answer = _answer_section(post)
    assert "a third" in answer
    assert "Sources differ" not in answer
    sources = _sources(post)
    cited = [_source_file(s) for s in sources]
    assert len(set(cited) & {"orchard_afp.md", "orchard_reuters.txt"}) == 1
    assert "_Also reported by:" in sources[0]


# ---- 3. abstention -------------------------------------------------------------------------
def test_unanswerable_question_gets_a_plain_abstention_without_sources(bot: LiveBot) -> None:
    event, post = _mention(bot, "who won the 2024 Tour de France?", "C_ABSTAIN")
    assert bot.api.posts(channel="C_ABSTAIN") == [post]
    assert post["thread_ts"] == event["ts"]
    answer = _answer_section(post)
    assert answer.startswith(mrkdwn.escape(CANNOT_ANSWER))
    assert CANNOT_ANSWER in post["text"]
    assert "[1]" not in answer and "[1]" not in post["text"]
    texts = _block_texts(post)
    assert "*Sources*" not in texts and _sources(post) == []
    corpus_text = _flat(" ".join(ARTICLES.values()))
    for quote in _quotes(*texts):  # "related reading", if any, is still quoted verbatim
        assert _flat(quote) in corpus_text


# ---- 4. Slack control sequences in an article ----------------------------------------------
def _assert_no_raw_sequences(*texts: str) -> None:
    for text in texts:
        for raw in RAW_SEQUENCES:
            assert raw not in text, f"{raw} would notify people: {text!r}"


def test_article_text_with_slack_mentions_pings_nobody(
    bot: LiveBot, corpus: tuple[NewsIndex, Path]
) -> None:
    _, folder = corpus
    _, post = _mention(bot, "when does the fire drill at Tower Hall start?", "C_DRILL")
    answer = _answer_section(post)
    assert "10am" in answer
    _assert_no_raw_sequences(post["text"], json.dumps(post["blocks"]), *_block_texts(post))
    for escaped in ("&lt;!channel&gt;", "&lt;!here&gt;", "&lt;@U123&gt;"):
        assert escaped in answer and escaped in post["text"]
        assert escaped in _sources(post)[0]  # the quote, too
    _assert_verbatim(_quotes(_sources(post)[0])[0], "notice.txt", folder)


def test_ask_with_slack_mentions_in_the_question_pings_nobody(bot: LiveBot) -> None:
    reply = bot.sender.command(
        "<!here> when does the fire drill at Tower Hall start?",
        response_url=bot.api.response_url("drill"),
        channel_id="C_ASK_DRILL",
    )
    assert reply.status == 200
    _assert_no_raw_sequences(reply.body)
    post = bot.api.wait_for_post(timeout=WAIT, channel="C_ASK_DRILL")
    assert "10am" in _answer_section(post)
    _assert_no_raw_sequences(post["text"], json.dumps(post["blocks"]))
    assert "&lt;!here&gt;" in post["blocks"][0]["elements"][0]["text"]  # the question, shown


# ---- 6. /ask -------------------------------------------------------------------------------
def test_ask_is_acked_and_the_answer_follows_with_sources(
    bot: LiveBot, corpus: tuple[NewsIndex, Path]
) -> None:
    _, folder = corpus
    question = "how much did the museum roof repairs cost?"
    reply = bot.sender.command(
        question, response_url=bot.api.response_url("ask"), channel_id="C_ASK"
    )
    assert reply.status == 200 and "Looking into" in reply.body and question in reply.body

    post = bot.api.wait_for_post(timeout=WAIT, channel="C_ASK")
    assert "thread_ts" not in post  # /ask answers in the channel; its thread takes follow-ups
    assert post["blocks"][0]["elements"][0]["text"] == f"*<@U_ALICE> asked:* {question}"
    answer = _answer_section(post)
    assert "3 million euros" in answer and "[1]" in answer
    [source] = _sources(post)
    _assert_source_line(source, "museum.txt")
    _assert_verbatim(_quotes(source)[0], "museum.txt", folder)
    assert bot.api.calls_matching("response_url") == []  # posted directly, not via response_url


# ---- 5. a burst of 50 mentions, then the same burst as Slack's retries ---------------------
def _send_together(send: Callable[[int], Any], count: int) -> tuple[list[Any], float]:
    """Run send(0..count-1) on `count` threads released at once; results and the start spread."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    started: list[float] = [0.0] * count

    def run(i: int) -> None:
        barrier.wait()
        started[i] = time.monotonic()
        results[i] = send(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request never returned"
    return results, max(started) - min(started)


def test_a_burst_of_50_mentions_gets_exactly_50_threaded_answers_even_when_retried(
    start_live_bot: Callable[..., LiveBot], answerer: ExtractiveAnswerer
) -> None:
    burst = start_live_bot(answerer)  # its own bot: stopping it is the barrier at the end
    channel = "C_LOAD"
    asked = [
        (phrasing.format(q=q), expected)
        for (q, expected), phrasing in itertools.product(BURST_QUESTIONS, BURST_PHRASINGS)
    ]
    events = [mention_event(f"<@{BOT_USER_ID}> {q}", channel=channel) for q, _ in asked]
    payloads = [event_callback(e) for e in events]
    expected = {e["ts"]: phrase for e, (_, phrase) in zip(events, asked, strict=True)}
    assert len(expected) == 50 and len({p["event_id"] for p in payloads}) == 50

    def answered() -> list[Post]:
        return [p for p in burst.api.posts(channel=channel) if p.get("thread_ts") in expected]

    replies, spread = _send_together(lambda i: burst.sender.event(payloads[i]), 50)
    assert spread < 1.0, "the 50 mentions were not sent within one second"
    assert [r.status for r in replies] == [200] * 50
    assert max(r.seconds for r in replies) < 3.0  # acked within Slack's 3 seconds

    # Slack re-sends what it thinks timed out: at once, while answers are still being made...
    retries, _ = _send_together(lambda i: burst.sender.event(payloads[i], retry_num=1), 50)
    assert [r.status for r in retries] == [200] * 50
    burst.api.wait_until(lambda: len(answered()) >= 50, timeout=BURST_WAIT, what="50 answers")
    # ...and after they were posted.
    late, _ = _send_together(lambda i: burst.sender.event(payloads[i], retry_num=2), 50)
    assert [r.status for r in late] == [200] * 50
    burst.stop()  # every event taken is now fully handled

    posts = answered()
    by_thread = {p["thread_ts"]: p for p in posts}
    assert len(posts) == 50 and sorted(by_thread) == sorted(expected)  # none lost, none doubled
    for ts, phrase in expected.items():
        text = by_thread[ts]["text"]
        assert not text.startswith(":warning:"), text
        assert phrase in text and "[1]" in text, (phrase, text)
    removed = burst.api.calls_matching("reactions.remove", channel=channel)
    assert sorted(c.body["timestamp"] for c in removed) == sorted(expected)
