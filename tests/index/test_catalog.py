"""Readers and the next ingest take the source records the last ingest saved (one file per
index, one in-memory `Catalog`), instead of reading them all from Chroma."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.api import NewsIndex
from index.catalog import Catalog
from index.config import IndexConfig
from index.lexical import LexicalIndex
from index.store import Collections
from tests.fakes.articles import BRIDGE, CHESS, ORCHARD, write_articles
from tests.fakes.store import release_store


def _refuse(self: Collections) -> dict:
    raise AssertionError("read every source record from Chroma")


def test_a_reader_after_an_ingest_uses_the_saved_catalog(
    embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    config = IndexConfig(home=tmp_path / "home")
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
    NewsIndex(config, embedder=embedder).ingest([folder])
    lexical = config.home / "lexical"
    assert not list(lexical.glob("*.catalog.json")), "one on-disk copy of the records"
    records = json.loads(_records_cache(config).read_text())["records"]
    assert sorted(m["source"] for m in records.values()) == ["bridge.txt", "chess.txt"]

    monkeypatch.setattr(Collections, "all_docs", _refuse)
    reader = NewsIndex(config, embedder=embedder)  # as a new `newsbot ask` process
    hits = reader.search("Who won the national chess championship?")
    assert hits[0].source == "chess.txt" and hits[0].title.startswith("Local teenager")


def test_a_catalog_of_another_generation_is_not_used(embedder, tmp_path: Path):
    config = IndexConfig(home=tmp_path / "home")
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE)])
    NewsIndex(config, embedder=embedder).ingest([folder])
    saved = _records_cache(config)
    stale = saved.read_text()

    write_articles(folder, [("orchard.md", ORCHARD)])
    writer = NewsIndex(config, embedder=embedder)
    writer.ingest([folder])
    saved.write_text(stale)  # as if this ingest had died before saving its catalog

    reader = NewsIndex(config, embedder=embedder)
    hits = reader.search("How much of the apple blossom did the frost destroy?")
    assert hits[0].source == "orchard.md"  # read from Chroma: the stale file lacks it


def test_load_refuses_broken_or_foreign_files(tmp_path: Path):
    path = tmp_path / "c.json"
    assert Catalog.load(path, "g1") is None
    Catalog({"r": {"state": "complete", "source": "a.txt"}}).save(path, "g1")
    loaded = Catalog.load(path, "g1")
    assert loaded is not None and loaded.records == {"r": {"state": "complete", "source": "a.txt"}}
    assert Catalog.load(path, "g2") is None and Catalog.load(path, "") is None
    path.write_text("{not json")
    assert Catalog.load(path, "g1") is None
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]  # no temporaries left


def test_an_ingest_reads_the_source_records_from_chroma_once(
    embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """At ~35k articles each full read takes seconds: the catalog comes from the ingest itself."""
    config = IndexConfig(home=tmp_path / "home")
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE)])
    NewsIndex(config, embedder=embedder).ingest([folder])
    reads: list[int] = []
    all_docs = Collections.all_docs

    def counting(self: Collections) -> dict:
        reads.append(1)
        return all_docs(self)

    monkeypatch.setattr(Collections, "all_docs", counting)
    write_articles(folder, [("chess.txt", CHESS)])
    shutil.rmtree(config.home / "records")  # without the copy the last run saved
    NewsIndex(config, embedder=embedder).ingest([folder])
    assert len(reads) == 1
    saved = json.loads(_records_cache(config).read_text())
    assert sorted(m["source"] for m in saved["records"].values()) == ["bridge.txt", "chess.txt"]


def _records_cache(config: IndexConfig) -> Path:
    return next((config.home / "records").glob("*.json"))


def _tamper_hash(config: IndexConfig, source: str, generation: str | None = None) -> None:
    """Rewrite the ingest's saved records with one file's hash changed."""
    path = _records_cache(config)
    data = json.loads(path.read_text())
    for meta in data["records"].values():
        if meta["source"] == source:
            meta["file_hash"] = "0" * 16
    if generation is not None:
        data["generation"] = generation
    path.write_text(json.dumps(data))


def test_the_records_ingest_saves_are_the_stores_own(embedder, tmp_path: Path):
    config = IndexConfig(home=tmp_path / "home")
    news = NewsIndex(config, embedder=embedder)
    folder = write_articles(
        tmp_path / "a",
        [("bridge.txt", BRIDGE), ("bridge-copy.txt", BRIDGE), ("chess.txt", CHESS)],
    )
    (folder / "blank.txt").write_text("   ")
    news.ingest([folder])
    (folder / "chess.txt").write_text(CHESS.replace("Nina Park", "Nina Parkes"))
    (folder / "bridge-copy.txt").unlink()
    write_articles(folder, [("orchard.md", ORCHARD)])
    news.ingest([folder], prune=True)

    cols = news.collections()
    saved = json.loads(_records_cache(config).read_text())
    assert saved["generation"] == cols.generation()
    assert saved["records"] == cols.all_docs()
    assert sorted(m["source"] for m in saved["records"].values()) == [
        "bridge.txt",
        "chess.txt",
        "orchard.md",
    ]


def test_a_one_file_ingest_does_not_read_every_record_back(
    embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    config = IndexConfig(home=tmp_path / "home")
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
    NewsIndex(config, embedder=embedder).ingest([folder])

    monkeypatch.setattr(Collections, "all_docs", _refuse)
    write_articles(folder, [("bridge-copy.txt", BRIDGE), ("orchard.md", ORCHARD)])
    report = NewsIndex(config, embedder=embedder).ingest([folder])  # a new `newsbot ingest`
    assert report.added == ["bridge-copy.txt", "orchard.md"] and report.unchanged == 2
    assert len(report.duplicates) == 1  # the copy was matched against the saved records
    monkeypatch.undo()
    hits = NewsIndex(config, embedder=embedder).search("How much of the blossom did frost kill?")
    assert hits[0].source == "orchard.md"


def test_saved_records_are_what_the_next_run_believes(embedder, tmp_path: Path):
    config = IndexConfig(home=tmp_path / "home")
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
    news = NewsIndex(config, embedder=embedder)
    news.ingest([folder])

    _tamper_hash(config, "chess.txt")  # the saved copy is what the next run believes
    assert news.ingest([folder]).updated == ["chess.txt"]
    # (On a Chroma server, which other machines write too, only for the store's generation:
    # tests/index/test_server_mode.py.)


class _Died(Exception):
    pass


def test_saved_records_are_not_trusted_after_a_killed_run(
    embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    config = IndexConfig(home=tmp_path / "home")
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
    NewsIndex(config, embedder=embedder).ingest([folder])

    def die(self: Collections, *args: object, **kwargs: object) -> None:
        raise _Died

    monkeypatch.setattr(Collections, "add_chunks", die)  # a run starts writing, then dies
    write_articles(folder, [("orchard.md", ORCHARD)])
    with pytest.raises(_Died):
        NewsIndex(config, embedder=embedder).ingest([folder])
    monkeypatch.undo()
    _tamper_hash(config, "chess.txt")  # the copy would say chess.txt changed

    report = NewsIndex(config, embedder=embedder).ingest([folder])
    assert report.recovered == 1  # the killed run's pending record, found in the store
    assert report.added == ["orchard.md"] and report.unchanged == 2 and not report.updated


def test_an_unchanged_ingest_opens_neither_store_nor_lexical_index(
    embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Re-polling sources that did not change (a watch, an unchanged feed) costs no Chroma
    start-up, no BM25 load (issue 14): the saved records stand for the embedded store."""
    config = IndexConfig(home=tmp_path / "home")
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
    NewsIndex(config, embedder=embedder).ingest([folder])

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("opened the store or the lexical index")

    monkeypatch.setattr("index.api.open_client", refuse)
    monkeypatch.setattr(LexicalIndex, "load", refuse)
    report = NewsIndex(config, embedder=embedder).ingest([folder])  # a new `newsbot ingest`
    assert report.unchanged == 2 and not report.added and not report.updated
    monkeypatch.undo()

    write_articles(folder, [("orchard.md", ORCHARD)])  # something to write: the store opens
    assert NewsIndex(config, embedder=embedder).ingest([folder]).added == ["orchard.md"]
    hits = NewsIndex(config, embedder=embedder).search("How much of the blossom did frost kill?")
    assert hits[0].source == "orchard.md"


def test_saved_records_do_not_stand_for_a_store_deleted_by_hand(embedder, tmp_path: Path):
    config = IndexConfig(home=tmp_path / "home")
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
    NewsIndex(config, embedder=embedder).ingest([folder])
    release_store(config.home)
    shutil.rmtree(config.home / "chroma")  # "nothing under NEWSBOT_HOME is precious"

    report = NewsIndex(config, embedder=embedder).ingest([folder])
    assert sorted(report.added) == ["bridge.txt", "chess.txt"]
    hits = NewsIndex(config, embedder=embedder).search("Who won the chess championship?")
    assert hits[0].source == "chess.txt"
