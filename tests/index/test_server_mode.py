"""NEWSBOT_CHROMA_URL: the index on a real `chroma run` server on loopback."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.api import NewsIndex
from index.config import IndexConfig
from index.embed import Embedder
from index.errors import StoreUnavailableError
from tests.fakes.articles import BRIDGE, CHESS, ORCHARD, write_articles
from tests.fakes.chroma_server import ChromaServer, free_port


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `chroma run` on a free loopback port; yields its URL."""
    if shutil.which("chroma") is None:
        pytest.skip("the `chroma` command is not installed")
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server")).start()
    try:
        yield server.url
    finally:
        server.stop()


def test_ingest_and_stats_on_a_chroma_server(
    chroma_server: str, embedder: Embedder, tmp_path: Path
):
    folder = write_articles(
        tmp_path / "a", [("bridge.txt", BRIDGE), ("orchard.md", ORCHARD), ("chess.txt", CHESS)]
    )
    config = IndexConfig(home=tmp_path / "home", chroma_url=chroma_server)
    news = NewsIndex(config, embedder=embedder)
    report = news.ingest([folder])
    assert sorted(report.added) == ["bridge.txt", "chess.txt", "orchard.md"]
    assert report.chunks_embedded >= 3

    stats = news.stats()
    assert stats["documents"] == 3 and stats["store"] == chroma_server
    assert stats["chunks"] == report.chunks_embedded
    assert not (config.home / "chroma").exists(), "an embedded store was written instead"

    # A fresh client (another process would do the same) sees what the server holds.
    again = NewsIndex(config, embedder=embedder).ingest([folder])
    assert again.unchanged == 3 and again.chunks_embedded == 0 and not again.added
    chunks = NewsIndex(config).collections().chunks.get(include=["documents"])["documents"]
    assert any("Engineers replaced 400 steel cables" in text for text in chunks)
    assert not any("Storm warning" in text for text in chunks)


def test_a_closed_port_is_a_clear_store_unavailable_error(tmp_path: Path):
    url = f"http://127.0.0.1:{free_port()}"
    news = NewsIndex(IndexConfig(home=tmp_path / "home", chroma_url=url))
    with pytest.raises(StoreUnavailableError) as caught:
        news.stats()
    message = str(caught.value)
    assert url in message and "\n" not in message
    assert "NEWSBOT_CHROMA_URL" in message


def test_the_index_recovers_by_itself_when_the_server_comes_back(
    embedder: Embedder, tmp_path: Path
):
    """A long-running reader (the Slack bot) gets one clear error while the server is down."""
    if shutil.which("chroma") is None:
        pytest.skip("the `chroma` command is not installed")
    server = ChromaServer(tmp_path / "server").start()
    try:
        folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
        news = NewsIndex(
            IndexConfig(home=tmp_path / "home", chroma_url=server.url), embedder=embedder
        )
        news.ingest([folder])
        assert news.search("When will the Harbour bridge reopen?")[0].source == "bridge.txt"

        server.stop()
        with pytest.raises(StoreUnavailableError) as caught:
            news.search("When will the Harbour bridge reopen?")
        assert server.url in str(caught.value) and "\n" not in str(caught.value)
        with pytest.raises(StoreUnavailableError):
            news.ingest([folder])

        server.start()  # same port, same data
        hits = news.search("Who won the national chess championship?")
        assert hits and hits[0].source == "chess.txt"
        assert news.stats()["documents"] == 2
    finally:
        server.stop()


def test_saved_records_stand_for_a_server_only_at_its_generation(
    chroma_server: str, embedder: Embedder, tmp_path: Path
):
    """Other machines write to a shared server: the copy of the records an ingest saved is
    trusted only while the store's generation is the one it was saved with."""
    folder = write_articles(tmp_path / "a", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
    config = IndexConfig(home=tmp_path / "home", chroma_url=chroma_server)
    news = NewsIndex(config, embedder=embedder)
    news.ingest([folder])
    saved = next((config.home / "records").glob("*.json"))

    _tamper_hash(saved, "chess.txt")
    assert news.ingest([folder]).updated == ["chess.txt"]  # the copy is what the run believes
    _tamper_hash(saved, "chess.txt", generation="another machine's ingest")
    assert news.ingest([folder]).unchanged == 2  # ...unless the store moved on since


def _tamper_hash(saved: Path, source: str, generation: str | None = None) -> None:
    """Rewrite the saved records with one file's hash changed."""
    data = json.loads(saved.read_text())
    for meta in data["records"].values():
        if meta["source"] == source:
            meta["file_hash"] = "0" * 16
    if generation is not None:
        data["generation"] = generation
    saved.write_text(json.dumps(data))
