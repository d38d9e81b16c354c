"""Title, publication date and outlet detection from an article's top lines."""

from __future__ import annotations

import datetime

import pytest

from index.metadata import (
    find_outlet,
    find_published,
    find_title,
    parse_date_line,
    parse_dateline,
    parse_meta_line,
    title_from_text,
)

D = datetime.date


@pytest.mark.parametrize(
    ("line", "published", "rest"),
    [
        ("Update: 2025-02-28 18:42 GMT", D(2025, 2, 28), ""),
        ("date 2025-02-28 US, Russia discuss talks", D(2025, 2, 28), "US, Russia discuss talks"),
        ("Published On: 10 Apr 2025, 14:25", D(2025, 4, 10), ""),
        ("Last updated: Thursday, April 10, 2025 at 9:05 am EST", D(2025, 4, 10), ""),
        ("Posted on 3rd March 2024", D(2024, 3, 3), ""),
    ],
)
def test_parse_meta_line(line: str, published: datetime.date, rest: str) -> None:
    meta = parse_meta_line(line)
    assert meta is not None
    assert (meta.published, meta.rest) == (published, rest)


@pytest.mark.parametrize(
    "line",
    [
        "Update: Russia says talks went well",  # a label, but no date
        "Updated 3 hours ago",
        "Putin said the date 2025-02-28 was chosen.",  # the label must open the line
        "Published On: 2025-02-30",  # not a calendar day
    ],
)
def test_parse_meta_line_rejects_non_metadata(line: str) -> None:
    assert parse_meta_line(line) is None


def test_parse_date_line_needs_the_whole_line() -> None:
    assert parse_date_line("10 Apr 2025, 14:25") == D(2025, 4, 10)
    assert parse_date_line("Thursday, April 10, 2025") == D(2025, 4, 10)
    assert parse_date_line("April 10, 2025 was a Thursday") is None


def test_parse_dateline_with_date_and_agency() -> None:
    dateline = parse_dateline("ISTANBUL, April 10, 2025 (BSS/AFP)- US and Russian delegations met")
    assert dateline is not None
    assert (dateline.place, dateline.published, dateline.agency) == (
        "ISTANBUL",
        D(2025, 4, 10),
        "BSS/AFP",
    )


def test_parse_dateline_agency_only() -> None:
    dateline = parse_dateline("LONDON (Reuters) - Britain's economy grew")
    assert dateline is not None
    assert (dateline.published, dateline.agency) == (None, "Reuters")


@pytest.mark.parametrize(
    "line",
    [
        "Istanbul: Russian and US diplomats met in Istanbul on Thursday.",
        "U.S. and Russian delegations met in Istanbul on Thursday.",
        "US officials met on April 10, 2025 in Istanbul.",
    ],
)
def test_parse_dateline_rejects_plain_sentences(line: str) -> None:
    assert parse_dateline(line) is None


def test_find_published_ignores_dates_inside_body_sentences() -> None:
    lines = [
        "Envoys meet again",
        "A U.S. delegation met a Russian delegation on April 10 in Istanbul, officials said.",
        "The first session was held on February 27, 2025 in Istanbul.",
    ]
    assert find_published(lines) is None


def test_find_published_takes_the_first_metadata_line() -> None:
    lines = ["Headline", "BSS", "Published On: 10 Apr 2025, 14:25", "Update: 2025-05-01"]
    assert find_published(lines) == D(2025, 4, 10)


def test_find_published_only_looks_near_the_top() -> None:
    body = [f"Sentence number {i} of the article goes on for a while." for i in range(20)]
    assert find_published(["Headline", *body, "Update: 2025-02-28 18:42 GMT"]) is None


def test_find_outlet_prefers_the_dateline_agency() -> None:
    lines = [
        "US, Russia meet in Istanbul",
        "BSS",
        "ISTANBUL, April 10, 2025 (BSS/AFP)- US and Russian delegations met on Thursday.",
    ]
    assert find_outlet(lines) == "BSS/AFP"
    assert find_outlet(lines[:2]) == "BSS"


def test_find_outlet_does_not_guess() -> None:
    lines = ["US, Russia discuss embassies", "ISTANBUL", "Russian and U.S. diplomats met."]
    assert find_outlet(lines) is None


def test_find_title_skips_metadata_and_cuts_date_prefix() -> None:
    assert find_title(["BSS", "Update: 2025-02-28", "Envoys meet again"]) == "Envoys meet again"
    assert find_title(["date 2025-02-28 Envoys meet again", "Envoys meet again"]) == (
        "Envoys meet again"
    )


def test_find_title_is_none_when_text_opens_with_a_sentence() -> None:
    sentence = "U.S. and Russian delegations met in Istanbul on Thursday for talks on embassies."
    assert find_title([sentence]) is None


def test_title_from_text_cuts_at_a_word() -> None:
    title = title_from_text("word " * 50, limit=22)
    assert title == "word word word word…"
    assert title_from_text("Short line.") == "Short line."


def test_credit_lines_are_metadata_not_text():
    from index.clean import clean_article
    from index.metadata import parse_byline

    byline = parse_byline("By Elizabeth Lopatto | The Verge | Published 2023-10-06")
    assert byline is not None
    assert (byline.author, byline.outlet, str(byline.published)) == (
        "Elizabeth Lopatto",
        "The Verge",
        "2023-10-06",
    )
    assert parse_byline("Cnbc | World Business News Leader | Published 2023-10-06").outlet == "Cnbc"
    assert parse_byline("By the way, shares fell 5% | more") is None
    assert parse_byline("Shares fell | Markets") is None
    raw = (
        "Big news today\n\nBy Jane Doe | The Verge | Updated March 3, 2024\n\n"
        "The company said on Monday that it would cut 500 jobs across Europe, a memo showed.\n\n"
        "Photo: John Smith/Getty Images\n\n"
        "Sign up for our free newsletter to get the latest updates in your inbox.\n\n"
        "The cuts follow a weak quarter, the chief executive said in a statement to staff."
    )
    art = clean_article(raw)
    assert (art.author, art.outlet, str(art.published)) == ("Jane Doe", "The Verge", "2024-03-03")
    assert "Jane Doe" not in art.text and "Getty" not in art.text and "newsletter" not in art.text
    assert "cut 500 jobs" in art.text and "weak quarter" in art.text
