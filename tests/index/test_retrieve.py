"""Hybrid retrieval on a real Chroma store with the real model: BM25 + dense, story dedupe, dates,
and a retriever that follows the index as ingests add and prune articles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from index.api import NewsIndex
from index.config import IndexConfig
from index.embed import Embedder
from index.errors import IndexNotBuiltError
from index.lexical import LexicalIndex
from index.retrieve import Passage
from tests.fakes.articles import BRIDGE, CHESS, ORCHARD, many_articles, write_articles

# The bridge story again, from another outlet, undated: one story with BRIDGE (shared wording).
BRIDGE_AP = """City bridge repairs nearly done

PORTVILLE (AP) - The Harbour bridge will reopen to traffic on 12 May after two years of repairs, the city council said.
Engineers replaced 400 steel cables and resurfaced the deck, council spokeswoman Ada Lind said.
The repairs cost 84 million euros, twice the first estimate.
"""

# The same story a day later from the same outlet, with facts BRIDGE lacks.
BRIDGE_UPDATE = """Harbour bridge reopening confirmed

PORTVILLE, March 4, 2025 (PNA/Reuters)- The Harbour bridge will reopen to traffic on 12 May after two years of repairs, the city council said on Monday.
Engineers replaced 400 steel cables and resurfaced the deck, council spokeswoman Ada Lind said.
Buses will cross the bridge free of charge during the first week, and a ferry service that ran during the closure will stop on 30 May, the transport authority announced on Tuesday.
"""

MUSEUM = """Museum buys rare manuscript

Published: 2025-04-15

