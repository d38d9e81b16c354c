"""Overview questions as a dated timeline: one line per event, in date order, each cited."""

from __future__ import annotations

import pytest

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.forms.evidence import event_date, gist
from index.api import NewsIndex
from index.config import IndexConfig
from index.embed import Embedder
from prompts import ABSTENTION
from tests.fakes.articles import write_articles
from tests.fakes.ferry import FIRST_ROUND, assert_lines_cited


@pytest.fixture
def answerer(ferry_answerer_shared: ExtractiveAnswerer) -> ExtractiveAnswerer:
    return ferry_answerer_shared


def test_what_happened_is_a_dated_timeline_of_both_rounds(answerer: ExtractiveAnswerer):
    answer = answerer.answer("What happened in the ferry strike talks?")
    assert answer.kind == "overview" and not answer.abstained
    dates = [line.date for line in answer.lines]
    # The first round met on Thursday 6 March (reported on the 7th); the deal came on Saturday
    # 12 April (reported on the 14th): the events' own dates, in order.
    assert "2025-03-06" in dates and "2025-04-12" in dates
    assert dates == sorted(dates)
    assert "• 6 Mar 2025 — " in answer.answer and "• 12 Apr 2025 — " in answer.answer
    sources = {c.source for c in answer.citations}
    assert sources == {"first_round.txt", "second_round.txt"}  # one citation per story
    assert_lines_cited(answer)
    assert answer.answer.startswith(answer.short_answer)


def test_an_overview_the_articles_do_not_cover_is_an_abstention(answerer: ExtractiveAnswerer):
    answer = answerer.answer("What happened at the Olympic opening ceremony in Paris?")
    assert answer.abstained and answer.answer == ABSTENTION and answer.lines == []


def test_a_factoid_question_keeps_the_plain_answer(answerer: ExtractiveAnswerer):
    answer = answerer.answer("How big was the pay rise the operator offered?")
    assert answer.kind == "factoid" and answer.lines == []


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("Negotiators met on Thursday.", "2025-03-07", "2025-03-06"),  # the Thursday before
        ("The deal was signed on April 12.", "2025-04-14", "2025-04-12"),
        ("Talks resumed yesterday.", "2025-04-14", "2025-04-13"),
        # A date long before publication is an earlier event recalled: the report's date.
        ("The first session was held on February 27.", "2025-04-10", "2025-04-10"),
        # Two dates: which one is the event is unclear, so the report's date.
        ("Talks on 10 April followed the 8 April call.", "2025-04-10", "2025-04-10"),
        ("A December 30 deadline passed.", "2025-01-03", "2024-12-30"),
        ("The plant opened on 3 March 2004.", None, "2004-03-03"),
        ("The plant opened on 3 March.", None, None),  # undated article, no year: no date
        ("No date here.", "2025-04-14", "2025-04-14"),
    ],
)
def test_event_dates(sentence: str, published: str | None, expected: str | None):
    assert event_date(sentence, published) == expected


def test_gist_drops_the_dateline_and_a_trailing_clause():
    dated = "LISBON, March 7, 2025 (PNA)- Union negotiators met the operator on Thursday, which ended it."
    assert gist(dated) == "Union negotiators met the operator on Thursday"
    assert gist("Lisbon: The union said members would vote next week.") == (
        "The union said members would vote next week"
    )


# One story carried twice; the second copy gives the strike another length.
WIRE = """Ferry strike ends with a deal after second round of talks

Update: 2025-04-14 08:00 GMT

Negotiators agreed a deal in the second round of ferry strike talks in Lisbon on Saturday, ending a strike that lasted 42 days.
Operator chief executive Paulo Reis told reporters that the night crossings would resume on 1 May.
Union members will vote on the deal next week, according to the union's spokeswoman.
"""
ALTERED = WIRE.replace("lasted 42 days", "lasted 24 days")


def test_copies_of_a_story_that_disagree_are_flagged(
    embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
):
    root = tmp_path_factory.mktemp("timeline-conflict")
    news = NewsIndex(IndexConfig(home=root / "home"), embedder=embedder)
    files = [("wire_a.txt", WIRE), ("wire_b.txt", ALTERED), ("first_round.txt", FIRST_ROUND)]
    news.ingest([write_articles(root / "articles", files)])
    answer = ExtractiveAnswerer(index=news).answer("What happened in the ferry strike talks?")
    assert answer.lines and answer.conflicts
    (conflict,) = answer.conflicts
    assert {v.value for v in conflict.versions} == {"42", "24"}
    numbers = {c.n for c in answer.citations}
    assert {v.n for v in conflict.versions} <= numbers
    other = next(line for line in answer.lines if line.label == "Another copy")
    assert "days" in other.text and other.n[0] in numbers


def test_rounds_named_by_their_months_come_in_date_order(answerer: ExtractiveAnswerer):
    # The articles never write "March" or "April" in the sentences: their dates say it.
    answer = answerer.answer("did the april ferry talks happen after the march ones?")
    assert answer.kind == "temporal" and not answer.abstained
    assert answer.answer.startswith("March ones (7 Mar 2025) came first, then April ferry talks")
    sources = {c.n: c.source for c in answer.citations}
    assert [sources[ln.n[0]] for ln in answer.lines if ln.n] == [
        "first_round.txt",
        "second_round.txt",
    ]
