"""The five seed articles through the real ingest: clean, verbatim, dated, grouped, window-sized."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from index.api import NewsIndex
from index.clean import clean_article
from index.config import IndexConfig
from index.embed import Embedder
from index.ingest import IngestReport

FURNITURE = [
    "Similar News",
    "LATEST NEWS",
    "Recommended",
    "Most Viewed",
    "Quark.Models",
    "Read More:",
    "Trump cuts short Zelensky",
    "German inflation stays flat",
    "Mourinho",
    "Musk calls Vance",
    "Öcalan",
    "Forex reserves",
    "Zia Sharifi",
    "Cambodia-Thailand border clashes",
    "১০",
]

# Sentences from the body of each seed (whitespace may differ: 002 is indented).
KEY_SENTENCES = {
    "000": [
        "A US Embassy official in Ankara confirmed that the Istanbul talks focused on the issues "
        "affecting the operation of respective diplomatic missions.",
        "Valentina Matvienko, speaker of the Russian parliament’s upper house, said during a visit "
        "to Turkey on Thursday that U.S.-Russia talks should help restore the “full-fledged work "
        "of our diplomatic missions.”",
    ],
    "001": [
        "Russia also said on Friday it had suggested to the U.S. resuming direct flights between "
        "the two countries during talks in Istanbul.",
        "For the talks in Istanbul, the U.S. delegation was led by Deputy Assistant Secretary of "
        "State for Russia and Central Europe Sonata Coulter",
        "Lavrov added that based on the outcome of the meeting, “it will be clear how quickly and "
        "effectively we can move forward.”",
    ],
    "002": [
        "Matvienko suggested that agreements would lead to a return to “civilized communication” "
        "disrupted by previous government actions.",
        "Lavrov expressed hope that the meeting’s outcomes would clarify the pace and efficacy of "
        "future diplomatic efforts.",
    ],
    "003": [
        "U.S. and Russian delegations met in Istanbul on Thursday for talks on restoring the "
        "functioning of their embassies",
        "Deputy Assistant Secretary Coulter and Ambassador Darchiyev agreed on the necessity of "
        "convening a follow-up meeting in the near future to address these pressing issues.",
        "The talks underscore ongoing efforts by both sides to navigate complex bilateral "
        "challenges and foster diplomatic cooperation amidst existing tensions.",
    ],
    "004": [
        "An AFP reporter said Russian and US delegations had arrived at the Russian consulate "
        "building in Istanbul.",
        "Moscow also wants the United States to return diplomatic property it claims has been "
        '"seized", including two summer houses used by embassy officials.',
    ],
}


@dataclass
class SeedIndex:
    news: NewsIndex
    report: IngestReport
    folder: Path
    chunks: list[tuple[str, str, dict[str, Any]]]  # (id, text, metadata)
    records: dict[str, dict[str, Any]]  # seed prefix ("000") -> source record


@pytest.fixture(scope="module")
def seed_index(
    seeds: Path, embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> SeedIndex:
    """The seeds ingested once for the module, into their own store (not the per-test home)."""
    news = NewsIndex(IndexConfig(home=tmp_path_factory.mktemp("seeds") / "home"), embedder=embedder)
    report = news.ingest([seeds])
    got = news.collections().chunks.get(include=["documents", "metadatas"])
    chunks = list(zip(got["ids"], got["documents"], got["metadatas"], strict=True))
    records = {m["source"][:3]: m for m in news.collections().all_docs().values()}
    return SeedIndex(news, report, seeds, chunks, records)


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_all_five_seeds_are_stored_complete(seed_index: SeedIndex):
    assert sorted(seed_index.records) == ["000", "001", "002", "003", "004"]
    assert {m["state"] for m in seed_index.records.values()} == {"complete"}
    assert not seed_index.report.skipped
    ids = [cid for cid, _, _ in seed_index.chunks]
    assert len(ids) == len(set(ids)) == seed_index.news.stats()["chunks"]


@pytest.mark.parametrize("furniture", FURNITURE)
def test_no_furniture_in_any_stored_chunk(seed_index: SeedIndex, furniture: str):
    offenders = [cid for cid, text, _ in seed_index.chunks if furniture in text]
    assert not offenders, f"{furniture!r} stored in {offenders}"


def test_each_chunk_is_a_verbatim_slice_of_its_cleaned_article(seed_index: SeedIndex):
    cleaned = {
        path.name: clean_article(path.read_text(encoding="utf-8")).text
        for path in seed_index.folder.iterdir()
    }
    for cid, text, meta in seed_index.chunks:
        article = cleaned[meta["source"]]
        assert article[meta["start"] : meta["end"]] == text, cid


def test_chunks_cover_every_character_of_the_cleaned_articles(seed_index: SeedIndex):
    """No article text is lost between chunks: their spans cover the cleaned text."""
    for path in seed_index.folder.iterdir():
        article = clean_article(path.read_text(encoding="utf-8")).text
        covered = [False] * len(article)
        for _, _, meta in seed_index.chunks:
            if meta["source"] == path.name:
                covered[meta["start"] : meta["end"]] = [True] * (meta["end"] - meta["start"])
        lost = "".join(ch for ch, ok in zip(article, covered, strict=True) if not ok)
        assert not lost.strip(), f"{path.name}: text outside every chunk: {lost.strip()[:80]!r}"


@pytest.mark.parametrize("seed", sorted(KEY_SENTENCES))
def test_key_article_sentences_are_in_the_chunks(seed_index: SeedIndex, seed: str):
    text = _squash(" ".join(t for _, t, m in seed_index.chunks if m["source"].startswith(seed)))
    for sentence in KEY_SENTENCES[seed]:
        assert _squash(sentence) in text


def test_dates_are_found_and_never_invented(seed_index: SeedIndex):
    expected = {
        "000": "2025-02-28",
        "001": "2025-02-28",
        "002": "",
        "003": "",
        "004": "2025-04-10",
    }
    assert {k: m["published"] for k, m in seed_index.records.items()} == expected
    for _, _, meta in seed_index.chunks:
        want = expected[meta["source"][:3]]
        assert meta["published"] == want
        assert meta["published_day"] == (int(want.replace("-", "")) if want else 0)


def test_stories_group_the_two_rounds_of_talks(seed_index: SeedIndex):
    story = {k: m["story_id"] for k, m in seed_index.records.items()}
    assert story["000"] == story["001"] == story["002"]
    assert story["003"] == story["004"]
    assert story["000"] != story["003"]
    assert seed_index.report.stories == 2
    assert seed_index.news.stats()["stories"] == 2
    for _, _, meta in seed_index.chunks:
        assert meta["story_id"] == story[meta["source"][:3]]


def test_reingest_embeds_nothing(seed_index: SeedIndex):
    before = seed_index.news.stats()
    again = seed_index.news.ingest([seed_index.folder])
    assert again.chunks_embedded == 0
    assert again.unchanged == 5
    assert not again.added and not again.updated and not again.removed and not again.recovered
    assert seed_index.news.stats()["chunks"] == before["chunks"]


def test_every_chunk_fits_the_model_window(seed_index: SeedIndex, embedder: Embedder):
    """MiniLM reads 256 word pieces ([CLS] and [SEP] included) and silently drops the rest."""
    assert embedder.max_tokens == 256
    for cid, text, _ in seed_index.chunks:
        pieces = embedder.word_pieces(text)  # type: ignore[attr-defined]
        assert pieces <= 256, f"{cid}: {pieces} word pieces"
