"""Shared fixtures: a clean environment per test, one embedding model per session."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.config import IndexConfig
from index.embed import DEFAULT_MODEL, Embedder, make_embedder

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "corpus" / "seeds"
SEED_QA = SHARED / "eval" / "seed_qa.jsonl"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No SLACK_/OPENAI_/NEWSBOT_ leaks in from the developer's shell; data under tmp_path."""
    for key in list(os.environ):
        if key.startswith(("SLACK_", "OPENAI_", "NEWSBOT_")):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("NEWSBOT_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)  # a stray .env in the checkout must not be read
    yield
    _release_stores_under(tmp_path)


def _release_stores_under(root: Path) -> None:
    """Stop the embedded Chroma stores a test opened under its tmp_path, and any whose folder is
    gone: each keeps ~20 files open (even deleted ones), and the suite runs in one process,
    where waitress's select() fails once descriptors pass 1024 (the Slack scenarios came within
    a few dozen of it)."""
    client = sys.modules.get("chromadb.api.client")  # no store was opened if chromadb is absent
    if client is None:
        return
    systems = client.SharedSystemClient._identifier_to_system
    done = [
        key
        for key in systems
        if str(key).startswith(str(root)) or (str(key).startswith("/") and not Path(key).exists())
    ]
    for identifier in done:
        with contextlib.suppress(Exception):  # a store a test broke on purpose only has to go
            systems.pop(identifier).stop()


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    """The real default embedding model as `newsbot ingest` runs it, loaded once per session."""
    model = make_embedder(DEFAULT_MODEL, models_dir=tmp_path_factory.mktemp("models"))
    model.embed_query("warm up")
    return model


@pytest.fixture
def index_config(tmp_path: Path) -> IndexConfig:
    """An embedded-store index under tmp_path."""
    return IndexConfig(home=tmp_path / "home")


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The five seed articles (skips when ../shared is not beside the checkout)."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/corpus/seeds not found")
    return SEEDS
