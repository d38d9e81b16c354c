"""The encoder probe: measured once per machine, cached under NEWSBOT_HOME, overridable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import probe
from index.bert_graph import ensure_graph
from index.embed import DEFAULT_MODEL, describe_encoder, packaged_minilm_path
from index.encoder import GraphEmbedder
from index.errors import EmbeddingModelError


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_graph(packaged_minilm_path(), tmp_path_factory.mktemp("graph"))


def choose(graph: Path, models: Path, setting: str = "auto") -> probe.EncoderChoice:
    return probe.choose_encoder(
        DEFAULT_MODEL, packaged_minilm_path(), graph, setting=setting, models_dir=models
    )


def test_pick_takes_the_fastest_encoder_that_matches_fp32():
    cosine = {"onnxruntime": 1.0, "openvino": 1.0, "openvino-bf16": 0.99995}
    speed = {"onnxruntime": 48.1, "openvino": 48.1, "openvino-bf16": 96.0}
    assert probe.pick(speed, cosine) == "openvino-bf16"
    # Faster but off the fp32 vectors: never chosen.
    assert probe.pick(speed, {**cosine, "openvino-bf16": 0.9990}) == "onnxruntime"
    # The Xeon (AVX512-BF16, no AMX): bf16 is the slowest; fp32 ties stay onnxruntime.
    xeon = {"onnxruntime": 48.1, "openvino": 48.1, "openvino-bf16": 35.2}
    assert probe.pick(xeon, cosine) == "onnxruntime"
    assert probe.pick({**xeon, "openvino": 49.0}, cosine) == "onnxruntime"  # within the margin
    assert probe.pick({**xeon, "openvino": 60.0}, cosine) == "openvino"


def test_probe_texts_are_chunk_sized_with_sentence_spans():
    texts, spans = probe.probe_texts()
    assert len(texts) == 16 and len(set(texts)) == 16
    for text, text_spans in zip(texts, spans, strict=True):
        assert len(text_spans) == 4
        assert all(text[a:b].endswith(".") and text[a].isupper() for a, b in text_spans)


def test_a_setting_skips_the_probe(graph: Path, tmp_path: Path):
    choice = choose(graph, tmp_path / "models", setting="onnxruntime")
    assert choice.reason == "setting" and isinstance(choice.embedder, GraphEmbedder)
    assert choice.embedder.runtime == "onnxruntime"
    assert not (tmp_path / "models" / probe.CACHE_FILE).exists()
    with pytest.raises(EmbeddingModelError, match="unknown encoder 'bf16'"):
        choose(graph, tmp_path / "models", setting="bf16")


@pytest.mark.skipif(len(probe.installed()) < 2, reason="one runtime installed: nothing to probe")
def test_probe_runs_once_per_machine_and_its_verdict_is_cached(
    graph: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    models = tmp_path / "models"
    assert describe_encoder(DEFAULT_MODEL, models)["encoder"] is None  # not measured yet
    first = choose(graph, models)
    assert first.reason == "probe"
    assert set(first.chunks_per_s) == set(probe.installed())
    assert all(speed > 0 for speed in first.chunks_per_s.values())
    assert first.min_cosine["onnxruntime"] >= 0.99999
    assert first.min_cosine[first.encoder] >= probe.PARITY
    assert first.embedder.runtime == first.encoder
    saved = json.loads((models / probe.CACHE_FILE).read_text())
    assert list(saved) == [probe.machine_key(graph)]
    assert saved[probe.machine_key(graph)]["encoder"] == first.encoder

    def no_second_probe(*args: object) -> None:
        raise AssertionError("the verdict is cached: no probe")

    monkeypatch.setattr(probe, "probe", no_second_probe)
    again = choose(graph, models)
    assert (again.encoder, again.reason) == (first.encoder, "cached probe")
    described = describe_encoder(DEFAULT_MODEL, models)
    assert (described["encoder"], described["reason"]) == (first.encoder, "cached probe")
    assert described["chunks_per_s"] == first.chunks_per_s


@pytest.mark.skipif(len(probe.installed()) < 2, reason="one runtime installed: nothing to probe")
def test_a_verdict_from_another_machine_is_not_used(graph: Path, tmp_path: Path):
    models = tmp_path / "models"
    models.mkdir()
    other = probe.machine_key(graph).replace("cores=", "cores=9")
    (models / probe.CACHE_FILE).write_text(
        json.dumps({other: {"encoder": "openvino", "chunks_per_s": {}, "min_cosine": {}}})
    )
    choice = choose(graph, models)
    assert choice.reason == "probe"
    saved = json.loads((models / probe.CACHE_FILE).read_text())
    assert set(saved) == {other, probe.machine_key(graph)}  # the other machine's entry is kept
