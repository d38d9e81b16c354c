"""An ingest killed at any point leaves an index the next run completes: no duplicates, no orphans.

One test kills a real `newsbot ingest` with SIGKILL part-way through; the others stop an in-process
ingest deterministically (a failing embedding call, or a failing Chroma write at every step).
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.api import NewsIndex
from index.config import IndexConfig
from index.embed import Embedder
from index.ingest import END_BATCH_ARTICLES, Ingestor
from index.store import Collections
from tests.fakes.articles import BRIDGE, CHESS, ORCHARD, many_articles, write_articles

ARTICLES = 150  # embedding batches of 16, 64, 54 and 16 articles


class SimulatedCrash(Exception):
    """Stands in for the process dying."""


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where this module's Chroma stores live: in RAM when the machine has a tmpfs.

    Chroma syncs every write to disk (~35 ms each on an ordinary disk, ~3 ms in RAM) and these
    tests make well over a thousand writes. A kill -9 loses no page cache, so RAM changes
    nothing they check.
    """
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        root = Path(tempfile.mkdtemp(prefix="newsbot-kill-", dir=shm))
        yield root
        shutil.rmtree(root, ignore_errors=True)
    else:
        yield tmp_path_factory.mktemp("stores")


def in_shared_home(stores: Path, name: str) -> IndexConfig:
    """An index of its own (a collection prefix) in the store the in-process tests share.

    One home means one Chroma client and one exported query encoder for all of them.
    """
    return IndexConfig(home=stores / "shared", collection_prefix=name)


@dataclass(frozen=True)
class Corpus:
    folder: Path
    chunks: int  # chunks of a clean, uninterrupted ingest of `folder`


@pytest.fixture(scope="module")
def corpus(stores: Path, embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """150 small articles and the chunk count a clean ingest of them gives."""
    folder = write_articles(tmp_path_factory.mktemp("kill") / "articles", many_articles(ARTICLES))
    clean = NewsIndex(in_shared_home(stores, "clean"), embedder=embedder)
    report = clean.ingest([folder])
    assert len(report.added) == ARTICLES
    return Corpus(folder, clean.stats()["chunks"])


def assert_consistent(news: NewsIndex, *, documents: int, chunks: int) -> None:
    """Unique chunk ids, every record complete, no orphans, counts of a clean ingest."""
    cols = news.collections()
    got = cols.chunks.get(include=["metadatas"])
    ids = list(got["ids"])
    assert len(ids) == len(set(ids)), "duplicate chunk ids"
    records = cols.all_docs()
    states = Counter(m["state"] for m in records.values())
    assert states == {"complete": documents}, states
    held = {m["article_id"] for m in records.values()}
    chunk_articles = Counter(m["article_id"] for m in got["metadatas"])
    assert set(chunk_articles) == held, (
        f"orphan chunks of {set(chunk_articles) - held}, chunkless records {held - set(chunk_articles)}"
    )
    for article_id, n in chunk_articles.items():  # each article's chunks: 0..n-1, once each
        assert sorted(i for i in ids if i.startswith(f"{article_id}:")) == [
            f"{article_id}:{k:04d}" for k in range(n)
        ]
    assert len(ids) == chunks
    stats = news.stats()
    assert stats["documents"] == documents and stats["chunks"] == chunks


# ---- a real kill -9 -----------------------------------------------------------------------


def _progress_in_db(db: Path, collection: str) -> tuple[int, int] | None:
    """(chunk embeddings, pending records) as the store's sqlite file shows them, if readable.

    The file may lag Chroma's write log by a few records; it only tells us when to pull the
    trigger. What the kill left is read afterwards through Chroma itself.
    """
    if not db.exists():
        return None
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.5)
    except sqlite3.Error:
        return None
    try:
        chunks = con.execute(
            "SELECT count(*) FROM embeddings e JOIN segments s ON e.segment_id = s.id "
            "JOIN collections c ON s.collection = c.id WHERE c.name = ?",
            (collection,),
        ).fetchone()[0]
        pending = con.execute(
            "SELECT count(*) FROM embedding_metadata WHERE key = 'state' AND string_value = 'pending'"
        ).fetchone()[0]
        return int(chunks), int(pending)
    except sqlite3.Error:  # tables not created yet, or the writer holds the lock
        return None
    finally:
        con.close()


