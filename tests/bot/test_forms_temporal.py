"""Temporal form: both dated passages, in date order, and which came first."""

from __future__ import annotations

import pytest

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.forms.temporal import order_sentence
from bot.models import AnswerLine


@pytest.fixture
def answerer(outlet_answerer: ExtractiveAnswerer) -> ExtractiveAnswerer:
    return outlet_answerer


def test_events_come_in_date_order_with_which_came_first(answerer: ExtractiveAnswerer):
    # Asked later-event first: the answer still puts the January rate rise first.
    answer = answerer.answer("Did the Harbor Bank collapse happen after the rate rise?")
    assert answer.kind == "temporal" and not answer.abstained
    assert [line.date for line in answer.lines] == ["2024-01-10", "2024-02-20"]
    assert answer.answer.splitlines()[0] == (
        "rate rise (10 Jan 2024) came first, then Harbor Bank collapse (20 Feb 2024):"
    )
    sources = {c.n: c.source for c in answer.citations}
    assert [sources[line.n[0]] for line in answer.lines] == [
        "reuters_rates.txt",
        "reuters_bank.txt",
    ]
    assert "\n• 10 Jan 2024 — rate rise: " in answer.answer


def test_two_outlets_reports_in_order(answerer: ExtractiveAnswerer):
    answer = answerer.answer(
        "Between the ESPN report on the derby and the Guardian report on the derby, which came "
        "first?"
    )
    assert answer.kind == "temporal"
    assert answer.answer.startswith("The Guardian (2 Mar 2024) came first, then ESPN (3 Mar 2024):")
    # A later report on the same derby by an outlet the question does not name joins the
    # timeline, marked as such; the order sentence is about the named reports only.
    assert [(line.label, line.date) for line in answer.lines] == [
        ("The Guardian", "2024-03-02"),
        ("ESPN", "2024-03-03"),
        ("also BBC Sport", "2024-03-04"),
    ]
    sources = {c.n: c.source for c in answer.citations}
    assert sources[answer.lines[2].n[0]] == "bbc_derby.txt"


def test_the_order_is_not_claimed_without_two_dates():
    lines = [
        AnswerLine(text="a", n=[1], date="2024-01-10", label="X"),
        AnswerLine(text="Nothing on this in Y.", label="Y"),
    ]
    assert "order is not known" in order_sentence(lines)
    same = [
        AnswerLine(text="a", n=[1], date="2024-01-10", label="X"),
        AnswerLine(text="b", n=[2], date="2024-01-10", label="Y"),
    ]
    assert order_sentence(same) == "All reported on the same day, 10 Jan 2024:"
