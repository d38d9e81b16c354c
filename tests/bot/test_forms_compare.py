"""Comparison form: one cited line per named outlet or side, each from that side's own articles."""

from __future__ import annotations

import pytest

from bot.answer.citations import normalise_space
from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.forms.compare import HEAD
from bot.answer.forms.side_evidence import as_written
from index.clean import clean_article
from tests.fakes.outlets import OUTLET_ARTICLES

CLEAN = {name: normalise_space(clean_article(text).text) for name, text in OUTLET_ARTICLES}


@pytest.fixture
def answerer(outlet_answerer: ExtractiveAnswerer) -> ExtractiveAnswerer:
    return outlet_answerer


def test_each_named_outlet_gets_a_line_quoting_its_own_article(answerer: ExtractiveAnswerer):
    answer = answerer.answer("How did the Guardian and ESPN describe the derby?")
    assert answer.kind == "comparison" and not answer.abstained
    assert [line.label for line in answer.lines] == ["The Guardian", "ESPN"]
    by_n = {c.n: c for c in answer.citations}
    for line in answer.lines:
        (n,) = line.n
        assert by_n[n].outlet == line.label  # each side quotes its own outlet
        assert line.text == by_n[n].quote and line.text in CLEAN[by_n[n].source]
        assert line.date == by_n[n].published
    assert [by_n[line.n[0]].source for line in answer.lines] == [
        "guardian_derby.txt",
        "espn_derby.txt",
    ]
    assert answer.answer.splitlines()[0] == HEAD
    assert answer.short_answer == answer.lines[0].text
    assert f"[{answer.lines[1].n[0]}]" in answer.answer.splitlines()[2]


def test_a_named_outlet_with_nothing_on_it_is_said_to_have_nothing(answerer: ExtractiveAnswerer):
    answer = answerer.answer("How did Reuters and ESPN describe the derby?")
    reuters, espn = answer.lines
    assert (reuters.label, reuters.n, reuters.text) == (
        "Reuters",
        [],
        "Nothing on this in Reuters.",
    )
    assert espn.n == [1] and answer.citations[0].source == "espn_derby.txt"
    assert len(answer.citations) == 1  # no citation is made up for the silent side


def test_sides_that_are_not_outlets_each_get_their_own_sentence(answerer: ExtractiveAnswerer):
    answer = answerer.answer("compare harbor bank and the central bank")
    # A side typed in lower case is labelled as the articles write it ("Harbor Bank"); one
    # they write in lower case too stays so.
    assert [line.label for line in answer.lines] == ["Harbor Bank", "central bank"]
    sources = {c.n: c.source for c in answer.citations}
    assert [sources[line.n[0]] for line in answer.lines] == [
        "reuters_bank.txt",
        "reuters_rates.txt",
    ]


def test_a_lower_case_side_takes_the_quotes_capitals_only_from_a_name():
    assert as_written("harbor bank", "Harbor Bank collapsed on Tuesday.") == "Harbor Bank"
    # Capitalised only because it starts the sentence: no name, the side stays as typed.
    assert as_written("central bank", "Central bank officials met.") == "central bank"
    assert as_written("Harbor Bank", "harbor bank") == "Harbor Bank"  # typed with capitals