def _wait_until(
    ready: Callable[[], bool], proc: subprocess.Popen[bytes], *, timeout: float, log: Path
) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            pytest.fail(
                f"ingest ended (rc={proc.returncode}) before it could be killed mid-run:\n"
                + log.read_text(errors="replace")[-2000:]
            )
        if time.monotonic() > deadline:
            pytest.fail(f"no chunk written within {timeout:.0f} s")
        time.sleep(0.02)


def test_sigkill_mid_ingest_then_rerun_completes(
    corpus: Corpus, stores: Path, embedder: Embedder, tmp_path: Path
):
    config = IndexConfig(home=stores / "killed")  # not shared: another process writes it
    news = NewsIndex(config, embedder=embedder)
    db = config.home / "chroma" / "chroma.sqlite3"
    env = {**os.environ, "NEWSBOT_HOME": str(config.home), "HF_HUB_OFFLINE": "1"}
    log = tmp_path / "ingest.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "ingest", str(corpus.folder), "--json"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:

            def mid_run() -> bool:
                seen = _progress_in_db(db, news.collection_name)
                # Some chunks written; prefer a moment with a half-written record.
                return seen is not None and seen[0] >= 3 and (seen[1] > 0 or seen[0] >= 40)

            _wait_until(mid_run, proc, timeout=180, log=log)
            proc.send_signal(signal.SIGKILL)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    left = news.collections().all_docs()
    pending = sum(1 for m in left.values() if m["state"] != "complete")
    complete = len(left) - pending
    assert news.collections().count_chunks() > 0 and complete < ARTICLES, "not killed mid-run"

    report = news.ingest([corpus.folder])
    assert report.recovered == pending
    assert report.unchanged == complete
    assert len(report.added) == ARTICLES - complete
    assert not report.skipped and not report.updated
    assert_consistent(news, documents=ARTICLES, chunks=corpus.chunks)


# ---- deterministic, in-process ----------------------------------------------------------


