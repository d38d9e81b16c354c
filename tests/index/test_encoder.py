"""The torch-free encoder: the BERT graph built from the packaged MiniLM, on onnxruntime and
OpenVINO, against vectors sentence-transformers computed once (`make_reference_vectors.py`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from index.api import NewsIndex
from index.bert_graph import (
    POOLED,
    TOKENS,
    ensure_graph,
    graph_file_for,
    supported,
    weights_file_for,
)
from index.config import IndexConfig
from index.embed import (
    DEFAULT_MODEL,
    SentenceTransformerEmbedder,
    ensure_encoder_graph,
    make_embedder,
    make_query_embedder,
    packaged_minilm_path,
)
from index.encoder import GraphEmbedder
from index.errors import IndexNotBuiltError
from index.probe import ENCODERS, build, installed
from tests.fakes.articles import CHESS, write_articles
from tests.index.parity_texts import LATE_SPANS, LATE_TEXTS, LONG, TEXTS

EXACT = 0.99999  # fp32 graph (fp16-stored weights) vs sentence-transformers fp32
CLOSE = 0.9999  # bf16 vs fp32
REFERENCE = Path(__file__).resolve().parent / "data" / "minilm_reference.npz"


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    data = np.load(REFERENCE)
    assert json.loads(str(data["texts"])) == TEXTS  # the vectors belong to these very texts
    return {"documents": data["documents"], "sentences": data["sentences"]}


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_graph(packaged_minilm_path(), tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def ort(graph: Path) -> GraphEmbedder:
    return GraphEmbedder(DEFAULT_MODEL, packaged_minilm_path(), graph, runtime="onnxruntime")


@pytest.fixture(scope="module", params=list(ENCODERS))
def encoder(request: pytest.FixtureRequest, graph: Path) -> GraphEmbedder:
    """Every encoder the probe can pick, as ingest builds it (two streams)."""
    if request.param not in installed():
        pytest.skip(f"{request.param} is not installed (pip install 'newsbot[openvino]')")
    return build(request.param, DEFAULT_MODEL, packaged_minilm_path(), graph)


def least(encoder: GraphEmbedder) -> float:
    return CLOSE if encoder.runtime.endswith("bf16") else EXACT


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_graph_has_both_outputs_and_its_weights_in_a_file_beside_it(graph: Path):
    """onnxruntime maps the weights file instead of parsing and copying 90 MB out of the
    graph: the question encoder of a cold `newsbot ask` opens in less than half the time."""
    import onnx

    weights = weights_file_for(graph)
    names = sorted(p.name for p in graph.parent.iterdir())
    assert names == sorted([graph.name, weights.name])  # no temporaries left
    model = onnx.load(str(graph), load_external_data=False)
    onnx.checker.check_model(str(graph))
    assert [o.name for o in model.graph.output] == [POOLED, TOKENS]
    assert graph.stat().st_size < 1_000_000
    assert weights.stat().st_size > 80_000_000  # as fp32
    assert weights.stat().st_mode & 0o777 == graph.stat().st_mode & 0o777


def test_the_model_ships_inside_newsbot_in_fp16():
    from safetensors import safe_open

    folder = packaged_minilm_path()
    assert folder.is_relative_to(Path(__file__).resolve().parents[2] / "index")
    with safe_open(str(folder / "model.safetensors"), "np") as weights:
        dtypes = {str(weights.get_tensor(k).dtype) for k in weights.keys()}  # noqa: SIM118
    assert dtypes == {"float16"}
    assert (folder / "model.safetensors").stat().st_size < 50_000_000


def test_query_encoder_matches_sentence_transformers(
    ort: GraphEmbedder, reference: dict[str, np.ndarray]
):
    ours = np.stack([ort.embed_query(t) for t in TEXTS])
    assert ours.shape == reference["documents"].shape == (len(TEXTS), 384)
    assert ours.dtype == np.float32
    assert np.all(cosines(ours, reference["documents"]) >= EXACT)


def test_every_encoder_matches_sentence_transformers(
    encoder: GraphEmbedder, reference: dict[str, np.ndarray]
):
    ours = encoder.embed_documents(TEXTS)
    assert np.all(cosines(ours, reference["documents"]) >= least(encoder))
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_padding_and_batching_do_not_change_a_vector(ort: GraphEmbedder):
    batched = ort.embed_documents(TEXTS * 3)  # several length-sorted, padded batches
    alone = np.stack([ort.embed_query(t) for t in TEXTS * 3])
    assert np.all(cosines(batched, alone) >= EXACT)


def test_long_text_is_truncated_like_sentence_transformers(
    ort: GraphEmbedder, reference: dict[str, np.ndarray]
):
    assert ort.word_pieces(LONG) > 256
    expected = reference["documents"][TEXTS.index(LONG)]
    assert cosines(ort.embed_query(LONG), expected)[0] >= EXACT


def test_sentence_vectors_match_late_chunking_by_sentence_transformers(
    encoder: GraphEmbedder, reference: dict[str, np.ndarray]
):
    text, spans = LATE_TEXTS[0], LATE_SPANS[0]
    ours, our_sentences = encoder.embed_with_sentences([text, "Istanbul"], [spans, []])
    assert our_sentences[0].shape == (3, 384) and our_sentences[1].shape == (0, 384)
    assert np.all(cosines(our_sentences[0], reference["sentences"]) >= least(encoder))
    # A sentence's vector is about that sentence: it is nearest to the sentence embedded alone.
    first, second = text[: spans[0][1]], text[spans[1][0] :]
    alone = encoder.embed_documents([first, second])
    assert cosines(our_sentences[0][0], alone[0]) > cosines(our_sentences[0][0], alone[1])
    # An empty span falls back to the chunk's own vector.
    assert cosines(our_sentences[0][2], ours[0])[0] >= 0.9999


def test_empty_batch(encoder: GraphEmbedder):
    assert encoder.embed_documents([]).shape == (0, 384)
    vectors, sentences = encoder.embed_with_sentences([], [])
    assert vectors.shape == (0, 384) and sentences == []


def test_concurrent_calls_give_the_same_vectors(encoder: GraphEmbedder):
    rotations = [TEXTS[i:] + TEXTS[:i] for i in range(len(TEXTS))]
    expected = [encoder.embed_documents(texts) for texts in rotations]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(encoder.embed_documents, rotations))
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
    shutil.copy(weights_file_for(graph), weights_file_for(target))  # as an earlier ingest
    shutil.copy(graph, target)  # had built them
    before = target.stat().st_mtime_ns
    assert ensure_encoder_graph(DEFAULT_MODEL, models) == target
    assert target.stat().st_mtime_ns == before
    query = make_query_embedder(DEFAULT_MODEL, models)
    assert isinstance(query, GraphEmbedder) and query.runtime == "onnxruntime"
    ingest = make_embedder(DEFAULT_MODEL, models_dir=models, encoder="onnxruntime")
    assert isinstance(ingest, GraphEmbedder) and ingest.runtime == "onnxruntime"


def test_the_encoder_leaves_no_onnxruntime_telemetry(graph: Path, tmp_path: Path):
    """onnxruntime's usage telemetry (a synced SQLite write under ~/.cache per process) is off,
    as Chroma's is; a user's own ORT_DISABLE_TELEMETRY setting would win."""
    script = (
        "from pathlib import Path\n"
        "from index.embed import packaged_minilm_path\n"
        "from index.encoder import GraphEmbedder\n"
        f"encoder = GraphEmbedder('m', packaged_minilm_path(), Path({str(graph)!r}))\n"
        "print(encoder.embed_query('Who won?').shape)\n"
    )
    env = {
        k: v for k, v in os.environ.items() if k not in {"ORT_DISABLE_TELEMETRY", "XDG_CACHE_HOME"}
    }
    env["HOME"] = str(tmp_path)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])  # this checkout
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(384,)"
    assert not (tmp_path / ".cache").exists()


def test_no_index_is_a_clear_error_while_the_encoder_opens_beside_the_store(
    graph: Path, tmp_path: Path
):
    """With the graph built, a question opens the encoder on a thread while the store opens;
    an index never built still says so, and the encoder is dropped."""
    models = tmp_path / "home" / "models"
    target = graph_file_for(packaged_minilm_path(), models)
    models.mkdir(parents=True)
    shutil.copy(weights_file_for(graph), weights_file_for(target))
    shutil.copy(graph, target)
    news = NewsIndex(IndexConfig(home=tmp_path / "home"))
    with pytest.raises(IndexNotBuiltError):
        news.search("Who won the chess championship?")
    assert "query_embedder" not in news.__dict__


def test_other_models_fall_back_to_sentence_transformers(tmp_path: Path):
    assert isinstance(make_embedder("some/other-model"), SentenceTransformerEmbedder)
    assert isinstance(make_embedder(DEFAULT_MODEL), SentenceTransformerEmbedder)  # nowhere to build
    assert ensure_encoder_graph("some/other-model", tmp_path) is None


def test_ingest_and_questions_never_import_torch(tmp_path: Path):
    """The default model ingests and answers without torch or transformers (7.5-8 s of imports).

    (scipy and scikit-learn are not in the default install at all; where the bench extra put
    them, bm25s and nltk import them opportunistically, so this process cannot show their
    absence: the lean venv of README's "Install and test" does.)
    """
    folder = write_articles(tmp_path / "articles", [("chess.txt", CHESS)])
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from index.api import NewsIndex\n"
        "from index.config import IndexConfig\n"
        f"news = NewsIndex(IndexConfig(home=Path({str(tmp_path / 'home')!r})))\n"
        f"news.ingest([Path({str(folder)!r})])\n"
        "assert news.search('Who won the chess championship?')[0].source == 'chess.txt'\n"
        "heavy = ('torch', 'transformers', 'sentence_transformers')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
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