The Ridgeton city museum has acquired the Vellichor codex, a twelfth-century manuscript, at an auction in Geneva.
Curator Paul Amsel said the book will go on display in the autumn after conservation work.
The museum paid 2.3 million euros, funded mostly by private donors.
"""

ARTICLES = [
    ("bridge.txt", BRIDGE),  # 2025-03-03, PNA/Reuters
    ("bridge_ap.txt", BRIDGE_AP),  # undated copy of the bridge story
    ("orchard.md", ORCHARD),  # 2025-04-02
    ("chess.txt", CHESS),  # undated
    ("museum.txt", MUSEUM),  # 2025-04-15
]
BRIDGE_STORY = {"bridge.txt", "bridge_ap.txt"}


@pytest.fixture(scope="module")
def news(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory):
    """One index of the five articles, shared by the read-only tests of this module."""
    root = tmp_path_factory.mktemp("retrieve")
    index = NewsIndex(IndexConfig(home=root / "home"), embedder=embedder)
    report = index.ingest([write_articles(root / "articles", ARTICLES)])
    assert sorted(report.added) == sorted(name for name, _ in ARTICLES)
    assert report.stories == 4  # the two bridge copies are one story
    return index


def sources(passages: list[Passage]) -> list[str]:
    return [p.source for p in passages]


def test_search_before_any_ingest_says_what_to_do(index_config: IndexConfig, embedder):
    with pytest.raises(IndexNotBuiltError, match="newsbot ingest"):
        NewsIndex(index_config, embedder=embedder).search("anything")


def test_rare_word_only_bm25_matches_is_found(news: NewsIndex):
    # "Lind" (the spokeswoman) means nothing to the embedding model: by cosine alone the bridge
    # passage ranks below others; BM25 matches the word and fusion puts it first.
    found = news.search("Lind")
    top = found[0]
    assert top.source in BRIDGE_STORY
    assert "Ada Lind" in top.text
    assert top.lexical > 0
    assert top.score < max(p.score for p in found[1:])
    assert all(p.lexical == 0 for p in found[1:])


def test_paraphrased_question_is_found_by_meaning(news: NewsIndex):
    # No word of the question (after stemming) occurs in the orchard article.
    found = news.search("Which fruit crop was hurt by cold weather?")
    assert found[0].source == "orchard.md"
    assert found[0].lexical == 0.0
    assert found[0].score > 0.4
    assert "apple blossom" in found[0].text


def test_passage_carries_citation_metadata_and_sentence_spans(news: NewsIndex):
    top = news.search("How much did the museum pay for the manuscript?")[0]
    assert top.source == "museum.txt"
    assert top.title == "Museum buys rare manuscript"
    assert top.published == "2025-04-15"
    assert top.outlet is None  # no outlet named: None, not "None" or ""
    assert top.sentences, "sentence spans are stored with the chunk"
    sentences = top.sentence_texts()
    assert "The museum paid 2.3 million euros, funded mostly by private donors." in sentences
    assert top.chunk_id.startswith(f"{top.article_id}:")


def test_one_passage_per_story_lists_the_other_copy(news: NewsIndex):
    found = news.search("When will the Harbour bridge reopen?")
    bridge = [p for p in found if p.source in BRIDGE_STORY]
    assert len(bridge) == 1, sources(found)
    (hit,) = bridge
    assert found[0] is hit
    other = {"bridge.txt": "AP", "bridge_ap.txt": "PNA/Reuters"}[hit.source]
    assert hit.also_reported_by == (other,)
    assert len({p.story_id for p in found}) == len(found)
    assert all(p.also_reported_by == () for p in found if p is not hit)


def test_results_are_ranked_by_fused_score_and_capped_at_k(news: NewsIndex):
    found = news.search("museum manuscript auction", k=2)
    assert len(found) == 2
    assert found[0].source == "museum.txt"
    assert found[0].fused >= found[1].fused


def test_explicit_since_excludes_earlier_and_undated_articles(news: NewsIndex):
    found = news.search("When will the Harbour bridge reopen?", k=10, since=date(2025, 4, 1))
    # The undated bridge copy belongs to a story dated 3 March: it is excluded too.
    assert set(sources(found)) == {"orchard.md", "museum.txt"}


def test_explicit_until_keeps_the_undated_copy_of_a_dated_story(news: NewsIndex):
    found = news.search("Who said the bridge will reopen?", k=10, until=date(2025, 3, 31))
    assert found and set(sources(found)) <= BRIDGE_STORY
    window = news.search("museum", k=10, since=date(2025, 4, 10), until=date(2025, 4, 20))
    assert sources(window) == ["museum.txt"]


def test_month_in_the_question_filters_but_keeps_undated_articles(news: NewsIndex):
    found = news.search("What happened in April?", k=10)
    names = set(sources(found))
    assert {"orchard.md", "museum.txt"} <= names
    assert "chess.txt" in names  # undated: a guessed filter never hides it
    assert not names & BRIDGE_STORY  # March, and its undated copy counts as March
    # The same question without the month sees everything.
    assert BRIDGE_STORY & set(sources(news.search("What happened?", k=10)))


def test_explicit_dates_override_a_month_in_the_question(news: NewsIndex):
    found = news.search("What happened in April?", k=10, until=date(2025, 3, 31))
    assert found and set(sources(found)) <= BRIDGE_STORY


def test_lexical_index_is_saved_for_the_current_generation(news: NewsIndex):
    cols = news.collections()
    folder = news.config.home / "lexical" / cols.name
    saved = LexicalIndex.load(folder)
    assert saved is not None
    assert saved.generation == cols.generation()
    assert len(saved) == cols.count_chunks()


def test_a_small_ingest_adds_a_delta_instead_of_rebuilding(
    embedder: Embedder, tmp_path: Path
) -> None:
    """One new article into a larger index: only its chunks are tokenised (no full rebuild)."""
    articles = many_articles(30)
    news = NewsIndex(IndexConfig(home=tmp_path / "home"), embedder=embedder)
    folder = write_articles(tmp_path / "a", articles[:29])
    news.ingest([folder])
    lexical_dir = news.config.home / "lexical" / news.collection_name
    base_rows = len(LexicalIndex.load(lexical_dir).base or [])
    write_articles(folder, articles[29:])
    news.ingest([folder])
    after = LexicalIndex.load(lexical_dir)
    assert after is not None and after.base is not None
    assert len(after.base) == base_rows  # the base was not rebuilt
    assert len(after.delta_texts) >= 1  # only the new article's chunks
    assert after.generation == news.collections().generation()
    hits = news.search("What will project number 29 cost?")
    assert "story_029.txt" in [h.source for h in hits[:3]]
    assert any(h.source == "story_029.txt" and h.lexical > 0 for h in hits)  # found by BM25


def test_retriever_follows_ingests_by_another_index_object(embedder: Embedder, tmp_path: Path):
    config = IndexConfig(home=tmp_path / "shared-home")
    folder = write_articles(tmp_path / "articles", [("orchard.md", ORCHARD), ("chess.txt", CHESS)])
    writer = NewsIndex(config, embedder=embedder)
    writer.ingest([folder])
    reader = NewsIndex(config, embedder=embedder)  # e.g. the running bot
    assert "museum.txt" not in sources(reader.search("Vellichor codex"))

    write_articles(folder, [("museum.txt", MUSEUM)])
    writer.ingest([folder])
    found = reader.search("Vellichor codex")
    assert found[0].source == "museum.txt"
    assert found[0].lexical > 0  # the lexical index was reloaded too, not only Chroma

    (folder / "museum.txt").unlink()
    report = writer.ingest([folder], prune=True)
    assert report.removed == ["museum.txt"]
    after = reader.search("Vellichor codex")
    assert "museum.txt" not in sources(after)
    assert all("Vellichor" not in p.text for p in after)
    assert reader.stats()["documents"] == 2


def test_pruning_one_of_two_identical_files_cites_the_survivor(embedder: Embedder, tmp_path: Path):
    folder = write_articles(
        tmp_path / "articles",
        [("a_bridge.txt", BRIDGE), ("b_mirror.txt", BRIDGE), ("chess.txt", CHESS)],
    )
    news = NewsIndex(IndexConfig(home=tmp_path / "home"), embedder=embedder)
    news.ingest([folder])
    assert news.search("When will the Harbour bridge reopen?")[0].source == "a_bridge.txt"
    (folder / "a_bridge.txt").unlink()
    news.ingest([folder], prune=True)
    top = news.search("When will the Harbour bridge reopen?")[0]
    assert top.source == "b_mirror.txt"  # the chunks stay, the pruned name is not cited
    assert "a_bridge.txt" not in top.also_reported_by


@pytest.fixture
def updated_story(embedder: Embedder, tmp_path: Path):
    folder = write_articles(
        tmp_path / "articles",
        [("bridge.txt", BRIDGE), ("update.txt", BRIDGE_UPDATE), ("chess.txt", CHESS)],
    )
    news = NewsIndex(IndexConfig(home=tmp_path / "home"), embedder=embedder)
    assert news.ingest([folder]).stories == 2
    return news


def test_a_second_copy_that_adds_facts_is_kept(updated_story: NewsIndex):
    question = "How much did the repairs cost?"
    one = updated_story.search(question, per_story=1)
    assert sum(p.source in {"bridge.txt", "update.txt"} for p in one) == 1
    two = updated_story.search(question, per_story=2)
    assert {"bridge.txt", "update.txt"} <= set(sources(two))
    assert len({p.story_id for p in two if p.source in {"bridge.txt", "update.txt"}}) == 1


def test_also_reported_by_never_repeats_the_passages_own_outlet(updated_story: NewsIndex):
    top = updated_story.search("How much did the repairs cost?")[0]
    assert top.outlet == "PNA/Reuters"
    assert top.also_reported_by  # the other copy is listed...
    assert top.outlet not in top.also_reported_by  # ...but not as "PNA/Reuters" again


def test_an_outlet_named_in_the_question_is_favoured(embedder: Embedder, tmp_path: Path):
    # Four outlets on one topic; the question names the one whose wording matches it least.
    outlets = {
        "verge.txt": (
            "The Verge",
            "Phone makers cut prices for the holidays, with discounts on most models.",
        ),
        "wired.txt": (
            "Wired",
            "Holiday phone deals are here: prices fell on nearly every new handset this week.",
        ),
        "cnet.txt": ("CNET", "The best holiday phone deals: big price cuts on flagship handsets."),
        "engadget.txt": (
            "Engadget",
            "A quiet week for gadgets as a chip shortage eased at two suppliers.",
        ),
    }
    files = [
        (name, f"{outlet} story\n\nBy Jo Reed | {outlet} | Published 2023-11-2{i}\n\n{text}\n")
        for i, (name, (outlet, text)) in enumerate(outlets.items())
    ]
    news = NewsIndex(IndexConfig(home=tmp_path / "home"), embedder=embedder)
    news.ingest([write_articles(tmp_path / "articles", files)])
    plain = news.search("holiday phone price cuts", k=2)
    assert all(p.source != "engadget.txt" for p in plain)
    named = news.search("what did engadget report about holiday phone price cuts", k=2)
    assert "engadget.txt" in [p.source for p in named]
    assert next(p for p in named if p.source == "engadget.txt").outlet == "Engadget"


@pytest.fixture(scope="module")
def four_outlets(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> NewsIndex:
    """Four outlets on one topic; Engadget's wording matches a price question least."""
    root = tmp_path_factory.mktemp("outlets")
    stories = {
        "verge.txt": ("The Verge", "Phone makers cut prices for the holidays on most models."),
        "wired.txt": (
            "Wired",
            "Holiday phone deals are here: prices fell on nearly every handset.",
        ),
        "cnet.txt": ("CNET", "The best holiday phone deals: big price cuts on flagship handsets."),
        "engadget.txt": ("Engadget", "A quiet week for gadgets as a chip shortage eased."),
        "engadget2.txt": ("Engadget", "Holiday sales: a tablet maker held its prices steady."),
    }
    files = [
        (name, f"{outlet} story\n\nBy Jo Reed | {outlet} | Published 2023-11-2{i}\n\n{text}\n")
        for i, (name, (outlet, text)) in enumerate(stories.items())
    ]
    news = NewsIndex(IndexConfig(home=root / "home"), embedder=embedder)
    news.ingest([write_articles(root / "articles", files)])
    return news


