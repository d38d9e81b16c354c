"""Qualifiers (second, former, 2019, February) and negations: the words that pick one fact."""

from __future__ import annotations

import pytest

from bot.answer import qualifiers as ql
from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.question import Question
from bot.answer.spans import vote
from index.api import NewsIndex
from index.config import IndexConfig
from index.embed import Embedder
from tests.fakes.articles import write_articles

TALKS = """Trade talks resume in Valmora

Published: 2025-04-11

Negotiators from Kestria and Dunhollow met in Valmora on April 10 to discuss fishing quotas.
Officials said this meeting was the second round of trade talks, with the initial session held on January 14.
"Building on the January 14 meeting, both sides made progress on quotas," a Kestria spokesman said.
The next round is expected in the summer.
"""

HARVEST = """Growers count losses after a cold spring

Published: 2025-05-02

Crops in the Green Valley depend on the spring rain, farmers said.
The regional farmers' union asked for emergency aid of five million euros.
Orchard owner Tomas Berg won the 2021 regional fruit prize with his pears.
"""


@pytest.fixture(scope="module")
def answerer(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> ExtractiveAnswerer:
    root = tmp_path_factory.mktemp("qualifiers")
    news = NewsIndex(IndexConfig(home=root / "home"), embedder=embedder)
    articles = [("talks.txt", TALKS), ("harvest.txt", HARVEST)]
    news.ingest([write_articles(root / "articles", articles)])
    return ExtractiveAnswerer(index=news)


def test_qualifiers_by_family():
    assert ql.qualifiers("the second round, after the initial session of 2024") == {
        "ordinal": frozenset({"2", "1"}),
        "year": frozenset({"2024"}),
    }
    assert ql.qualifiers("the 22nd city in the 1990s, in February") == {
        "ordinal": frozenset({"22"}),
        "year": frozenset({"1990s"}),
        "month": frozenset({"2"}),
    }
    # "last week" dates, it does not rank; "New York" is a name; "may" is a verb
    assert ql.qualifiers("New York talks last week may resume") == {}
    assert "ordinal" not in ql.qualifiers("it weakened for the first time since March")
    assert ql.qualifiers("the former chief and the new one")["era"] == {"old", "new"}


def test_conflict_and_missing():
    asked = ql.qualifiers("when was the second round?")
    assert ql.conflicts(asked, ql.qualifiers("the initial session"))
    assert not ql.conflicts(asked, ql.qualifiers("the second round, after the initial one"))
    assert not ql.conflicts(asked, ql.qualifiers("the talks"))
    assert ql.matches(asked, ql.qualifiers("a second round"))
    assert not ql.matches(asked, ql.qualifiers("the talks"))
    # years, months and numbers must be found; an ordinal or "new" often goes unsaid
    assert ql.missing(asked, ql.qualifiers("the talks")) == 0.0
    in_2019 = ql.qualifiers("the talks of 2019 with 12 envoys")
    assert ql.missing(in_2019, ql.qualifiers("the talks")) == 1.0
    assert ql.missing(in_2019, ql.qualifiers("in 2019 the talks")) == 0.5
    # a range is no label: "founded before 1900" does not contradict "founded in 1885"
    assert ql.qualifiers("was it founded before 1900, with more than 18 staff?") == {}
    # the day of a date is not a number to look for
    assert "number" not in ql.qualifiers("published on October 20, 2023")
    february = Question("what did they say in February?").qualifiers
    assert ql.missing(february, ql.dated("2025-02-28")) == 0.0
    assert ql.missing(february, ql.dated("2025-03-01")) == 1.0


def test_negation_must_bear_on_a_word_the_sentence_states():
    plain = "Crops depend on the spring rain, farmers said."
    assert ql.negated_away("What does not depend on the rain?", plain)
    assert not ql.negated_away("What does depend on the rain?", plain)
    assert not ql.negated_away("What does not depend on the rain?", "Crops do not depend on it.")
    # a negation in a clause the sentence does not speak to
    assert not ql.negated_away("Which crops, not counting pears, depend on rain?", plain)


def test_vote_drops_a_value_labelled_with_another_ordinal():
    q = Question("When was the second round of talks?")
    sentences = [
        "This meeting was the second round of talks, with the initial session held on January 14.",
        "Building on the January 14 meeting, both sides made progress.",
        "Negotiators met in Valmora on April 10.",
    ]
    votes = vote(
        q.expects, sentences, [1.0, 0.7, 0.6], ["a", "a", "a"], q.asked, None, q.qualifiers
    )
    assert votes[0].span.text == "April 10"
    assert next(v for v in votes if v.span.text == "January 14").conflict
    first = Question("When was the initial round of talks?")
    votes = vote(
        first.expects, sentences, [1.0, 0.7, 0.6], ["a"] * 3, first.asked, None, first.qualifiers
    )
    assert votes[0].span.text == "January 14"


def test_the_second_round_is_not_answered_with_the_first_rounds_date(
    answerer: ExtractiveAnswerer,
):
    answer = answerer.answer("On what date was the second round of trade talks held?")
    assert not answer.abstained
    assert answer.short_answer == "April 10"


def test_signals_carry_qualifiers_and_negation(answerer: ExtractiveAnswerer):
    found = answerer.analyse("Who won the 2019 regional fruit prize?")
    assert found.signals["qualifier_conflict"] == 1.0
    assert found.signals["missing_qualifier"] == 1.0
    found = answerer.analyse("Who won the 2021 regional fruit prize?")
    assert found.signals["qualifier_conflict"] == 0.0
    assert found.signals["missing_qualifier"] == 0.0
    found = answerer.analyse("What does not depend on the spring rain in the Green Valley?")
    assert found.signals["negation"] == 1.0
    # in a yes/no question the negation is the claim to check, and the sentence answers it
    found = answerer.analyse("Do crops in the Green Valley not depend on the spring rain?")
    assert found.signals["negation"] == 0.0
    # a month the question names is matched by the article's date
    found = answerer.analyse("What did the farmers' union ask for in May?")
    assert found.signals["missing_qualifier"] == 0.0
    assert found.signals["missing_key"] == 0.0
