"""Furniture removal: unit cases, the five seed pages, and BBC articles that must pass untouched."""

from __future__ import annotations

import datetime
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.clean import CLEANER_VERSION, clean_article, paragraph_lines

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEEDS = SHARED / "corpus" / "seeds"
BBC = SHARED / "bench" / "bbc_news" / "bbc_news.jsonl"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="shared data not present")

BODY = [
    "Envoys from both countries met in Istanbul on Thursday to discuss their embassies.",
    "The talks lasted six hours, officials said, and both sides called them constructive.",
    "A follow-up meeting will be held in the near future, the State Department said.",
]


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_cleaner_version_is_collection_name_safe() -> None:
    assert re.fullmatch(r"[a-zA-Z0-9._-]+", CLEANER_VERSION)


def test_whitespace_is_normalised_and_paragraphs_split_by_one_blank_line() -> None:
    raw = "Envoys   meet\t again\r\n\r\n\r\n  " + BODY[0].replace(" ", "\u00a0 ", 2) + "  \n"
    article = clean_article(raw)
    assert article.text == "Envoys meet again\n\n" + _norm(BODY[0])


def test_hard_wrapped_sentence_is_rejoined() -> None:
    lines = paragraph_lines("Envoys from both countries met in\nthe city on Thursday.\nNext one.")
    assert lines == ["Envoys from both countries met in the city on Thursday.", "Next one."]
    assert paragraph_lines("Line one\n\nlower start") == ["Line one", "lower start"]


def test_trailing_furniture_block_is_dropped() -> None:
    raw = "\n\n".join(
        [
            "Envoys meet again",
            *BODY,
            "LATEST NEWS",
            "1. Other story",
            "Other story",
            "Another unrelated story ends here with a full stop and enough words to count.",
        ]
    )
    article = clean_article(raw)
    assert article.text == "\n\n".join(["Envoys meet again", *BODY])
    assert "LATEST NEWS" in article.removed


def test_marker_before_any_article_text_does_not_cut_the_article() -> None:
    article = clean_article("\n\n".join(["Envoys meet again", "Latest", *BODY]))
    assert article.text == "\n\n".join(["Envoys meet again", *BODY])


def test_section_labelled_teaser_starts_the_trailing_block() -> None:
    teaser = ["WORLD Storm hits coast", "Storm hits coast", "A storm hit the coast on Friday."]
    article = clean_article("\n\n".join(["Envoys meet again", *BODY, *teaser]))
    assert "Storm" not in article.text
    assert article.text.endswith(BODY[-1])


def test_repeated_headline_list_at_the_end_is_dropped_without_a_marker() -> None:
    teasers = [
        "Storm hits the coast",
        "Storm hits the coast",
        "Prices rise again",
        "Prices rise again",
    ]
    article = clean_article("\n\n".join(["Envoys meet again", *BODY, *teasers]))
    assert article.text.endswith(BODY[-1])


def test_closing_list_of_the_article_itself_is_kept() -> None:
    items = ["Newcastle v Tottenham", "Southampton v Manchester United", "Bolton v Arsenal"]
    article = clean_article("\n\n".join(["Cup draw made", *BODY, *items]))
    assert article.text.endswith("Bolton v Arsenal")
    assert article.removed == ()


def test_repeated_headline_at_top_is_kept_once() -> None:
    raw = "\n\n".join(["Envoys meet again", "Envoys meet again", "ISTANBUL", "Envoys meet again"])
    article = clean_article(raw + "\n\n" + "\n\n".join(BODY))
    assert article.text.count("Envoys meet again") == 1
    assert article.text.startswith("Envoys meet again\n\n" + BODY[0])
    assert "ISTANBUL" not in article.text


def test_metadata_lines_are_dropped_and_parsed() -> None:
    raw = "\n".join(["Envoys meet again", "AFP", "Published On: 10 Apr 2025, 14:25", *BODY])
    article = clean_article(raw)
    assert article.text == "\n\n".join(["Envoys meet again", *BODY])
    assert article.published == datetime.date(2025, 4, 10)
    assert article.outlet == "AFP"


def test_dateline_is_kept_in_text_and_read_for_metadata() -> None:
    first = "PARIS, March 3, 2025 (AFP) - Envoys met in Paris on Monday to discuss embassies."
    article = clean_article("\n\n".join(["Envoys meet again", first, *BODY[1:]]))
    assert first in article.text
    assert (article.published, article.outlet) == (datetime.date(2025, 3, 3), "AFP")


def test_body_dates_do_not_become_the_publication_date() -> None:
    article = clean_article(
        "\n\n".join(["Envoys meet again", *BODY, "They met on April 10, 2025."])
    )
    assert article.published is None