class DiesOnSecondCall:
    """The real embedder, except that its 2nd call fails (after the 1st batch is stored)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.max_tokens = inner.max_tokens
        self.calls = 0

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        if self.calls == 2:
            raise SimulatedCrash("died while embedding the second batch")
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


def test_death_between_batches_then_rerun_completes(
    corpus: Corpus, stores: Path, embedder: Embedder
):
    config = in_shared_home(stores, "batches")
    with pytest.raises(SimulatedCrash):
        NewsIndex(config, embedder=DiesOnSecondCall(embedder)).ingest([corpus.folder])

    news = NewsIndex(config, embedder=embedder)
    left = news.collections().all_docs()
    assert len(left) == END_BATCH_ARTICLES
    assert {m["state"] for m in left.values()} == {"complete"}

    report = news.ingest([corpus.folder])
    assert report.recovered == 0
    assert report.unchanged == END_BATCH_ARTICLES
    assert len(report.added) == ARTICLES - END_BATCH_ARTICLES
    assert_consistent(news, documents=ARTICLES, chunks=corpus.chunks)


class DiesAtWrite(Collections):
    """Real Chroma collections that fail at the n-th write (0-based), before it happens."""

    WRITES = (
        "put_docs",
        "mark_pending",
        "delete_docs",
        "add_chunks",
        "delete_article_chunks",
        "mark_dirty",
        "bump_generation",
    )

    def __init__(self, client: Any, name: str, *, fail_at: int) -> None:
        super().__init__(client, name, create=True)
        self.fail_at = fail_at
        self.writes = 0

    def __getattribute__(self, name: str) -> Any:
        attr = super().__getattribute__(name)
        if name in DiesAtWrite.WRITES:

            def write(*args: Any, **kwargs: Any) -> Any:
                if self.writes == self.fail_at:
                    raise SimulatedCrash(f"died before write {self.writes} ({name})")
                self.writes += 1
                return attr(*args, **kwargs)

            return write
        return attr


def _ingestor(
    news: NewsIndex, cols: Collections, embedder: Embedder, *, store_absent: bool = False
) -> Ingestor:
    return Ingestor(
        cols,
        embedder,
        chunk_tokens=news.config.chunk_tokens,
        chunk_overlap=news.config.chunk_overlap,
        max_file_bytes=news.config.max_file_bytes,
        store_absent=store_absent,
    )


def _contents(news: NewsIndex) -> tuple[dict[str, str], Counter[str]]:
    """Sources -> article ids of the records, and the multiset of stored chunk texts."""
    cols = news.collections()
    sources = {m["source"]: m["article_id"] for m in cols.all_docs().values()}
    return sources, Counter(cols.chunks.get(include=["documents"])["documents"])


class Memoised:
    """The real embedder, computing each distinct text once (the sweep re-embeds the same few)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.max_tokens = inner.max_tokens
        self._seen: dict[str, np.ndarray] = {}

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        fresh = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if fresh:
            self._seen.update(zip(fresh, self.inner.embed_documents(fresh), strict=True))
        return np.stack([self._seen[t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


def test_death_at_every_store_write_then_rerun_completes(
    stores: Path, embedder: Embedder, tmp_path: Path
):
    """Update, copy, add and prune in one run, stopped before each Chroma write in turn."""
    model = Memoised(embedder)
    first = [("bridge.txt", BRIDGE), ("chess.txt", CHESS), ("orchard.txt", ORCHARD)]
    second = [
        ("bridge.txt", BRIDGE.replace("84 million", "86 million")),  # changed
        ("chess.txt", CHESS),  # unchanged
        ("chess-copy.txt", CHESS),  # exact copy of a stored article
        ("story_000.txt", many_articles(1)[0][1]),  # new
    ]  # orchard.txt is gone: pruned

    def scenario_folder(root: Path) -> Path:
        return write_articles(root / "articles", first)

    def to_second(folder: Path) -> None:
        (folder / "orchard.txt").unlink()
        write_articles(folder, second)

    reference = NewsIndex(in_shared_home(stores, "reference"), embedder=model)
    folder = scenario_folder(tmp_path / "reference")
    to_second(folder)
    _ingestor(reference, reference.collections(create=True), model).run([folder], prune=True)
    want_sources, want_chunks = _contents(reference)
    assert sorted(want_sources) == ["bridge.txt", "chess-copy.txt", "chess.txt", "story_000.txt"]

    crash_points = 0
    for fail_at in range(200):
        news = NewsIndex(in_shared_home(stores, f"crash{fail_at}"), embedder=model)
        folder = scenario_folder(tmp_path / f"crash-{fail_at}")
        _ingestor(news, news.collections(create=True), model).run([folder])
        generation = news.collections().generation()
        to_second(folder)
        dying = DiesAtWrite(news.client, news.collection_name, fail_at=fail_at)
        try:
            _ingestor(news, dying, model).run([folder], prune=True)
            crashed = False
        except SimulatedCrash:
            crashed = True
            crash_points += 1
            rerun = _ingestor(news, news.collections(), model).run([folder], prune=True)
            assert not rerun.skipped
        sources, chunks = _contents(news)
        assert sources == want_sources, f"crash before write {fail_at}"
        assert chunks == want_chunks, f"crash before write {fail_at}"
        assert_consistent(news, documents=len(want_sources), chunks=sum(want_chunks.values()))
        # Readers cache by generation: the change must show as a new one, crash or not.
        assert news.collections().generation() != generation, f"crash before write {fail_at}"
        if not crashed:
            break  # fail_at is past the run's last write: every write has been a crash point
    else:
        pytest.fail("the run never finished: more writes than expected")
    assert crash_points >= 8  # dirty flag, batch writes, prune steps, generation bump


def test_death_with_a_record_half_written_is_rolled_back(
    stores: Path, embedder: Embedder, tmp_path: Path
):
    """Chunks written, record still pending: the rerun reports and rolls it back."""
    folder = write_articles(tmp_path / "articles", many_articles(5))
    news = NewsIndex(in_shared_home(stores, "half"), embedder=embedder)

    class DiesBeforeMarkingComplete(Collections):
        def put_docs(self, doc_ids: Any, metas: Any, vectors: np.ndarray) -> None:
            if metas and metas[0]["state"] == "complete":
                raise SimulatedCrash("died before marking the batch complete")
            super().put_docs(doc_ids, metas, vectors)

    dying = DiesBeforeMarkingComplete(news.client, news.collection_name, create=True)
    with pytest.raises(SimulatedCrash):
        _ingestor(news, dying, embedder).run([folder])
    left = news.collections().all_docs()
    pending = [m for m in left.values() if m["state"] == "pending"]
    assert len(left) == 5 and len(pending) == 5
    half = pending[0]["article_id"]
    assert news.collections().chunks.get(where={"article_id": half})["ids"], "its chunks exist"

    report = news.ingest([folder])
    assert report.recovered == 5
    assert report.unchanged == 0 and len(report.added) == 5
    assert_consistent(news, documents=5, chunks=5)


@pytest.mark.parametrize("reader_copy", [True, False], ids=["catalog-copy", "chroma-records"])
def test_readers_see_one_version_of_an_article_a_killed_update_left_half_done(
    stores: Path, embedder: Embedder, tmp_path: Path, reader_copy: bool
):
    """Killed after the new version's chunks were written and before the old ones went: until
    the next ingest, a reader sees the old version only, never a mix of both."""
    folder = write_articles(tmp_path / "articles", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
    config = in_shared_home(stores, f"mixed-{reader_copy}")
    news = NewsIndex(config, embedder=embedder)
    news.ingest([folder])
    old = {m["source"]: m["article_id"] for m in news.collections().all_docs().values()}
    updated = BRIDGE.replace("84 million", "86 million").replace("12 May", "19 May")
    (folder / "bridge.txt").write_text(updated)

    class DiesBeforeDroppingTheOldVersion(Collections):
        def delete_article_chunks(self, *article_ids: str) -> None:
            if old["bridge.txt"] in article_ids:
                raise SimulatedCrash("died before deleting the replaced chunks")
            super().delete_article_chunks(*article_ids)

    dying = DiesBeforeDroppingTheOldVersion(news.client, news.collection_name, create=True)
    with pytest.raises(SimulatedCrash):
        _ingestor(news, dying, embedder).run([folder])
    stored = Counter(m["article_id"] for m in dying.chunks.get(include=["metadatas"])["metadatas"])
    assert len(stored) == 3, "both versions' chunks are in the store"
    if not reader_copy:  # the reader must read the records from Chroma
        shutil.rmtree(config.home / "lexical", ignore_errors=True)

    reader = NewsIndex(config, embedder=embedder)
    for question in ("How much did the bridge repairs cost?", "When will the bridge reopen?"):
        passages = reader.search(question, k=10, per_story=10, novelty=0.0)
        bridge = {p.article_id for p in passages if p.source == "bridge.txt"}
        assert bridge == {old["bridge.txt"]}, question
        text = " ".join(p.text for p in passages)
        assert "86 million" not in text and "19 May" not in text

    news.ingest([folder])  # the next run finishes the update: now only the new version shows
    passages = reader.search("How much did the bridge repairs cost?", k=10, per_story=10)
    assert "86 million" in " ".join(p.text for p in passages)
    assert old["bridge.txt"] not in {p.article_id for p in passages}


def test_a_first_ingest_stopped_at_any_write_is_completed_by_a_rerun(
    stores: Path, embedder: Embedder, tmp_path: Path
):
    """A new home's first ingest (no store yet: records start empty, the store opens at the
    first write, after the first batch went to the model), stopped before each write in turn."""
    model = Memoised(embedder)
    articles = [
        ("bridge.txt", BRIDGE),
        ("chess.txt", CHESS),
        ("chess-copy.txt", CHESS),
        ("orchard.txt", ORCHARD),
    ]
    reference = NewsIndex(in_shared_home(stores, "first-reference"), embedder=model)
    folder = write_articles(tmp_path / "reference", articles)
    _ingestor(reference, reference.collections(create=True), model, store_absent=True).run([folder])
    want_sources, want_chunks = _contents(reference)
    assert len(want_sources) == 4
    crash_points = 0
    for fail_at in range(100):
        news = NewsIndex(in_shared_home(stores, f"first{fail_at}"), embedder=model)
        folder = write_articles(tmp_path / f"first-{fail_at}", articles)
        dying = DiesAtWrite(news.client, news.collection_name, fail_at=fail_at)
        try:
            _ingestor(news, dying, model, store_absent=True).run([folder])
            crashed = False
        except SimulatedCrash:
            crashed = True
            crash_points += 1
            rerun = _ingestor(news, news.collections(), model).run([folder])
            assert not rerun.skipped
        sources, chunks = _contents(news)
        assert (sources, chunks) == (want_sources, want_chunks), f"crash before write {fail_at}"
        assert_consistent(news, documents=4, chunks=sum(want_chunks.values()))
        if not crashed:
            break
    else:
        pytest.fail("the run never finished: more writes than expected")
    assert crash_points >= 4  # dirty flag, records, chunks, records complete, generation
