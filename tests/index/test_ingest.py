"""Ingest on a real embedded Chroma with the real model: incremental, duplicates, bad input."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from index.api import NewsIndex
from index.config import IndexConfig
from index.errors import IndexNotBuiltError, IngestLockedError
from tests.fakes.articles import BRIDGE, CHESS, ORCHARD, write_articles


@pytest.fixture
def news(index_config: IndexConfig, embedder) -> NewsIndex:
    return NewsIndex(index_config, embedder=embedder)


def _chunk_docs(news: NewsIndex) -> list[str]:
    return list(news.collections().chunks.get(include=["documents"])["documents"])


def test_stats_before_any_ingest_says_what_to_do(news: NewsIndex):
    with pytest.raises(IndexNotBuiltError, match="newsbot ingest"):
        news.stats()


def test_first_ingest_stores_clean_dated_chunks(news: NewsIndex, tmp_path: Path):
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("orchard.md", ORCHARD)])
    report = news.ingest([folder])
    assert sorted(report.added) == ["bridge.txt", "orchard.md"]
    assert report.chunks_embedded >= 2
    text = "\n".join(_chunk_docs(news))
    assert "Engineers replaced 400 steel cables" in text
    assert "Storm warning" not in text and "LATEST NEWS" not in text
    metas = news.collections().chunks.get(include=["metadatas"])["metadatas"]
    by_source = {m["source"]: m for m in metas}
    assert by_source["bridge.txt"]["published"] == "2025-03-03"
    assert by_source["bridge.txt"]["published_day"] == 20250303
    assert by_source["orchard.md"]["published"] == "2025-04-02"
    for meta in metas:  # offsets point into the cleaned article
        assert meta["end"] > meta["start"] >= 0
    stats = news.stats()
    assert stats["documents"] == 2 and stats["chunks"] == len(metas)


def test_reingest_is_free_and_changes_replace_chunks(news: NewsIndex, tmp_path: Path):
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
    news.ingest([folder])
    again = news.ingest([folder])
    assert again.unchanged == 2 and again.chunks_embedded == 0 and not again.added

    (folder / "chess.txt").write_text(CHESS.replace("Nina Park", "Nina Parkes"))
    changed = news.ingest([folder])
    assert changed.updated == ["chess.txt"]
    text = "\n".join(_chunk_docs(news))
    assert "Nina Parkes, 16" in text and "Nina Park, 16" not in text
    assert news.stats()["documents"] == 2


def test_exact_copy_is_stored_once(news: NewsIndex, tmp_path: Path):
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("bridge-copy.txt", BRIDGE)])
    report = news.ingest([folder])
    assert len(report.duplicates) == 1
    stats = news.stats()
    assert stats["documents"] == 2 and stats["articles"] == 1
    assert len(_chunk_docs(news)) == news.collections().count_chunks()
    ids = news.collections().chunks.get()["ids"]
    assert len(ids) == len(set(ids)) == stats["chunks"]


def test_prune_removes_vanished_files_only_with_the_flag(news: NewsIndex, tmp_path: Path):
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
    news.ingest([folder])
    (folder / "chess.txt").unlink()
    assert news.ingest([folder]).removed == []
    assert news.stats()["documents"] == 2
    report = news.ingest([folder], prune=True)
    assert report.removed == ["chess.txt"]
    assert "Nina Park" not in "\n".join(_chunk_docs(news))
    assert news.stats()["documents"] == 1


def test_bad_files_are_skipped_by_name_and_good_ones_land(news: NewsIndex, tmp_path: Path):
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE)])
    (folder / "empty.txt").write_text("")
    (folder / "image.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / "legacy.txt").write_bytes(ORCHARD.replace("Tomas", "Tomás").encode("cp1252"))
    report = news.ingest([folder])
    skipped = {s["source"]: s["reason"] for s in report.skipped}
    assert set(skipped) == {"empty.txt", "image.txt", "notes.pdf"}
    assert "empty" in skipped["empty.txt"] and "binary" in skipped["image.txt"]
    assert sorted(report.added) == ["bridge.txt", "legacy.txt"]
    assert "Tomás Berg" in "\n".join(_chunk_docs(news))


def test_fifo_and_symlink_loop_are_skipped_by_name_never_hang(news: NewsIndex, tmp_path: Path):
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE)])
    os.mkfifo(folder / "pipe.txt")  # opening it would block until a writer comes
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "wide.txt").write_bytes(CHESS.encode("utf-16"))
    report = news.ingest([folder], prune=True)
    skipped = {s["source"]: s["reason"] for s in report.skipped}
    assert set(skipped) == {"pipe.txt", "loop.txt"}
    assert "named pipe" in skipped["pipe.txt"] and "symlink loop" in skipped["loop.txt"]
    assert sorted(report.added) == ["bridge.txt", "wide.txt"]
    assert "Nina Park" in "\n".join(_chunk_docs(news))


def test_missing_path_is_an_error_before_any_work(news: NewsIndex, tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="nope"):
        news.ingest([tmp_path / "nope"])


def test_a_second_ingest_at_once_is_refused(news: NewsIndex, tmp_path: Path):
    from filelock import FileLock

    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE)])
    lock_dir = news.config.home / "locks"
    lock_dir.mkdir(parents=True)
    with (
        FileLock(str(lock_dir / f"{news.collection_name}.lock")),
        pytest.raises(IngestLockedError, match="another"),
    ):
        news.ingest([folder])


def test_collection_name_changes_with_chunking(index_config: IndexConfig):
    other = IndexConfig(home=index_config.home, chunk_tokens=120)
    assert NewsIndex(index_config).collection_name != NewsIndex(other).collection_name


def test_text_moving_to_a_new_file_in_one_run_is_stored(news: NewsIndex, tmp_path: Path):
    """a.txt gets new text while b.txt arrives with a.txt's old text: b's chunks must exist."""
    folder = write_articles(tmp_path / "a", [("a.txt", CHESS)])
    news.ingest([folder])
    write_articles(folder, [("a.txt", ORCHARD), ("b.txt", CHESS)])
    report = news.ingest([folder])
    assert report.updated == ["a.txt"] and report.added == ["b.txt"]
    metas = news.collections().chunks.get(include=["metadatas"])["metadatas"]
    assert {m["source"] for m in metas} == {"a.txt", "b.txt"}
    text = "\n".join(_chunk_docs(news))
    assert "Nina Park, 16" in text and "late frost" in text


def test_a_copy_keeps_the_chunks_and_counts_when_the_original_goes(news: NewsIndex, tmp_path: Path):
    folder = write_articles(tmp_path / "a", [("b.txt", CHESS)])
    news.ingest([folder])
    alone = news.stats()
    write_articles(folder, [("a.txt", CHESS)])
    assert news.ingest([folder]).duplicates == [{"source": "a.txt", "duplicate_of": "b.txt"}]
    (folder / "b.txt").unlink()
    assert news.ingest([folder], prune=True).removed == ["b.txt"]
    stats = news.stats()
    assert stats["documents"] == 1
    assert (stats["chunks"], stats["tokens"]) == (alone["chunks"], alone["tokens"])
    record = next(iter(news.collections().all_docs().values()))
    assert record["source"] == "a.txt" and record["chunks"] == alone["chunks"]


class CountingEmbedder:
    """The real model, counting the chunk texts it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.max_tokens = inner.max_tokens
        self.texts: list[str] = []

    def embed_with_sentences(self, texts, spans):
        self.texts.extend(texts)
        return self.inner.embed_with_sentences(texts, spans)

    def embed_documents(self, texts):
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def test_copies_across_batches_in_flight_are_embedded_once(
    index_config: IndexConfig, embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """One article per batch: a copy arrives while its original is still being embedded."""
    monkeypatch.setattr("index.ingest.BATCH_ARTICLES", 1)
    monkeypatch.setattr("index.ingest.END_BATCH_ARTICLES", 1)
    counting = CountingEmbedder(embedder)
    news = NewsIndex(index_config, embedder=counting)
    folder = write_articles(
        tmp_path / "a", [("a.txt", CHESS), ("b.txt", CHESS), ("c.txt", BRIDGE), ("d.txt", CHESS)]
    )
    report = news.ingest([folder])
    assert sorted(report.added) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    first, second = report.duplicates
    assert first == {"source": "b.txt", "duplicate_of": "a.txt"}
    assert second["source"] == "d.txt" and second["duplicate_of"] in {"a.txt", "b.txt"}
    assert len(counting.texts) == len(set(counting.texts)) == report.chunks_embedded
    stats = news.stats()
    assert stats["documents"] == 4 and stats["articles"] == 2
    ids = news.collections().chunks.get()["ids"]
    assert len(ids) == len(set(ids)) == stats["chunks"]


def test_a_copy_of_text_leaving_the_batch_in_flight_gets_its_own_chunks(
    index_config: IndexConfig, embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """a.txt changes away from CHESS in one batch while b.txt, next batch, brings CHESS."""
    monkeypatch.setattr("index.ingest.BATCH_ARTICLES", 1)
    monkeypatch.setattr("index.ingest.END_BATCH_ARTICLES", 1)
    news = NewsIndex(index_config, embedder=embedder)
    folder = write_articles(tmp_path / "a", [("a.txt", CHESS)])
    news.ingest([folder])
    write_articles(folder, [("a.txt", ORCHARD), ("b.txt", CHESS)])
    report = news.ingest([folder])
    assert report.updated == ["a.txt"] and report.added == ["b.txt"]
    metas = news.collections().chunks.get(include=["metadatas"])["metadatas"]
    assert {m["source"] for m in metas} == {"a.txt", "b.txt"}
    assert "Nina Park, 16" in "\n".join(_chunk_docs(news))
    hits = news.search("Who won the national chess championship?")
    assert hits[0].source == "b.txt"


def test_records_turn_complete_in_the_next_batchs_write_of_records(
    index_config: IndexConfig, embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Each Chroma write is a synced commit: one write of records per batch (its `pending`
    records with the batch before's `complete` ones) and one at the end, not two per batch;
    story matching across batches still counts the batch before as stored."""
    from index.store import Collections

    monkeypatch.setattr("index.ingest.BATCH_ARTICLES", 1)
    monkeypatch.setattr("index.ingest.END_BATCH_ARTICLES", 1)
    writes: list[list[str]] = []
    put_docs = Collections.put_docs

    def counting(self, doc_ids, metas, vectors):
        writes.append([m["state"] for m in metas])
        put_docs(self, doc_ids, metas, vectors)

    monkeypatch.setattr(Collections, "put_docs", counting)
    news = NewsIndex(index_config, embedder=embedder)
    updated = BRIDGE.replace("84 million", "86 million")  # another article, the same story
    folder = write_articles(tmp_path / "a", [("a.txt", BRIDGE), ("b.txt", updated)])
    report = news.ingest([folder])
    assert sorted(report.added) == ["a.txt", "b.txt"]
    assert writes == [["pending"], ["complete", "pending"], ["complete"]]
    records = list(news.collections().all_docs().values())
    assert {m["state"] for m in records} == {"complete"}
    assert len({m["story_id"] for m in records}) == 1


class _Watched:
    """The real embedder, flagging when the model is first given chunks to embed."""

    def __init__(self, inner: Any, embedding: threading.Event) -> None:
        self._inner = inner
        self._embedding = embedding

    def embed_with_sentences(self, texts: Any, spans: Any) -> Any:
        self._embedding.set()
        return self._inner.embed_with_sentences(texts, spans)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_a_homes_first_ingest_embeds_while_the_store_opens(
    index_config: IndexConfig, embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # A new home has no store to read records from: the model gets the first batch before the
    # store is opened (chromadb's import and client, ~0.5 s), not after it.
    embedding = threading.Event()
    news = NewsIndex(index_config, embedder=_Watched(embedder, embedding))
    opened_after_embedding: list[bool] = []
    real_collections = news.collections

    def collections(*, create: bool = False) -> Any:
        if not opened_after_embedding:
            opened_after_embedding.append(embedding.wait(timeout=5))  # old order: waits in vain
        return real_collections(create=create)

    monkeypatch.setattr(news, "collections", collections)
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("orchard.md", ORCHARD)])
    report = news.ingest([folder])
    assert opened_after_embedding == [True]
    assert sorted(report.added) == ["bridge.txt", "orchard.md"]
    # ...and a second ingest into that home reads what the first stored, as before.
    again = NewsIndex(index_config, embedder=embedder).ingest([folder])
    assert (again.added, again.unchanged) == ([], 2)