def test_stray_lines_inside_the_body_are_dropped() -> None:
    stray = ["0", "১০", "•", "Read More: Talks begin in Saudi Arabia", "Advertisement"]
    raw = "\n\n".join(["Envoys meet again", BODY[0], *stray, *BODY[1:]])
    article = clean_article(raw)
    assert article.text == "\n\n".join(["Envoys meet again", *BODY])
    assert set(stray) <= set(article.removed)


def test_short_subheading_inside_the_body_is_kept() -> None:
    raw = "\n\n".join(["Envoys meet again", BODY[0], "‘Restoring relations’", *BODY[1:]])
    assert "‘Restoring relations’" in clean_article(raw).text


def test_text_opening_with_a_sentence_gets_a_title_but_no_extra_paragraph() -> None:
    article = clean_article("\n".join(BODY))
    assert article.text == "\n\n".join(BODY)
    assert article.title == BODY[0]


def test_markdown_heading_marker_is_not_part_of_the_title() -> None:
    article = clean_article("# Envoys meet again\n\n" + "\n\n".join(BODY))
    assert article.title == "Envoys meet again"
    assert article.text.startswith("Envoys meet again\n\n")


def test_empty_input() -> None:
    article = clean_article("  \n\n ")
    assert (article.text, article.title, article.published, article.outlet) == ("", "", None, None)


# --- the five seed pages -------------------------------------------------------------------


@dataclass(frozen=True)
class SeedCase:
    title: str
    published: datetime.date | None
    outlet: str | None
    furniture: list[str]  # strings that must not be in the text
    sentences: list[str]  # article sentences that must be in it (modulo whitespace)


SEED_CASES = {
    "000": SeedCase(
        title="Russian, US diplomats meet for Round 2 of embassy talks",
        published=datetime.date(2025, 2, 28),
        outlet=None,
        furniture=["Similar News", "Update:", "18:42 GMT"],
        sentences=[
            "Istanbul: Russian and US diplomats met in Istanbul on Thursday to discuss normalising the operation of their respective embassies after years expelling each others’ diplomats.",
            "A US Embassy official in Ankara confirmed that the Istanbul talks focused on the issues affecting the operation of respective diplomatic missions.",
            "said during a visit to Turkey on Thursday that U.S.-Russia talks should help restore the “full-fledged work of our diplomatic missions.”",
        ],
    ),
    "001": SeedCase(
        title="US, Russia discuss stabilizing embassy operations in Istanbul talks",
        published=datetime.date(2025, 2, 28),
        outlet=None,
        furniture=[
            "date 2025",
            "ISTANBUL\n",
            "Quark.Models",
            "ToUpperInvariant",
            "LATEST NEWS",
            "Recommended",
            "counterterrorism",
            "Zelensky",
            "Öcalan",
            "Musk calls Vance",
            "German inflation",
            "Mourinho",
            "WORLD",
            "ECONOMY",
            "SPORTS",
        ],
        sentences=[
            "Russian and U.S. diplomats met in Istanbul on Thursday to discuss normalizing the operation of their respective embassies after years expelling each others' diplomats.",
            "Russia also said on Friday it had suggested to the U.S. resuming direct flights between the two countries during talks in Istanbul.",
            "‘Restoring relations and dialogue’",
            "Ties between Moscow and Washington plummeted to their lowest levels since the Cold War after Russia illegally annexed Crimea from Ukraine in 2014 and invaded Ukraine in 2022.",
            "Lavrov added that based on the outcome of the meeting, “it will be clear how quickly and effectively we can move forward.”",
        ],
    ),
    "002": SeedCase(
        title="Russian, US Diplomats Hold Second Talks in Istanbul",
        published=None,
        outlet=None,
        furniture=["\n0\n", "Istanbul\n\n0"],
        sentences=[
            "In Istanbul, Russian and American diplomats convened on Thursday to address the restoration of their respective embassies’ operations after a history of expulsions of diplomats by both nations.",
            "Matvienko suggested that agreements would lead to a return to “civilized communication” disrupted by previous government actions.",
            "Lavrov expressed hope that the meeting’s outcomes would clarify the pace and efficacy of future diplomatic efforts.",
        ],
    ),
    "003": SeedCase(
        title="U.S. and Russian delegations met in Istanbul on Thursday for talks on restoring the functioning of their embassies…",
        published=None,
        outlet=None,
        furniture=["Read More", "US-Russia talks on Ukraine begin in Saudi Arabia"],
        sentences=[
            "U.S. and Russian delegations met in Istanbul on Thursday for talks on restoring the functioning of their embassies, which drastically scaled back staffing following Moscow’s invasion of Ukraine.",
            "met with a Russian delegation headed by Ambassador Aleksandr Darchiyev on April 10 in Istanbul,” the State Department said in a press statement.",
            "Deputy Assistant Secretary Coulter and Ambassador Darchiyev agreed on the necessity of convening a follow-up meeting in the near future to address these pressing issues.",
            "The talks underscore ongoing efforts by both sides to navigate complex bilateral challenges and foster diplomatic cooperation amidst existing tensions.",
        ],
    ),
    "004": SeedCase(
        title="US, Russia meet in Istanbul for talks on embassies",
        published=datetime.date(2025, 4, 10),
        outlet="BSS/AFP",
        furniture=[
            "\nBSS\n",
            "Published On",
            "14:25",
            "Latest",
            "Most Viewed",
            "Zia Sharifi",
            "Forex reserves",
            "Rangpur",
            "১০",
        ],
        sentences=[
            "ISTANBUL, April 10, 2025 (BSS/AFP)- US and Russian delegations met in Istanbul on Thursday for talks on restoring the functioning of their embassies, which drastically scaled back staffing following Moscow's invasion of Ukraine.",
            "An AFP reporter said Russian and US delegations had arrived at the Russian consulate building in Istanbul.",
            '"There are no political or security issues on the agenda, and Ukraine is not -- absolutely not -- on the agenda," she said.',
            'Moscow also wants the United States to return diplomatic property it claims has been "seized", including two summer houses used by embassy officials.',
        ],
    ),
}


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@needs_shared
@pytest.mark.parametrize("prefix", sorted(SEED_CASES))
def test_seed_metadata(prefix: str) -> None:
    case = SEED_CASES[prefix]
    article = clean_article(_seed(prefix))
    assert (article.title, article.published, article.outlet) == (
        case.title,
        case.published,
        case.outlet,
    )


