"""The torch-free encoder: the BERT graph built from the packaged MiniLM, on onnxruntime
(questions) and OpenVINO (ingest), against sentence-transformers' own vectors."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from index.api import NewsIndex
from index.bert_graph import POOLED, TOKENS, ensure_graph, graph_file_for, supported
from index.config import IndexConfig
from index.embed import (
    DEFAULT_MODEL,
    SentenceTransformerEmbedder,
    cpu_has_fast_bf16,
    ensure_encoder_graph,
    make_embedder,
    make_query_embedder,
    packaged_minilm_path,
)
from index.encoder import GraphEmbedder
from tests.fakes.articles import CHESS, write_articles

EXACT = 0.99999  # fp32 graph vs torch fp32
CLOSE = 0.9999  # bf16 vs fp32

TEXTS = [
    "Who led the US delegation?",
    "a",
    "The Harbour bridge will reopen to traffic on 12 May after two years of repairs, the city "
    "council said on Monday. Engineers replaced 400 steel cables and resurfaced the deck.",
    "Ünïcödé text — “curly quotes”, an em dash and 2.3 million euros",
    "Istanbul",
    "",
]


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_graph(packaged_minilm_path(), tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def ort(graph: Path) -> GraphEmbedder:
    return GraphEmbedder(DEFAULT_MODEL, packaged_minilm_path(), graph, runtime="onnxruntime")


@pytest.fixture(scope="module")
def openvino(graph: Path) -> GraphEmbedder:
    return GraphEmbedder(
        DEFAULT_MODEL, packaged_minilm_path(), graph, runtime="openvino", bf16=cpu_has_fast_bf16()
    )


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_graph_is_one_file_with_both_outputs(graph: Path):
    import onnx

    assert [p.name for p in graph.parent.iterdir()] == [graph.name]  # no temporaries left
    model = onnx.load(str(graph), load_external_data=False)
    onnx.checker.check_model(model)
    assert [o.name for o in model.graph.output] == [POOLED, TOKENS]
    assert graph.stat().st_size > 80_000_000  # the weights are in the graph


def test_onnxruntime_matches_torch(ort: GraphEmbedder, torch_embedder: SentenceTransformerEmbedder):
    ours = np.stack([ort.embed_query(t) for t in TEXTS])
    theirs = torch_embedder.embed_documents(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert ours.dtype == np.float32
    assert np.all(cosines(ours, theirs) >= EXACT)


def test_openvino_matches_torch(
    openvino: GraphEmbedder, torch_embedder: SentenceTransformerEmbedder
):
    ours = openvino.embed_documents(TEXTS)
    assert np.all(cosines(ours, torch_embedder.embed_documents(TEXTS)) >= CLOSE)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_padding_and_batching_do_not_change_a_vector(ort: GraphEmbedder):
    batched = ort.embed_documents(TEXTS * 3)  # several length-sorted, padded batches
    alone = np.stack([ort.embed_query(t) for t in TEXTS * 3])
    assert np.all(cosines(batched, alone) >= EXACT)


def test_long_text_is_truncated_like_torch(
    ort: GraphEmbedder, torch_embedder: SentenceTransformerEmbedder
):
    long = " ".join(f"word{i % 50} bridge repairs" for i in range(400))  # far over 256 pieces
    assert ort.word_pieces(long) > 256
    assert cosines(ort.embed_query(long), torch_embedder.embed_query(long))[0] >= EXACT


def test_sentence_vectors_match_torch_late_chunking(
    openvino: GraphEmbedder, torch_embedder: SentenceTransformerEmbedder
):
    text = TEXTS[2]
    first = text.index(".") + 1
    spans = [(0, first), (first + 1, len(text)), (5, 5)]  # the last one holds no token
    ours, our_sentences = openvino.embed_with_sentences([text, "Istanbul"], [spans, []])
    theirs, their_sentences = torch_embedder.embed_with_sentences([text, "Istanbul"], [spans, []])
    assert np.all(cosines(ours, theirs) >= CLOSE)
    assert our_sentences[0].shape == (3, 384) and our_sentences[1].shape == (0, 384)
    assert np.all(cosines(our_sentences[0], their_sentences[0]) >= CLOSE)
    # A sentence's vector is about that sentence: it is nearest to the sentence embedded alone.
    alone = openvino.embed_documents([text[:first], text[first + 1 :]])
    assert cosines(our_sentences[0][0], alone[0]) > cosines(our_sentences[0][0], alone[1])
    # An empty span falls back to the chunk's own vector.
    assert cosines(our_sentences[0][2], ours[0])[0] >= 0.9999


def test_empty_batch(ort: GraphEmbedder, openvino: GraphEmbedder):
    assert ort.embed_documents([]).shape == (0, 384)
    vectors, sentences = openvino.embed_with_sentences([], [])
    assert vectors.shape == (0, 384) and sentences == []


def test_concurrent_calls_give_the_same_vectors(ort: GraphEmbedder, openvino: GraphEmbedder):
    for model in (ort, openvino):
        expected = [model.embed_documents(TEXTS[i:] + TEXTS[:i]) for i in range(len(TEXTS))]
        with ThreadPoolExecutor(max_workers=4) as pool:
            got = list(
                pool.map(
                    lambda i, m=model: m.embed_documents(TEXTS[i:] + TEXTS[:i]), range(len(TEXTS))
                )
            )
        for want, have in zip(expected, got, strict=True):
            assert np.allclose(want, have, atol=1e-6)


def test_supported_only_for_a_mean_pooled_bert_folder(tmp_path: Path):
    assert supported(packaged_minilm_path())
    assert not supported(tmp_path)
    copy = tmp_path / "cls-pooled"
    shutil.copytree(packaged_minilm_path(), copy)
    pooling = copy / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    pooling.write_text(
        json.dumps({**config, "pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True})
    )
    assert not supported(copy)  # sentence-transformers runs what the graph does not build


def test_graph_is_built_once_and_reused(graph: Path, tmp_path: Path):
    models = tmp_path / "models"
    target = graph_file_for(packaged_minilm_path(), models)
    assert target.parent == models and target.suffix == ".onnx"
    models.mkdir()
    shutil.copy(graph, target)  # as if an earlier ingest had built it
    before = target.stat().st_mtime_ns
    assert ensure_encoder_graph(DEFAULT_MODEL, models) == target
    assert target.stat().st_mtime_ns == before
    query = make_query_embedder(DEFAULT_MODEL, models)
    assert isinstance(query, GraphEmbedder) and query.runtime == "onnxruntime"
    ingest = make_embedder(DEFAULT_MODEL, models_dir=models)
    assert isinstance(ingest, GraphEmbedder) and ingest.runtime == "openvino"


def test_other_models_fall_back_to_sentence_transformers(tmp_path: Path):
    assert isinstance(make_embedder("some/other-model"), SentenceTransformerEmbedder)
    assert isinstance(make_embedder(DEFAULT_MODEL), SentenceTransformerEmbedder)  # nowhere to build
    assert ensure_encoder_graph("some/other-model", tmp_path) is None


def test_ingest_never_imports_torch(tmp_path: Path):
    """The default model ingests and answers without torch or transformers (import time)."""
    import subprocess
    import sys

    folder = write_articles(tmp_path / "articles", [("chess.txt", CHESS)])
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from index.api import NewsIndex\n"
        "from index.config import IndexConfig\n"
        f"news = NewsIndex(IndexConfig(home=Path({str(tmp_path / 'home')!r})))\n"
        f"news.ingest([Path({str(folder)!r})])\n"
        "assert news.search('Who won the chess championship?')[0].source == 'chess.txt'\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_index_with_an_injected_embedder_builds_no_graph(embedder, tmp_path: Path):
    news = NewsIndex(IndexConfig(home=tmp_path / "home"), embedder=embedder)
    news.ingest([write_articles(tmp_path / "articles", [("chess.txt", CHESS)])])
    assert news.query_embedder is embedder
    assert not (tmp_path / "home" / "models").exists()
