"""Which runtime and precision embed fastest on this machine: measured once, then cached.

No CPU flag tells: on a 2-core Xeon with AVX512-BF16 (no AMX) OpenVINO in bf16 was the slowest
way to run MiniLM (35 chunks/s against 48 for onnxruntime fp32), while on a 2-core EPYC with the
same flag it took half the CPU time of fp32. So the first ingest on a machine embeds a few short
batches with every installed encoder, keeps those whose vectors match onnxruntime's fp32 ones
(cosine >= PARITY; fp32 onnxruntime itself matches sentence-transformers to 0.99999), and
caches the fastest under `NEWSBOT_HOME/models/`, keyed by CPU model, core count, runtime
versions and graph. With only onnxruntime installed (the default) there is nothing to measure.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import EmbeddingModelError

# name -> (runtime, bf16); onnxruntime first: it comes with chromadb and is the reference.
ENCODERS: dict[str, tuple[str, bool]] = {
    "onnxruntime": ("onnxruntime", False),
    "openvino": ("openvino", False),
    "openvino-bf16": ("openvino", True),
}
DEFAULT = "onnxruntime"
PARITY = 0.9999  # least cosine to onnxruntime fp32 over the probe texts
MARGIN = 1.05  # another encoder must beat onnxruntime by 5%: smaller gaps are timing noise
ROUNDS = 2  # interleaved; the best round counts (another process's burst hits one, not all)
STREAMS = 2  # batches in flight at once during ingest
CACHE_FILE = "encoder-probe.json"

# Sixteen chunk-sized texts (~110 word pieces, two batches of eight: both streams busy), made
# of news sentences so the parity check sees the kind of text the index holds.
_SENTENCES = (
    "The city council approved a budget of 2.3 million euros on Monday to repair the harbour "
    "bridge, which has been closed to traffic since a storm damaged its cables in March.",
    "Engineers will replace 400 steel cables and resurface the deck, the transport department "
    "said, adding that the work should be finished before the tourist season in June.",
    "Opposition members criticised the cost, saying the money would have been better spent on "
    "schools, while shop owners near the bridge welcomed a decision they had awaited for months.",
    "Talks between the two delegations in Istanbul lasted six hours and ended without a joint "
    "statement, although both sides described them as constructive and agreed to meet again.",
    "The central bank held interest rates at 4.5% for the third month running, citing "
    "stubborn inflation in services and a labour market that remains tighter than expected.",
    "Shares in the carmaker fell 7% after it warned that a shortage of chips would cut output "
    "by a fifth this year, the second profit warning since the autumn.",
    "The striker, who joined the club from Lyon last summer for a fee of 40 million pounds, "
    "scored twice in the second half to lift his team to the top of the table.",
    "Scientists said the drought had halved the wheat harvest in the region, pushing up bread "
    "prices and forcing the government to release grain from its strategic reserves.",
)


@dataclass
class EncoderChoice:
    """The encoder ingest uses, why, and the probe's figures (chunks/s, cosine to fp32)."""

    encoder: str
    reason: str  # "setting", "probe", "cached probe", "only onnxruntime installed"
    chunks_per_s: dict[str, float] = field(default_factory=dict)
    min_cosine: dict[str, float] = field(default_factory=dict)
    embedder: Any = None  # the GraphEmbedder itself (not part of the JSON form)

    def as_dict(self) -> dict[str, Any]:
        """JSON form, for the cache and `newsbot stats --json`."""
        return {
            "encoder": self.encoder,
            "reason": self.reason,
            "chunks_per_s": self.chunks_per_s,
            "min_cosine": self.min_cosine,
        }


def installed() -> list[str]:
    """Encoders whose runtime is importable here (no import: find_spec only)."""
    have = {r for r in ("onnxruntime", "openvino") if importlib.util.find_spec(r) is not None}
    return [name for name, (runtime, _) in ENCODERS.items() if runtime in have]


