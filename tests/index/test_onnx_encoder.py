"""The ONNX query encoder: exported once from the packaged MiniLM, vectors equal to torch's."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from index.api import NewsIndex
from index.config import IndexConfig
from index.embed import (
    DEFAULT_MODEL,
    SentenceTransformerEmbedder,
    ensure_query_encoder,
    make_query_embedder,
    packaged_minilm_path,
)
from index.onnx_encoder import OnnxEmbedder, exportable, onnx_file_for
from tests.fakes.articles import CHESS, write_articles

PARITY = 0.9999

TEXTS = [
    "Who led the US delegation?",
    "a",
    "The Harbour bridge will reopen to traffic on 12 May after two years of repairs, the city "
    "council said on Monday. Engineers replaced 400 steel cables and resurfaced the deck.",
    "Ünïcödé text — “curly quotes”, an em dash and 2.3 million euros",
    "Istanbul",
]


@pytest.fixture(scope="module")
def onnx_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packaged model exported once for this module (takes several seconds)."""
    from index.onnx_encoder import export_onnx

    dest = tmp_path_factory.mktemp("onnx") / "minilm.onnx"
    assert export_onnx(packaged_minilm_path(), dest) == dest
    return dest


@pytest.fixture(scope="module")
def onnx(onnx_file: Path) -> OnnxEmbedder:
    return OnnxEmbedder(DEFAULT_MODEL, packaged_minilm_path(), onnx_file)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_export_leaves_one_file_and_no_temporaries(onnx_file: Path):
    assert onnx_file.stat().st_size > 10_000_000  # the weights are in the graph
    assert [p.name for p in onnx_file.parent.iterdir()] == [onnx_file.name]


def test_single_texts_match_torch(onnx: OnnxEmbedder, embedder: SentenceTransformerEmbedder):
    for text in TEXTS:
        ours = onnx.embed_query(text)
        theirs = embedder.embed_query(text)
        assert ours.shape == theirs.shape == (384,)
        assert ours.dtype == np.float32
        assert cosines(ours, theirs)[0] >= PARITY, text


def test_padded_batch_matches_torch(onnx: OnnxEmbedder, embedder: SentenceTransformerEmbedder):
    ours = onnx.embed_documents(TEXTS)  # one batch: the short texts are padded
    theirs = embedder.embed_documents(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert np.all(cosines(ours, theirs) >= PARITY)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # Padding must not change a text's vector.
    alone = np.stack([onnx.embed_query(t) for t in TEXTS])
    assert np.all(cosines(ours, alone) >= 0.99999)


def test_long_text_is_truncated_like_torch(
    onnx: OnnxEmbedder, embedder: SentenceTransformerEmbedder
):
    long = " ".join(f"word{i % 50} bridge repairs" for i in range(400))  # far over 256 tokens
    assert cosines(onnx.embed_query(long), embedder.embed_query(long))[0] >= PARITY


def test_empty_batch(onnx: OnnxEmbedder):
    assert onnx.embed_documents([]).shape == (0, 384)


def test_concurrent_calls_give_the_same_vectors(onnx: OnnxEmbedder):
    expected = [onnx.embed_documents(TEXTS[i:] + TEXTS[:i]) for i in range(len(TEXTS))]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(
            pool.map(lambda i: onnx.embed_documents(TEXTS[i:] + TEXTS[:i]), range(len(TEXTS)))
        )
    for want, have in zip(expected, got, strict=True):
        assert np.allclose(want, have, atol=1e-6)


def test_exportable_only_for_a_mean_pooled_sentence_transformers_folder(tmp_path: Path):
    assert exportable(packaged_minilm_path())
    assert not exportable(tmp_path)


def test_onnx_file_lives_under_home_and_is_stable(tmp_path: Path):
    first = onnx_file_for(packaged_minilm_path(), tmp_path / "home")
    assert first == onnx_file_for(packaged_minilm_path(), tmp_path / "home")
    assert first.parent == tmp_path / "home" / "models"
    assert first.suffix == ".onnx"


def test_existing_export_is_reused(onnx_file: Path, tmp_path: Path):
    home = tmp_path / "home"
    target = onnx_file_for(packaged_minilm_path(), home)
    target.parent.mkdir(parents=True)
    os.link(onnx_file, target)  # as if an earlier ingest had exported it
    before = target.stat().st_mtime_ns
    assert ensure_query_encoder(DEFAULT_MODEL, home) == target
    assert target.stat().st_mtime_ns == before
    assert isinstance(make_query_embedder(DEFAULT_MODEL, home), OnnxEmbedder)


def test_index_with_an_injected_embedder_does_not_export(
    embedder: SentenceTransformerEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    exports: list[Path] = []

    def record(model_path: Path, dest: Path) -> Path:
        exports.append(dest)  # record only: exporting for real takes seconds
        return dest

    monkeypatch.setattr("index.onnx_encoder.export_onnx", record)
    news = NewsIndex(IndexConfig(home=tmp_path / "home"), embedder=embedder)
    news.ingest([write_articles(tmp_path / "articles", [("chess.txt", CHESS)])])
    assert news.query_embedder is embedder
    assert exports == []
