"""Who said what: speakers and their words, "she said" followed back to the named speaker."""

from __future__ import annotations

import pytest

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.forms.attribution import name_of, speaker_phrase
from bot.answer.forms.speech import parse
from prompts import ABSTENTION
from tests.fakes.ferry import assert_lines_cited


@pytest.fixture
def answerer(ferry_answerer_shared: ExtractiveAnswerer) -> ExtractiveAnswerer:
    return ferry_answerer_shared


def test_what_did_a_speaker_say_quotes_them_including_he_added(answerer: ExtractiveAnswerer):
    answer = answerer.answer("What did Paulo Reis say about the ferries?")
    assert answer.kind == "quote" and not answer.abstained
    assert {line.label for line in answer.lines} == {"Paulo Reis"}
    said = " ".join(line.text for line in answer.lines)
    assert "Nobody got everything they wanted" in said  # "..., he added." is his
    # The line holds the sentence that names him, so the citation shows who "he" is.
    assert any(
        "Paulo Reis told reporters" in line.text and "he added" in line.text
        for line in answer.lines
    )
    assert_lines_cited(answer)


def test_who_said_names_the_speaker_followed_back_from_she_said(answerer: ExtractiveAnswerer):
    answer = answerer.answer('who said "we want the night crossings back"')
    assert answer.short_answer == "Marta Sousa"
    assert answer.answer.startswith("Marta Sousa [1]")
    assert answer.lines[0].label == "Marta Sousa"
    assert_lines_cited(answer)


def test_a_speaker_the_articles_never_mention_is_an_abstention(answerer: ExtractiveAnswerer):
    answer = answerer.answer("What did the Chinese foreign minister say about the ferry strike?")
    assert answer.abstained and answer.answer == ABSTENTION and answer.lines == []


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        (
            "Kremlin spokesman Dmitry Peskov said the talks followed a call.",
            "Kremlin spokesman Dmitry Peskov",
        ),
        ('"The first contacts encourage hopes," Putin said.', "Putin"),
        ('"Not that I am aware of," Mr Myers replied.', "Mr Myers"),
        (
            '"Scale matters," said GE\'s chief executive Jeff Immelt.',
            "GE's chief executive Jeff Immelt",
        ),
        (
            "According to a State Department spokesperson, this was the second round.",
            "a State Department spokesperson",
        ),
        (
            "Later Thursday, a spokesman for the State Department said: “We raised concerns.”",
            "a spokesman for the State Department",
        ),
        ('"There are no political issues on the agenda," she said.', "she"),
        (
            "Moscow had no comment after the talks, which Russian news agencies said lasted six hours.",
            "Russian news agencies",
        ),
        # Not speech: a passive, a possessive before a noun, no speaker at all.
        ("It was noted that no officials were present.", None),
        ("Analysts doubted Gordon Brown's forecasts for tax revenues.", None),
        ("Delegations met in Istanbul on Thursday.", None),
    ],
)
def test_speaker_phrases(sentence: str, speaker: str | None):
    assert speaker_phrase(sentence) == speaker


def test_names_in_speaker_phrases():
    assert name_of("Kremlin spokesman Dmitry Peskov") == "Dmitry Peskov"
    assert name_of("Nicolas Sarkozy of France") == "Nicolas Sarkozy"
    assert name_of("Economic and Fiscal Policy Minister Heizo Takenaka") == "Heizo Takenaka"
    assert name_of("An AFP reporter") == "An AFP reporter"
    assert name_of("Mr Panke") == "Panke"


def test_speech_questions_parse_into_speaker_and_topic():
    asked = parse("what did kirchner say about the debt swap")
    assert asked is not None and asked.mode == "said" and asked.speaker == ["kirchner"]
    assert "debt" in asked.topic and "say" not in asked.topic
    who = parse('who said "this market simply wants to go up" about crude')
    assert who is not None and who.mode == "who" and "market" in who.topic
    assert parse("According to the FAO, how many people rely on farming?") is None
