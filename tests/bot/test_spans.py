"""Short answers: typed candidate spans, votes across sentences, metadata never an answer."""

from __future__ import annotations

import pytest

from bot.answer.question import Question
from bot.answer.spans import candidates, phrase, vote


def spans(question: str, sentence: str) -> list[str]:
    q = Question(question)
    return [s.text for s in candidates(q.expects, sentence, q.asked)]


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        (
            "who led the us delegation",
            "The U.S. delegation was led by Deputy Assistant Secretary of State for Russia and "
            "Central Europe Sonata Coulter.",
            ["Sonata Coulter"],
        ),
        (
            "Who heads the agency?",
            "It is headed by Ambassador Alexander Darchiev.",
            ["Alexander Darchiev"],
        ),
        ("when will the bridge reopen?", "The bridge will reopen on 12 May.", ["12 May"]),
        ("how many properties were seized", "Six properties were seized.", ["Six properties"]),
        (
            "which company bought the mine?",
            "The mine was bought by Glencore last year.",
            ["Glencore"],
        ),
    ],
)
def test_candidates_hold_the_kind_asked_for(question: str, sentence: str, expected: list[str]):
    assert spans(question, sentence) == expected


def test_a_name_the_question_already_holds_is_no_answer():
    assert spans("Who did Sonata Coulter meet?", "Sonata Coulter met them.") == []


def test_a_person_question_skips_organisation_names():
    found = spans("who runs it", "It is run by Jane Moss of the North American Department.")
    assert found == ["Jane Moss"]


def test_vote_prefers_the_name_next_to_the_question_words():
    q = Question("Who headed the Russian side?")
    sentence = (
        "The US side was led by Sonata Coulter, while the Russian side was headed by "
        "Alexander Darchiev."
    )
    votes = vote(q.expects, [sentence], [1.0], ["s1"], q.asked)
    assert votes[0].span.text == "Alexander Darchiev"


def test_vote_pools_agreeing_sentences_and_spellings():
    q = Question("who chaired the meeting")
    sentences = [
        "The meeting was chaired by Aleksandr Darchiyev on Monday.",
        "Alexander Darchiev chaired the meeting, officials said.",
        "Mary Smith attended the meeting as an observer, and chaired nothing.",
    ]
    votes = vote(q.expects, sentences, [0.5, 0.5, 0.6], ["a", "b", "c"], q.asked)
    assert "Darchi" in votes[0].span.text
    assert votes[0].stories == 2


def test_phrase_picks_the_clause_that_adds_to_the_question():
    q = Question("What did Russia suggest about air travel?")
    span = phrase("Russia suggested resuming direct flights, the ministry said.", q.asked)
    assert span is not None and "direct flights" in span.text
