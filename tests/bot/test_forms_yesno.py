"""Yes/no without an LLM: the evidence, and no verdict."""

from __future__ import annotations

import pytest

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.forms.yesno import HEAD, NO_VERDICT


@pytest.fixture
def answerer(outlet_answerer: ExtractiveAnswerer) -> ExtractiveAnswerer:
    return outlet_answerer


def test_a_yes_no_question_gets_the_evidence_and_a_note_that_it_is_not_judged(
    answerer: ExtractiveAnswerer,
):
    answer = answerer.answer("Did Harbor Bank collapse?")
    assert answer.kind == "yesno" and not answer.abstained
    assert answer.note == NO_VERDICT
    assert not answer.answer.lower().startswith(("yes", "no"))
    (c,) = answer.citations
    assert c.source == "reuters_bank.txt" and c.quote in answer.answer
    assert answer.lines == []  # a plain answer: the calibrated decision stands


def test_a_yes_no_question_over_two_outlets_shows_each_side(answerer: ExtractiveAnswerer):
    answer = answerer.answer("Did the Guardian and ESPN agree on how one-sided the derby was?")
    assert answer.kind == "yesno"
    assert answer.answer.splitlines()[0] == HEAD
    assert [line.label for line in answer.lines] == ["The Guardian", "ESPN"]
    assert {c.source for c in answer.citations} == {"guardian_derby.txt", "espn_derby.txt"}


def test_a_yes_no_question_the_articles_do_not_answer_is_refused(answerer: ExtractiveAnswerer):
    answer = answerer.answer("Did the Norland football league ban foreign players?")
    assert answer.abstained and answer.citations == []
