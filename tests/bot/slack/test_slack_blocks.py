"""Rendering answers as Block Kit: content, escaping, abstentions, conflicts, Slack's limits."""

from __future__ import annotations

import json

import pytest

from bot.models import Answer, Citation, Conflict, ConflictVersion
from bot.slack import blocks
from tests.fakes.answerer import canned_answer, many_sources_answer


def _texts(message: blocks.SlackMessage) -> str:
    return message.text + json.dumps(message.blocks, ensure_ascii=False)


def _sections(message: blocks.SlackMessage) -> list[str]:
    return [b["text"]["text"] for b in message.blocks if b["type"] == "section"]


def test_answer_then_numbered_sources_then_feedback() -> None:
    message = blocks.render_answer(canned_answer("who met?"), answer_id="a1")
    kinds = [b["type"] for b in message.blocks]
    assert kinds == ["section", "divider", "context", "section", "section", "actions"]
    answer, first, second = _sections(message)
    assert answer.startswith("Diplomats met in Istanbul") and "[1]" in answer and "[2]" in answer
    assert first.startswith("*[1]* *<https://example.com/istanbul-talks|Talks in Istanbul>*")
    assert " · Example News · 2025-02-27\n> Russian and US diplomats met" in first
    assert "_Also reported by: Wire Service, Daily Paper_" in first
    assert second.startswith("*[2]* *Second round* · Another Outlet · 2025-04-10")
    buttons = message.blocks[-1]["elements"]
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in buttons] == [
        ("feedback_up", "a1", "👍"),
        ("feedback_down", "a1", "👎"),
    ]
    assert message.text == canned_answer("who met?").answer


def test_article_text_is_escaped_everywhere() -> None:
    ping = "<!channel> <!here> <@U123> & <https://x.test|x>"
    answer = Answer(
        question=ping,
        answer=f"They said {ping} [1]",
        abstained=False,
        citations=[
            Citation(
                n=1,
                source="a.txt",
                title=ping,
                outlet=ping,
                published="2025-01-01",
                quote=ping,
                also_reported_by=[ping],
            )
        ],
        conflicts=[Conflict(about=ping, versions=[ConflictVersion(value=ping, n=1)])],
        note=ping,
    )
    rendered = _texts(blocks.render_answer(answer, answer_id="a1", asked_by="U_ASKER"))
    for raw in ("<!channel>", "<!here>", "<@U123>", "<https://x.test|x>"):
        assert raw not in rendered
    assert rendered.count("&lt;!channel&gt;") >= 7
    assert "<@U_ASKER>" in rendered  # our own mention of the asker is real markup


def test_markup_from_article_text_is_shown_literally() -> None:
    """Article text with *bold*, _italic_, ~strike~ or ``` fences renders as plain text."""
    marked = "The *Harbour* bridge ```reopens``` on _12 May_ ~maybe~ at `noon`"
    answer = Answer(
        question=marked,
        answer=f"{marked} [1]",
        abstained=False,
        citations=[
            Citation(
                n=1,
                source="a.txt",
                title=marked,
                outlet=marked,
                published="2025-01-01",
                quote=marked,
                also_reported_by=[marked],
            )
        ],
        conflicts=[Conflict(about=marked, versions=[ConflictVersion(value=marked, n=1)])],
        note=marked,
    )
    message = blocks.render_answer(answer, answer_id="a1", asked_by="U_ASKER")
    rendered = _texts(message)
    for raw in ("*Harbour*", "```", "_12 May_", "~maybe~", "`noon`"):
        assert raw not in rendered
    assert rendered.count("Harbour") >= 8
    # Our own formatting stays real markup.
    assert "*[1]*" in rendered and "*Sources*" in rendered and "_Also reported by: " in rendered
    # Reading our answer back (thread history) gives the original text.
    assert blocks.posted_answer({"blocks": message.blocks}) == answer.answer
    assert blocks.posted_question({"blocks": message.blocks}) == marked


def test_an_unsafe_asker_id_is_not_rendered() -> None:
    message = blocks.render_answer(canned_answer("q"), answer_id="a1", asked_by="U1> <!channel")
    assert "<!channel" not in _texts(message)