def test_a_search_restricted_to_outlets_returns_only_their_articles(four_outlets: NewsIndex):
    hits = four_outlets.search("holiday phone price cuts", k=5, outlets=["engadget"])
    assert sorted(p.source for p in hits) == ["engadget.txt", "engadget2.txt"]
    both = four_outlets.search("holiday phone price cuts", k=5, outlets=["Wired", "The Verge"])
    assert {p.source for p in both} == {"wired.txt", "verge.txt"}
    assert four_outlets.search("holiday phone price cuts", outlets=["Reuters"]) == []


def test_named_outlets_come_in_order_of_mention_as_the_articles_write_them(
    four_outlets: NewsIndex,
):
    question = "did wired say the same as engadget, and what did cnet add?"
    assert four_outlets.named_outlets(question) == ["Wired", "Engadget", "CNET"]
    assert four_outlets.named_outlets("what did the bbc say?") == []


def test_an_outlet_named_inside_a_longer_outlet_name_counts_as_the_longer():
    from index.snapshot import Snapshot

    snap = Snapshot(
        "g",
        by_outlet={"the age": ["a1"], "the age of ai": ["b1"], "wired": ["w1"]},
        outlet_names={"the age": "The Age", "the age of ai": "The Age of AI", "wired": "WIRED"},
    )
    assert snap.named_outlets("wired and The Age of AI") == ["WIRED", "The Age of AI"]
    assert snap.outlet_articles("wired and The Age of AI") == ["w1", "b1"]
    assert snap.named_outlets("the age, then the age of ai") == ["The Age", "The Age of AI"]
