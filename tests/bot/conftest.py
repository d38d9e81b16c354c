"""Fixtures shared by the answer-form tests."""

from __future__ import annotations

import pytest

from bot.answer.extractive import ExtractiveAnswerer
from index.embed import Embedder
from tests.fakes.ferry import ferry_answerer
from tests.fakes.outlets import outlet_index


@pytest.fixture(scope="session")
def outlet_answerer(
    embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> ExtractiveAnswerer:
    """The default answerer over OUTLET_ARTICLES, built once for every module that reads it."""
    return ExtractiveAnswerer(index=outlet_index(embedder, tmp_path_factory.mktemp("outlets")))


@pytest.fixture(scope="session")
def ferry_answerer_shared(
    embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> ExtractiveAnswerer:
    """The default answerer over the ferry-strike articles, built once for the form tests."""
    return ferry_answerer(embedder, tmp_path_factory.mktemp("ferry"))