def test_abstention_is_plain_and_related_reading_is_labelled() -> None:
    related = Citation(n=1, source="b.txt", title="Nearby story", quote="Something close.")
    answer = Answer(
        question="q", answer="The articles do not say who paid.", abstained=True, related=[related]
    )
    message = blocks.render_answer(answer, answer_id="a1")
    assert (
        message.blocks[0]["elements"][0]["text"]
        == ":grey_question: *The articles don't answer this.*"
    )
    assert message.text.startswith("The articles don't answer this.")
    rendered = _texts(message)
    assert "*Related reading* — close to the question, but not an answer:" in rendered
    assert "• *Nearby story*" in rendered and "*Sources*" not in rendered and "[1]" not in rendered


def test_abstention_without_related_has_no_sources_part() -> None:
    answer = Answer(question="q", answer="The articles do not say.", abstained=True)
    kinds = [b["type"] for b in blocks.render_answer(answer, answer_id="a1").blocks]
    assert kinds == ["context", "section", "actions"]


def test_conflicts_get_a_sources_differ_note() -> None:
    answer = canned_answer("how long?").model_copy(
        update={
            "conflicts": [
                Conflict(
                    about="length of the talks",
                    versions=[
                        ConflictVersion(value="six hours", n=1),
                        ConflictVersion(value="five hours", n=2),
                    ],
                )
            ]
        }
    )
    sections = _sections(blocks.render_answer(answer, answer_id="a1"))
    assert sections[1] == (
        ":warning: *Sources differ* — length of the talks: six hours [1] · five hours [2]"
    )


def test_note_is_shown_as_context() -> None:
    answer = canned_answer("q").model_copy(update={"note": "LLM unavailable; extractive answer."})
    message = blocks.render_answer(answer, answer_id="a1")
    assert message.blocks[-2] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "LLM unavailable; extractive answer."}],
    }


@pytest.mark.parametrize("sources", [60, 200])
def test_many_long_sources_stay_within_slacks_limits(sources: int) -> None:
    message = blocks.render_answer(many_sources_answer(sources), answer_id="a1", asked_by="U1")
    assert len(message.blocks) <= blocks.MAX_BLOCKS
    assert len(message.text) <= blocks.TEXT_LIMIT
    for block in message.blocks:
        texts = [block.get("text", {}).get("text", "")]
        texts += [
            e.get("text", "") for e in block.get("elements", []) if block["type"] == "context"
        ]
        assert all(len(text) <= blocks.SECTION_LIMIT for text in texts)
    assert message.blocks[-1]["type"] == "actions"  # feedback survives the squeeze
    rendered = _texts(message)
    assert "*[1]*" in rendered and "*[40]*" in rendered
    shown = rendered.count("\\n> ")
    last = message.blocks[-2]
    dropped = int(last["elements"][0]["text"].split()[1]) if last["type"] == "context" else 0
    assert shown + dropped == sources
    assert (dropped > 0) == (sources == 200)


def test_a_handful_of_sources_get_one_section_each() -> None:
    message = blocks.render_answer(many_sources_answer(sources=10, quote_chars=100), answer_id="a")
    assert len([s for s in _sections(message) if s.startswith("*[")]) == 10


def test_the_posted_answer_and_question_can_be_read_back() -> None:
    answer = Answer(question="is it <here> & now?", answer="Yes & no <b> [1]", abstained=False)
    message = blocks.render_answer(answer, answer_id="a1", asked_by="U_ASKER")
    posted = {"text": message.text, "blocks": message.blocks}
    assert blocks.posted_answer(posted) == "Yes & no <b> [1]"
    assert blocks.posted_question(posted) == "is it <here> & now?"
    assert blocks.posted_question({"text": "x", "blocks": []}) is None
    assert blocks.posted_answer({"text": "plain &amp; simple"}) == "plain & simple"


def test_warning_is_short_and_escaped() -> None:
    message = blocks.render_warning("Bad<Error>")
    assert message.text.startswith(":warning: Sorry, I couldn't answer that (Bad&lt;Error&gt;)")
    assert message.blocks == []
