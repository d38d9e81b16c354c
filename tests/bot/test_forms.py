"""Shaped answers: a form registered for a kind answers it; its lines render as bullets."""

from __future__ import annotations

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.forms import FormRequest, compose_text
from bot.models import Answer, AnswerLine, Citation
from bot.render import render_text
from bot.slack.blocks import render_answer

ROUND_ONE = AnswerLine(text="The first round opened in *Istanbul*.", n=[1], date="2025-02-27")
ROUND_TWO = AnswerLine(text="A second round ended without a deal.", n=[2], date="2025-04-10")
SPEAKER = AnswerLine(text="“We made progress,” she said.", n=[2], label="Sonata Coulter")


class NoPassages:
    def search(self, question, **kwargs):
        return []


class Recording:
    """A form that answers every question it gets with a fixed timeline, or declines."""

    def __init__(self, answer: bool) -> None:
        self.requests: list[FormRequest] = []
        self.answer = answer

    def compose(self, request: FormRequest) -> Answer | None:
        self.requests.append(request)
        if not self.answer:
            return None
        lines = [ROUND_ONE, ROUND_TWO]
        return Answer(
            question=request.question,
            answer=compose_text("Two rounds of talks:", lines),
            abstained=False,
            kind=request.kind,
            lines=lines,
        )


def test_a_form_answers_the_kind_it_is_registered_for():
    form = Recording(answer=True)
    answerer = ExtractiveAnswerer(index=NoPassages(), forms={"overview": form})
    answer = answerer.answer("what happened in the istanbul talks?")
    assert answer.lines == [ROUND_ONE, ROUND_TWO] and not answer.abstained
    assert form.requests[0].kind == "overview"
    assert form.requests[0].standalone == "what happened in the istanbul talks?"
    # Another kind never reaches it.
    assert answerer.answer("who led the delegation?").abstained
    assert len(form.requests) == 1


def test_a_form_that_declines_leaves_the_question_to_the_factoid_path():
    form = Recording(answer=False)
    answer = ExtractiveAnswerer(index=NoPassages(), forms={"overview": form}).answer(
        "what happened in the istanbul talks?"
    )
    assert form.requests and answer.abstained and answer.lines == []


def test_line_text_writes_dates_out_and_labels_speakers():
    assert ROUND_ONE.as_text() == "27 Feb 2025 — The first round opened in *Istanbul*. [1]"
    assert (
        SPEAKER.as_text(lambda s: f"<{s}>") == "<Sonata Coulter>: “We made progress,” she said. [2]"
    )
    assert AnswerLine(text="Nothing on this.", label="The Verge").as_text() == (
        "The Verge: Nothing on this."
    )
    assert AnswerLine(text="x", n=[1], date="sometime").as_text() == "sometime — x [1]"


def shaped() -> Answer:
    lines = [ROUND_ONE, SPEAKER]
    cites = [
        Citation(n=1, source="a.txt", quote=ROUND_ONE.text),
        Citation(n=2, source="b.txt", quote=SPEAKER.text),
    ]
    return Answer(
        question="what happened?",
        answer=compose_text("Istanbul talks:", lines),
        abstained=False,
        lines=lines,
        citations=cites,
    )


def test_terminal_shows_bullets_with_bold_dates_and_speakers():
    text = render_text(shaped(), lambda s: f"**{s}**")
    assert text.splitlines()[:3] == [
        "Istanbul talks:",
        "• **27 Feb 2025** — The first round opened in *Istanbul*. [1]",
        "• **Sonata Coulter**: “We made progress,” she said. [2]",
    ]


def test_slack_bolds_dates_and_speakers_and_keeps_article_markup_literal():
    blocks = render_answer(shaped(), answer_id="a1").blocks
    body = next(
        b["text"]["text"] for b in blocks if b.get("block_id", "").startswith("newsbot-answer")
    )
    assert "• *27 Feb 2025* — The first round opened in " in body
    assert "*Istanbul*" not in body  # article asterisks are not Slack bold
    assert "• *Sonata Coulter*: “We made progress,” she said. [2]" in body