def machine_key(graph_file: Path) -> str:
    """What a measurement holds for: CPU model, cores, runtime versions, the graph."""
    versions = []
    for dist in ("onnxruntime", "openvino"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions.append(f"{dist}={importlib.metadata.version(dist)}")
    return "|".join([_cpu_model(), f"cores={os.cpu_count()}", *versions, graph_file.name])


def choose_encoder(
    model_id: str, model_path: Path, graph_file: Path, *, setting: str, models_dir: Path
) -> EncoderChoice:
    """The encoder for ingest: the setting when not 'auto', else the cached or a fresh probe."""
    candidates = installed()
    if setting != "auto":
        if setting not in ENCODERS:
            raise EmbeddingModelError(
                f"unknown encoder '{setting}': use auto or one of {', '.join(ENCODERS)}"
            )
        if setting not in candidates:
            raise EmbeddingModelError(
                f"encoder '{setting}' needs its runtime: pip install 'newsbot[openvino]'"
            )
        choice = EncoderChoice(setting, "setting")
    elif candidates == [DEFAULT]:
        choice = EncoderChoice(DEFAULT, "only onnxruntime installed")
    else:
        cached = cached_choice(graph_file, models_dir)
        if cached is not None and cached.encoder in candidates:
            choice = cached
        else:
            choice = probe(model_id, model_path, graph_file, candidates)
            _save(models_dir / CACHE_FILE, machine_key(graph_file), choice)
    if choice.embedder is None:
        choice.embedder = build(choice.encoder, model_id, model_path, graph_file)
    return choice


def describe(graph_file: Path, models_dir: Path, setting: str) -> dict[str, Any]:
    """Which encoder ingest uses here and why, without loading or measuring anything."""
    if setting != "auto":
        return {"encoder": setting, "reason": "setting"}
    if installed() == [DEFAULT]:
        return {"encoder": DEFAULT, "reason": "only onnxruntime installed"}
    cached = cached_choice(graph_file, models_dir)
    if cached is None:
        return {"encoder": None, "reason": "not measured yet: the next ingest probes"}
    return cached.as_dict()


def cached_choice(graph_file: Path, models_dir: Path) -> EncoderChoice | None:
    """The probe's verdict for this machine, if one was saved."""
    try:
        saved = json.loads((models_dir / CACHE_FILE).read_text())[machine_key(graph_file)]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return EncoderChoice(
        saved["encoder"], "cached probe", saved["chunks_per_s"], saved["min_cosine"]
    )


def build(encoder: str, model_id: str, model_path: Path, graph_file: Path) -> Any:
    """A GraphEmbedder running `encoder` (one of ENCODERS), set up for ingest."""
    from index.encoder import GraphEmbedder

    runtime, bf16 = ENCODERS[encoder]
    return GraphEmbedder(
        model_id, model_path, graph_file, runtime=runtime, bf16=bf16, streams=STREAMS
    )


def probe(
    model_id: str, model_path: Path, graph_file: Path, candidates: list[str]
) -> EncoderChoice:
    """Time every candidate on the probe texts; the fastest that passes parity wins."""
    texts, spans = probe_texts()
    embedders = {c: build(c, model_id, model_path, graph_file) for c in candidates}
    for embedder in embedders.values():
        embedder.embed_with_sentences(texts[:4], spans[:4])  # warm-up: first-call allocations
    best = dict.fromkeys(candidates, float("inf"))
    vectors: dict[str, np.ndarray] = {}
    for _ in range(ROUNDS):
        for name, embedder in embedders.items():
            started = time.perf_counter()
            vectors[name], _ = embedder.embed_with_sentences(texts, spans)
            best[name] = min(best[name], time.perf_counter() - started)
    reference = vectors[DEFAULT]
    cosine = {c: round(float((vectors[c] * reference).sum(axis=1).min()), 6) for c in candidates}
    speed = {c: round(len(texts) / best[c], 1) for c in candidates}
    winner = pick(speed, cosine)
    return EncoderChoice(winner, "probe", speed, cosine, embedders[winner])


def pick(speed: dict[str, float], cosine: dict[str, float]) -> str:
    """The fastest encoder whose vectors pass parity, if it beats onnxruntime by MARGIN."""
    passing = [c for c in speed if cosine.get(c, 0.0) >= PARITY]
    winner = max(passing, key=lambda c: speed[c], default=DEFAULT)
    return winner if speed[winner] >= speed.get(DEFAULT, 0.0) * MARGIN else DEFAULT


def probe_texts() -> tuple[list[str], list[list[tuple[int, int]]]]:
    """Sixteen texts of four sentences each, with their sentence spans."""
    texts, spans = [], []
    n = len(_SENTENCES)
    for i in range(16):
        picked = [_SENTENCES[(i + k * (1 + i % 3)) % n] for k in range(4)]
        text, sentence_spans = "", []
        for sentence in picked:
            start = len(text) + (1 if text else 0)
            text = f"{text} {sentence}" if text else sentence
            sentence_spans.append((start, len(text)))
        texts.append(text)
        spans.append(sentence_spans)
    return texts, spans


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _save(path: Path, key: str, choice: EncoderChoice) -> None:
    """Add this machine's verdict to the cache file (atomic replace; other keys kept)."""
    try:
        saved = json.loads(path.read_text())
        if not isinstance(saved, dict):
            saved = {}
    except (OSError, ValueError):
        saved = {}
    saved[key] = {**choice.as_dict(), "reason": "probe"}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(saved, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
