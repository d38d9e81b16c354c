"""Date filters: explicit --since/--until, and months or years named in a question."""

from __future__ import annotations

from datetime import date

import pytest

from index.datefilter import DateFilter, filter_from_question


@pytest.mark.parametrize(
    ("question", "months", "year"),
    [
        ("What was agreed in April?", {4}, None),
        ("What was agreed in February 2025?", {2}, 2025),
        ("What happened during March?", {3}, None),
        ("What was said on April 10?", {4}, None),
        ("What was said on 10 April 2025?", {4}, 2025),
        ("What did the February talks achieve?", {2}, None),
        ("Who spoke in April and in June?", {4, 6}, None),
        ("What opens in May?", {5}, None),
        ("What happened in 2024?", set(), 2024),
    ],
)
def test_months_and_years_named_in_a_question(question: str, months: set[int], year: int | None):
    found = filter_from_question(question)
    assert found is not None
    assert found.months == frozenset(months)
    assert found.year == year
    assert found.include_undated  # a guess never hides undated articles
    assert found.active


@pytest.mark.parametrize(
    "question",
    [
        "Who led the US delegation?",
        "What may happen next?",  # 'may' the verb
        "Who won the 2024 Champions League final?",  # a year as a name, not 'in 2024'
        "Will the marchers march in the square?",
    ],
)
def test_no_filter_when_the_question_names_no_date(question: str):
    assert filter_from_question(question) is None


def test_guessed_month_filter_accepts_that_month_and_undated():
    april = filter_from_question("What was agreed in April?")
    assert april is not None
    assert april.accepts(20250410)
    assert april.accepts(20240401)  # no year named: any April
    assert not april.accepts(20250227)
    assert april.accepts(0)


def test_explicit_range_excludes_outside_days_and_undated():
    window = DateFilter(since=date(2025, 3, 1), until=date(2025, 4, 10))
    assert window.active
    assert window.accepts(20250301) and window.accepts(20250410)  # bounds are inclusive
    assert not window.accepts(20250228)
    assert not window.accepts(20250411)
    assert not window.accepts(0)


def test_year_filter():
    in_2024 = filter_from_question("What happened in 2024?")
    assert in_2024 is not None
    assert in_2024.accepts(20241231) and not in_2024.accepts(20250101)


def test_empty_filter_is_inactive():
    assert not DateFilter().active
    assert DateFilter().accepts(20250101)


def test_since_a_month_keeps_later_months():
    found = filter_from_question("What has changed since February 2025?")
    assert found is not None
    assert found.accepts(20250227)
    assert found.accepts(20250410)  # April is after February
