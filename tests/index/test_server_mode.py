"""NEWSBOT_CHROMA_URL: the index on a real `chroma run` server on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.api import NewsIndex
from index.config import IndexConfig
from index.embed import SentenceTransformerEmbedder
from index.errors import StoreUnavailableError
from tests.fakes.articles import BRIDGE, CHESS, ORCHARD, write_articles


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _heartbeat(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `chroma run` on a free loopback port; yields its URL."""
    chroma = shutil.which("chroma")
    if chroma is None:
        pytest.skip("the `chroma` command is not installed")
    root = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with (root / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [
                chroma,
                "run",
                "--path",
                str(root / "data"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not _heartbeat(url):
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited: {(root / 'server.log').read_text()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail("chroma run did not answer its heartbeat within 60 s")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_ingest_and_stats_on_a_chroma_server(
    chroma_server: str, embedder: SentenceTransformerEmbedder, tmp_path: Path
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
    url = f"http://127.0.0.1:{_free_port()}"
    news = NewsIndex(IndexConfig(home=tmp_path / "home", chroma_url=url))
    with pytest.raises(StoreUnavailableError) as caught:
        news.stats()
    message = str(caught.value)
    assert url in message and "\n" not in message
    assert "NEWSBOT_CHROMA_URL" in message
