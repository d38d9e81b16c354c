"""Disagreeing sources: cases that must be found, next to the ones that must not raise an alarm."""

from __future__ import annotations

import pytest

from bot.answer.conflicts import compare, find_conflict, spelled_alike

WIRE = "US and Russian delegations met in Istanbul on {day} for talks that lasted {hours} hours."


@pytest.mark.parametrize(
    ("a", "b", "kind", "values"),
    [
        # Altered wire copies: one wording, one value changed.
        (
            WIRE.format(day="Thursday", hours="six"),
            WIRE.format(day="Thursday", hours="nine"),
            "duration",
            {"six", "nine"},
        ),
        (
            "The talks were led by Sonata Coulter, a deputy assistant secretary of state.",
            "The talks were led by Alexander Darchiev, a deputy assistant secretary of state.",
            "person",
            {"Sonata Coulter", "Alexander Darchiev"},
        ),
        (
            "The bridge will reopen to traffic on 12 May, the city said on Monday.",
            "The bridge will reopen to traffic on 19 June, the city said on Monday.",
            "date",
            {"12 May", "19 June"},
        ),
        # Differently worded reports of one fact, compared on the values asked for.
        (
            "Officials said the repairs cost 84 million euros in total.",
            "The city council put the final bill for the work at 91 million euros.",
            "money",
            {"84", "91"},
        ),
        (
            "The second round of talks took place on April 10 in Istanbul.",
            "Delegations returned to Istanbul on April 17 for a second round.",
            "date",
            {"April 10", "April 17"},
        ),
    ],
)
def test_disagreeing_values_are_a_conflict(a: str, b: str, kind: str, values: set[str]):
    found = compare(a, b, kind)
    assert found is not None and found.kind == "conflict"
    assert {v.value for v in found.versions} == values
    assert [v.index for v in found.versions] == [0, 1]


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        # The same value, worded differently.
        (
            "The repairs cost 84 million euros.",
            "The city spent 84 million euros on the repairs.",
            "money",
        ),
        # Outlet names in datelines differ; the fact does not.
        (
            "ISTANBUL (AFP) - The talks lasted six hours.",
            "ISTANBUL (Reuters) - The talks lasted six hours.",
            "duration",
        ),
        # A year is no count.
        ("The talks began in 2025.", "The talks began in 2024 and resumed.", "number"),
    ],
)
def test_agreeing_or_unrelated_values_raise_no_alarm(a: str, b: str, kind: str):
    found = compare(a, b, kind, frozenset({"AFP", "Reuters"}))
    assert found is None or found.kind != "conflict"


def test_one_name_spelled_two_ways_is_spelling_not_conflict():
    found = compare(
        "Russia's delegation was led by Alexander Darchiev.",
        "Russia's delegation was led by Alexander Darchiyev.",
        "person",
    )
    assert found is not None and found.kind == "spelling"
    assert spelled_alike("Türkiye", "Turkiye") and not spelled_alike("Russia", "Russian")


def test_find_conflict_compares_copies_of_one_story_only():
    sentences = [
        WIRE.format(day="Thursday", hours="six"),
        "The new bridge deck took 14 months to build.",
        WIRE.format(day="Thursday", hours="nine"),
    ]
    found = find_conflict(sentences, ["a1", "b1", "a2"], ["talks", "bridge", "talks"], "duration")
    assert found is not None
    i, j, finding = found
    assert (i, j, finding.kind) == (0, 2, "conflict")
    # The same two values in two different stories are two facts, not a conflict.
    assert find_conflict(sentences, ["a1", "b1", "a2"], ["t1", "b", "t2"], "duration") is None
    # Two passages of one article never conflict with each other.
    assert find_conflict(sentences, ["a1", "b1", "a1"], ["talks", "b", "talks"], "duration") is None
