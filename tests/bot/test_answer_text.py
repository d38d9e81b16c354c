"""Text features the extractive answerer scores with: answer types, type matches, abbreviations."""

from __future__ import annotations

import pytest

from bot.answer.text import (
    answer_type,
    content_terms,
    proper_terms,
    stem,
    type_match,
    unabbreviate,
    words,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who led the US delegation?", "person"),
        ("Whose delegation arrived first?", "person"),
        ("Which official spoke for the ministry?", "person"),
        ("When was the first session held?", "date"),
        ("On what date did the second round take place?", "date"),
        ("Where was Lavrov when he spoke?", "place"),
        ("In which city did the diplomats meet?", "place"),
        ("How many properties were seized?", "number"),
        ("How much did the repairs cost?", "money"),
        ("How much did the museum pay for the codex?", "money"),
        ("How long did the talks last?", "duration"),
        ("How many hours did the talks last?", "duration"),
        ("Was Ukraine on the agenda?", "yesno"),
        ("Did the council approve the plan?", "yesno"),
        ("What did Russia suggest about flights?", "other"),
    ],
)
def test_answer_type(question: str, kind: str):
    assert answer_type(question) == kind


@pytest.mark.parametrize(
    ("kind", "sentence", "question", "expected"),
    [
        ("duration", "The talks lasted for over six hours.", "How long?", 1.0),
        ("duration", "The talks ended on Thursday.", "How long?", 0.0),
        ("money", "The repairs cost 84 million euros.", "How much did it cost?", 1.0),
        ("money", "The museum paid €2.3m.", "How much did it cost?", 1.0),
        ("money", "The repairs took two years.", "How much did it cost?", 0.0),
        ("number", "Six properties were seized.", "How many properties?", 1.0),
        ("number", "Properties were seized.", "How many properties?", 0.0),
        ("date", "The bridge reopens on 12 May.", "When does it reopen?", 1.0),
        ("date", "They met on April 10 in Istanbul.", "When did they meet?", 1.0),
        ("date", "The bridge reopens soon.", "When does it reopen?", 0.0),
        ("place", "The diplomats met in Istanbul.", "Where did the diplomats meet?", 1.0),
        # A place the question itself names is not an answer to it.
        ("place", "The diplomats met in Istanbul.", "Where in Istanbul did they meet?", 0.0),
        ("person", "The delegation was led by Sonata Coulter.", "Who led the delegation?", 1.0),
        ("person", "The delegation met for six hours.", "Who led the delegation?", 0.0),
        # A name right after the asked-for role scores above a name anywhere.
        ("person", "The spokeswoman Tammy Bruce said so.", "Who is the spokeswoman?", 1.5),
        ("yesno", "Ukraine is not on the agenda.", "Is Ukraine on the agenda?", 1.0),
        ("yesno", "Ukraine is on the agenda.", "Is Ukraine on the agenda?", 0.0),
        ("other", "Anything at all.", "What happened?", 0.5),
    ],
)
def test_type_match(kind: str, sentence: str, question: str, expected: float):
    assert type_match(kind, sentence, question) == expected


def test_unabbreviate_joins_dotted_abbreviations():
    assert unabbreviate("U.S.") == "US"
    assert unabbreviate("the U.K. and the U.S.A.") == "the UK and the USA"
    assert unabbreviate("U.S.-Russia talks") == "US-Russia talks"
    assert unabbreviate("e.g. no change") == "e.g. no change"


def test_words_and_terms():
    assert words("The U.S. delegation, led by Coulter.") == [
        "The",
        "US",
        "delegation",
        "led",
        "by",
        "Coulter",
    ]
    # Stopwords and question words carry no meaning; stems match inflections.
    assert content_terms("Who led the delegations?") == ["led", stem("delegation")]
    assert stem("Talks") == stem("talk")
    # Capitalised words after the first: names, places, nationalities.
    assert proper_terms("Who led the Russian delegation in Istanbul?") == [
        stem("Russian"),
        stem("Istanbul"),
    ]


def test_a_capitalised_word_after_the_is_not_a_person():
    assert (
        type_match("person", "The Harbour bridge will reopen on 12 May.", "Who is the mayor?")
        == 0.0
    )


def test_a_sentence_initial_word_is_not_a_place():
    assert (
        type_match("place", "Engineers replaced 400 steel cables.", "Where is the bridge?") == 0.0
    )
    assert type_match("place", "Curator Paul Amsel said so.", "Where is the book?") == 0.0
    # Datelines still name a place.
    assert type_match("place", "ISTANBUL, April 10 (AFP) - Diplomats met.", "Where?") == 1.0
    assert type_match("place", "Doha: Lavrov spoke.", "Where did Lavrov speak?") == 1.0


def test_bare_month_and_this_week_are_dates():
    question = "When did the frost hit?"
    assert type_match("date", "He had never seen frost so late in April.", question) == 1.0
    assert type_match("date", "A late frost destroyed the blossom this week.", question) == 1.0
