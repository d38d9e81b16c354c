""" "Latest" questions: the newest dated evidence leads with its date, older reports follow."""

from __future__ import annotations

import pytest

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.forms.latest import EARLIER_LABEL
from bot.models import human_date
from tests.fakes.ferry import assert_lines_cited


@pytest.fixture
def answerer(ferry_answerer_shared: ExtractiveAnswerer) -> ExtractiveAnswerer:
    return ferry_answerer_shared


@pytest.mark.parametrize(
    "question",
    ["What is the latest on the ferry strike talks?", "ferry strike talks latest?"],
)
def test_latest_leads_with_the_newest_report_and_says_its_date(
    answerer: ExtractiveAnswerer, question: str
):
    answer = answerer.answer(question)
    assert answer.kind == "latest" and not answer.abstained
    lead, *earlier = answer.lines
    assert lead.date is not None and lead.date.startswith("2025-04")
    assert answer.answer.startswith(f"As of {human_date(lead.date)}: ")
    assert lead.label is None
    # The first round, a month older and another story, is shown as earlier reporting.
    assert earlier and all(line.label == EARLIER_LABEL for line in earlier)
    assert all(line.date is not None and line.date < lead.date for line in earlier)
    assert {c.source for c in answer.citations} == {"second_round.txt", "first_round.txt"}
    assert answer.citations[0].source == "second_round.txt"
    assert_lines_cited(answer)


def test_recency_stays_off_for_questions_that_do_not_ask_for_it(answerer: ExtractiveAnswerer):
    answer = answerer.answer("Where were the ferry strike talks held?")
    assert answer.kind == "factoid" and answer.lines == [] and "As of" not in answer.answer


def test_latest_on_something_the_articles_do_not_cover_abstains(answerer: ExtractiveAnswerer):
    answer = answerer.answer("What is the latest on the Mars rover mission?")
    assert answer.abstained and answer.lines == []


def test_a_name_asked_for_now_is_the_factoid_answer_dated(answerer: ExtractiveAnswerer):
    answer = answerer.answer("Who is the operator's chief executive now?")
    assert answer.kind == "latest" and answer.short_answer == "Paulo Reis"
    lead = answer.lines[0]
    assert lead.date is not None and "Paulo Reis" in lead.text
    assert answer.answer.startswith(f"As of {human_date(lead.date)}: Paulo Reis [1]")
