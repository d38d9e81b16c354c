"""Temporal form: both dated passages, in date order, and which came first."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.forms.side_evidence import _with_neighbour
from bot.answer.forms.sides import topic
from bot.answer.forms.temporal import order_sentence
from bot.answer.scoring import Scored
from bot.models import AnswerLine
from index.api import NewsIndex, Passage
from index.config import IndexConfig
from index.embed import Embedder
from tests.fakes.articles import write_articles


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


def test_a_reports_point_told_in_two_sentences_is_quoted_whole(answerer: ExtractiveAnswerer):
    # Each derby report makes its point in two sentences of near-equal relevance to its clause;
    # the side's line quotes both (verbatim, one citation) rather than betting on one of them.
    answer = answerer.answer(
        "Was the Guardian report on Rovers dominating the derby published before the ESPN report "
        "on City matching Rovers?"
    )
    guardian, espn = (ln for ln in answer.lines if not ln.label.startswith("also"))
    assert guardian.text == (
        "Rovers crushed City 4-0 in a one-sided derby at Mill Park on Saturday. The home side "
        "dominated possession from the first whistle and City never threatened."
    )
    assert "Karl Ost said his players matched Rovers" in espn.text
    quotes = {c.n: c.quote for c in answer.citations}
    assert quotes[guardian.n[0]] == guardian.text


def _scored(passage: Passage, i: int, score: float) -> Scored:
    a, b = passage.sentences[i]
    return Scored(passage, (a, b), passage.text[a:b], score, score, 0.0, 0.0)


def test_a_neighbour_well_below_the_best_sentence_stays_out():
    text = "The ferry strike ended on Friday. Fares rise in May. Crews won a pay rise of 6%."
    spans = ((0, 33), (34, 52), (53, 80))
    passage = Passage(
        "c1", text, "a1", "s1", "f.txt", "Ferry", None, "2024-01-01", 0, 80, 0.5, 0.5, spans
    )
    best = _scored(passage, 0, 0.6)
    weak, strong = _scored(passage, 1, 0.3), _scored(passage, 1, 0.55)
    assert _with_neighbour(best, [best, weak]).text == "The ferry strike ended on Friday."
    assert _with_neighbour(best, [best, strong]).text == text[0:52]
    # Only sentences next to the best one join it, however well they score.
    far = _scored(passage, 2, 0.59)
    assert _with_neighbour(best, [best, far]).span == (0, 33)
    # A neighbour is judged on its own meaning and words, not on a score its neighbour (the
    # best sentence) lifted.
    lifted = replace(_scored(passage, 1, 0.2), score=0.58)
    assert _with_neighbour(best, [best, lifted]).span == (0, 33)


TRAM_ARTICLES = [
    (
        "courier_tram.txt",
        "Tram line opens in Westport\n\nBy Al Roe | The Courier | Published 2024-05-02\n\n"
        "The new Westport tram line opened to passengers on Wednesday after four years of "
        "building work.\nThe first trams ran every ten minutes between the harbour and the "
        "university.\n",
    ),
    (
        "ledger_tram.txt",
        "Westport tram fares to rise\n\nBy Bea Sol | Daily Ledger | Published 2024-06-20\n\n"
        "Fares on the Westport tram line will rise by a fifth in July, the transport authority "
        "said.\nThe authority blamed the cost of running trams every ten minutes.\n",
    ),
    (
        "gazette_tram.txt",
        "Westport tram ridership beats forecasts\n\nBy Cy Dee | Westport Gazette | "
        "Published 2024-05-23\n\nThe Westport tram line carried 40,000 passengers in its first "
        "three weeks, well above forecasts.\n",
    ),
    (
        "herald_tram.txt",
        "Tram delays anger Westport commuters\n\nBy Di Eze | Harbour Herald | "
        "Published 2024-06-05\n\nBreakdowns on the Westport tram line left commuters waiting "
        "for up to an hour on Monday.\n",
    ),
    (
        "herald_bakery.txt",
        "Bakery wins national prize\n\nBy Di Eze | Harbour Herald | Published 2024-05-30\n\n"
        "A Westport bakery won the national prize for the best sourdough loaf.\n",
    ),
]


@pytest.fixture(scope="module")
def tram_answerer(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("tram")
    news = NewsIndex(IndexConfig(home=root / "home"), embedder=embedder)
    news.ingest([write_articles(root / "articles", TRAM_ARTICLES)])
    return ExtractiveAnswerer(index=news)


def test_reports_the_question_does_not_name_join_the_timeline(tram_answerer):
    answer = tram_answerer.answer(
        "Between the Courier report on the Westport tram line opening and the Daily Ledger "
        "report on tram fares, was there a change in how the tram line was covered?"
    )
    assert answer.kind == "temporal"
    assert answer.answer.startswith("The Courier (2 May 2024) came first, then Daily Ledger")
    # Other outlets' reports on the tram line, found by its topic alone, in date order between
    # the named ones; the bakery story of the same outlet is no report on the matter.
    assert [(line.label, line.date) for line in answer.lines] == [
        ("The Courier", "2024-05-02"),
        ("also Westport Gazette", "2024-05-23"),
        ("also Harbour Herald", "2024-06-05"),
        ("Daily Ledger", "2024-06-20"),
    ]
    assert all("bakery" not in c.quote for c in answer.citations)


def test_a_questions_topic_drops_outlets_dates_and_words_about_reporting():
    question = (
        "Between the Courier report on the tram line published on May 2, 2024, and the "
        "Daily Ledger article on fares, was the coverage consistent?"
    )
    words = set(re.findall(r"\w+", topic(question, ["The Courier", "Daily Ledger"]).lower()))
    assert {"tram", "line", "fares"} <= words
    assert not words & {"courier", "daily", "ledger", "may", "2", "2024", "report", "article"}
    assert not words & {"published", "coverage", "consistent"}


def test_the_report_of_the_day_the_question_gives_is_the_one_quoted(
    embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
):
    # The day window spans a day either side (time zones); a report of the very day asked for
    # wins over the day before's, even when the earlier one shares more of the clause's words.
    root = tmp_path_factory.mktemp("ledger")
    news = NewsIndex(IndexConfig(home=root / "home"), embedder=embedder)
    articles = [
        TRAM_ARTICLES[0],
        (
            "ledger_fares_preview.txt",
            "Westport tram fares could rise, says report\n\nBy Bea Sol | Daily Ledger | "
            "Published 2024-06-19\n\nA change in Westport tram fares was covered in a report on "
            "Westport tram fares and the tram line.\n",
        ),
        TRAM_ARTICLES[1],
    ]
    news.ingest([write_articles(root / "articles", articles)])
    answer = ExtractiveAnswerer(index=news).answer(
        "Between the Courier report on the Westport tram line opening published on May 2, 2024, "
        "and the Daily Ledger report on Westport tram fares published on June 20, 2024, was there "
        "a change in how the tram was covered?"
    )
    ledger = next(line for line in answer.lines if line.label == "Daily Ledger")
    assert ledger.date == "2024-06-20"
    assert ledger.text.startswith("Fares on the Westport tram line will rise by a fifth in July")