@needs_shared
@pytest.mark.parametrize("prefix", sorted(SEED_CASES))
def test_seed_furniture_is_gone_and_sentences_stay(prefix: str) -> None:
    case = SEED_CASES[prefix]
    article = clean_article(_seed(prefix))
    padded = f"\n{article.text}\n"
    for furniture in case.furniture:
        assert furniture not in padded, furniture
    for sentence in case.sentences:
        assert _norm(sentence) in _norm(article.text), sentence


@needs_shared
@pytest.mark.parametrize("prefix", sorted(SEED_CASES))
def test_seed_text_is_title_then_body_and_verbatim(prefix: str) -> None:
    raw = _seed(prefix)
    article = clean_article(raw)
    paragraphs = article.text.split("\n\n")
    if not article.title.endswith("…"):
        assert paragraphs[0] == article.title
        assert article.text.count(article.title) == 1
    # Every kept paragraph is a line (or a tail of a metadata line) of the source page.
    source = _norm(raw)
    assert all(_norm(p) in source for p in paragraphs)


@needs_shared
def test_seed_every_article_sentence_survives() -> None:
    """Each source line ending in a full stop is article prose, except in the trailing blocks."""
    for prefix in SEED_CASES:
        raw = _seed(prefix)
        if prefix == "001":  # its related-story teasers after "Quark.Models" are full sentences
            raw = raw.split("Quark.Models")[0]
        text = _norm(clean_article(raw).text)
        for line in raw.splitlines():
            if len(line.split()) >= 8 and line.rstrip(" \u00a0”\"'’").endswith("."):
                assert _norm(line) in text, line


@pytest.mark.skipif(not BBC.is_file(), reason="BBC benchmark data not present")
def test_bbc_articles_survive_cleaning() -> None:
    """BBC texts carry no furniture: cleaning must keep at least 98% of their characters."""
    with BBC.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in itertools.islice(lines, 50)]
    kept = total = 0
    for record in records:
        raw = f"{record['title']}\n\n{record['text']}"
        article = clean_article(raw)
        assert article.title == _norm(record["title"])
        kept += len("".join(article.text.split()))
        total += len("".join(raw.split()))
    assert len(records) == 50
    assert kept / total >= 0.98


def test_a_credit_line_under_a_headline_that_reads_as_a_sentence_is_read() -> None:
    raw = "\n\n".join(
        [
            "Some of our favorite devices are on sale for Black Friday.",
            "By Barbara Krasnoff | The Verge | Published 2023-11-24",
            *BODY,
        ]
    )
    article = clean_article(raw)
    assert (article.outlet, article.published) == ("The Verge", datetime.date(2023, 11, 24))
    assert "Krasnoff" not in article.text


def test_a_byline_with_the_place_the_reporter_writes_from_names_the_outlet() -> None:
    raw = "\n\n".join(
        [
            "United stand up and die",
            "By Barney Ronay at Old Trafford | The Guardian | Published 2023-12-12",
            *BODY,
        ]
    )
    article = clean_article(raw)
    assert (article.outlet, article.author) == ("The Guardian", "Barney Ronay")
