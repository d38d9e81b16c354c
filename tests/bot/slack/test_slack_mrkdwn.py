"""mrkdwn helpers: escaping, mentions, truncation and splitting."""

from __future__ import annotations

import pytest

from bot.slack import mrkdwn


def test_escape_neutralises_mentions_and_broadcasts() -> None:
    text = "<!channel> <!here> <@U123> <#C1|news> & <https://evil|click>"
    escaped = mrkdwn.escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert escaped.startswith("&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt;")
    assert "&amp; " in escaped
    assert mrkdwn.unescape(escaped) == text


def test_escape_is_not_idempotent_on_purpose() -> None:
    # Text that already looks escaped is shown literally, not decoded into markup.
    assert mrkdwn.escape("&lt;!here&gt;") == "&amp;lt;!here&amp;gt;"


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("<@U_BOT> who led the talks?", "who led the talks?"),
        ("<@U_BOT|newsbot>   who led\nthe talks?", "who led the talks?"),
        ("who led the talks? <@U_BOT>", "who led the talks?"),
        ("was it Q&amp;A &lt;live&gt;?", "was it Q&A <live>?"),
        ("ask <@U_OTHER> too", "ask <@U_OTHER> too"),
        ("<@U_BOT>", ""),
    ],
)
def test_question_from_strips_the_bot_mention_and_unescapes(text: str, question: str) -> None:
    assert mrkdwn.question_from(text, "U_BOT") == question


def test_mentions() -> None:
    assert mrkdwn.mentions("hi <@U_BOT>", "U_BOT")
    assert mrkdwn.mentions("hi <@U_BOT|newsbot>", "U_BOT")
    assert not mrkdwn.mentions("hi <@U_BOTTOM>", "U_BOT")
    assert not mrkdwn.mentions("hi <@U_BOT>", None)


def test_user_ids_are_validated_before_use_in_markup() -> None:
    assert mrkdwn.is_user_id("U012AB3CD") and mrkdwn.is_user_id("W0123")
    for bad in ("", None, "U1>", "<!channel>", "u123", "U1|x"):
        assert not mrkdwn.is_user_id(bad)


def test_link_only_for_plain_http_urls() -> None:
    assert (
        mrkdwn.link("https://ex.com/a?b=1&c=2", "A <b>")
        == "<https://ex.com/a?b=1&amp;c=2|A &lt;b&gt;>"
    )
    assert mrkdwn.link("seed-1.txt", "Title & co") == "Title &amp; co"
    assert mrkdwn.link("https://ex.com/x|<!channel>", "T") == "T"
    assert mrkdwn.link("javascript:alert(1)", "T") == "T"


def test_truncate_cuts_at_a_word_and_never_inside_an_entity() -> None:
    assert mrkdwn.truncate("short", 10) == "short"
    cut = mrkdwn.truncate("alpha beta gamma delta", 12)
    assert cut == "alpha beta…" and len(cut) <= 12
    escaped = mrkdwn.escape("x" * 8 + "&&&&")  # "xxxxxxxx&amp;&amp;..."
    assert mrkdwn.truncate(escaped, 12) == "xxxxxxxx…"  # not "xxxxxxxx&am…"


def test_split_respects_the_limit_and_keeps_all_words() -> None:
    text = "\n\n".join(" ".join(f"w{p}-{i}" for i in range(300)) for p in range(5))
    pieces = mrkdwn.split(text, 500)
    assert all(len(piece) <= 500 for piece in pieces)
    assert " ".join(" ".join(pieces).split()) == " ".join(text.split())


def test_split_hard_cuts_unbroken_text_outside_entities() -> None:
    text = mrkdwn.escape("<" * 1000)
    pieces = mrkdwn.split(text, 101)
    assert all(len(p) <= 101 for p in pieces)
    assert all(p.replace("&lt;", "") == "" for p in pieces)
    assert "".join(pieces) == text
