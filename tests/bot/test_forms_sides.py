"""The sides a question sets against each other, read off its words (no index)."""

from __future__ import annotations

from datetime import date

from bot.answer.forms.sides import entity_sides, outlet_sides


def test_each_named_outlet_is_searched_with_its_own_clause_and_the_shared_one():
    question = "Does the Guardian say the derby was one-sided, while ESPN says City matched Rovers?"
    guardian, espn = outlet_sides(question, ["The Guardian", "ESPN"])
    assert (guardian.label, guardian.outlet, espn.outlet) == (
        "The Guardian",
        "The Guardian",
        "ESPN",
    )
    assert "one-sided" in guardian.query and "matched" not in guardian.query
    assert "matched" in espn.query and "one-sided" not in espn.query
    assert "Guardian" not in guardian.query  # the search is already restricted to it


def test_a_date_given_for_a_report_is_that_sides_day():
    question = (
        "Between the report from 'The Verge' on 2023-11-24 and the report from 'Wired' published "
        "on November 25, 2023, did the focus on power banks change?"
    )
    verge, wired = outlet_sides(question, ["The Verge", "Wired"])
    assert (verge.day, wired.day) == (date(2023, 11, 24), date(2023, 11, 25))
    assert "power banks" in verge.query and "2023" not in verge.query


def test_one_outlet_asked_about_twice_gives_a_side_per_clause():
    question = (
        "Did Sporting News report a win for the Eagles, and did it report a loss for the Cowboys?"
    )
    first, second = outlet_sides(question, ["Sporting News"])
    assert first.outlet == second.outlet == "Sporting News"
    assert "Eagles" in first.query and "Cowboys" not in first.query
    assert "Cowboys" in second.query


def test_the_same_source_names_the_outlet_again():
    question = (
        "Did ESPN call the derby close, while the same source said City were outplayed in the "
        "final minutes?"
    )
    assert [s.outlet for s in outlet_sides(question, ["ESPN"])] == ["ESPN", "ESPN"]


def test_sides_that_are_not_outlets():
    toyota, nissan = entity_sides("toyota vs nissan us sales")
    assert (toyota.label, nissan.label) == ("toyota", "nissan us")
    assert "nissan" not in toyota.query and "toyota" not in nissan.query
    first, then = entity_sides("which came first, the rate rise or the bank collapse?")
    assert (first.label, then.label) == ("rate rise", "bank collapse")
    assert entity_sides("who won the derby?") == []


def test_a_time_or_a_phrase_is_not_a_side():
    assert entity_sides("was the new mini launched before 2002?") == []
    assert entity_sides("did air china start trading before christmas") == []
    assert entity_sides("how does shell's deal compare in size with exxon's?") == []
    event, later = entity_sides("did the strike start before the 2014 merger?")
    assert (event.label, later.label) == ("strike", "2014 merger")


def test_an_outlet_named_again_in_the_question_proper_is_no_new_side():
    question = (
        "Between the Guardian report on the one-sided derby and the ESPN report on the derby, "
        "did the Guardian report come first?"
    )
    sides = outlet_sides(question, ["The Guardian", "ESPN"])
    assert [s.outlet for s in sides] == ["The Guardian", "ESPN"]
    assert all("Guardian" not in s.query for s in sides)


def test_a_side_whose_clause_names_nothing_is_searched_with_the_questions_names():
    question = (
        "Does the Guardian report a big game for Tyreek Hill, compared to the season totals "
        "discussed in the New York Times?"
    )
    guardian, times = outlet_sides(question, ["The Guardian", "The New York Times"])
    assert "Tyreek Hill" in times.query and "season totals" in times.query
    assert guardian.query.count("Tyreek Hill") == 1  # a clause that names him is left as is
    assert "Guardian" not in times.query and "York" not in times.query


def test_a_side_named_by_its_month_is_a_when_not_a_word_to_hold():
    first, second = entity_sides("did the march talks come before the april ones?")
    assert (first.label, first.month, second.label, second.month) == (
        "March talks",
        3,
        "April ones",
        4,
    )
    # Neither side needs its month (or "ones") in a sentence: an article's date is metadata.
    assert first.terms == {"talk"} and second.terms == frozenset()
    # Each is searched with the whole question less the other side's month.
    assert "talks" in second.query and "march" not in second.query.lower()
    assert "april" not in first.query.lower()
