"""A BERT sentence encoder as an ONNX graph, built straight from its safetensors weights.

Why by hand: `torch.onnx.export` needs torch, transformers and a trace, which cost 7.5-8 s of imports
and ~2 s of export in every fresh ingest process, more than everything else an ingest does
besides the model itself. A BERT encoder is a short, fixed recipe (embeddings, N x [attention,
feed-forward], mean pooling), so the graph is written out here from the weights in ~0.9 s with
`onnx.helper` alone. onnxruntime runs it for questions and OpenVINO for ingest; the tests hold
its vectors to sentence-transformers' own (cosine >= 0.9999).

Only the layout sentence-transformers uses for BERT-family models (MiniLM, BGE, E5, ...) is
supported: absolute positions, exact GELU, mean pooling. Anything else runs through
sentence-transformers (`index.embed.SentenceTransformerEmbedder`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
POOLED = "embedding"  # [batch, hidden]: mean of the token vectors, unit length
TOKENS = "token_embeddings"  # [batch, seq, hidden]: the last layer, for sentence vectors
GRAPH_VERSION = "2"  # bump when the graph changes: the file name carries it (2: weights apart)
_OPSET = 17  # LayerNormalization; onnxruntime and OpenVINO both read it


def supported(model_dir: Path) -> bool:
    """True for a local sentence-transformers folder holding a BERT this module can build."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
        config = json.loads((model_dir / "config.json").read_text())
        pooling_dir = next(model_dir / m["path"] for m in modules if m["type"].endswith("Pooling"))
        pooling = json.loads((pooling_dir / "config.json").read_text())
    except (OSError, ValueError, KeyError, StopIteration):
        return False
    kinds = [m.get("type", "") for m in modules]
    return (
        kinds[0].endswith("Transformer")
        and all(k.endswith(("Transformer", "Pooling", "Normalize")) for k in kinds)
        and bool(pooling.get("pooling_mode_mean_tokens"))
        and not any(
            v for k, v in pooling.items() if k.startswith("pooling_mode_") and "mean" not in k
        )
        and config.get("model_type") == "bert"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and config.get("hidden_act") == "gelu"
        and (model_dir / "model.safetensors").exists()
        and (model_dir / "tokenizer.json").exists()
    )


def max_tokens(model_dir: Path) -> int:
    """The model's input window in word pieces (sentence-transformers' max_seq_length)."""
    config_file = model_dir / "sentence_bert_config.json"
    if config_file.exists():
        return int(json.loads(config_file.read_text()).get("max_seq_length", 256))
    return int(json.loads((model_dir / "config.json").read_text())["max_position_embeddings"])


def hidden_size(model_dir: Path) -> int:
    """Length of the model's vectors."""
    return int(json.loads((model_dir / "config.json").read_text())["hidden_size"])


def graph_file_for(model_dir: Path, models_dir: Path) -> Path:
    """Where the graph of `model_dir` is kept: named after the weights it was built from."""
    weights = model_dir / "model.safetensors"
    stamp = f"{model_dir.resolve()}|{weights.stat().st_size}|{weights.stat().st_mtime_ns}"
    digest = hashlib.sha1(f"{stamp}|{GRAPH_VERSION}".encode()).hexdigest()[:12]
    return models_dir / f"{model_dir.name}-{digest}.onnx"


def weights_file_for(graph_file: Path) -> Path:
    """The graph's weights, kept beside it in their own file (ONNX external data)."""
    return graph_file.with_suffix(".weights")


def ensure_graph(model_dir: Path, models_dir: Path) -> Path:
    """Build the graph file once; later calls (and other processes) reuse it.

    The weights go to their own file, which onnxruntime maps into memory instead of parsing
    and copying 90 MB out of the graph: a question encoder's session opened in ~0.1 s of CPU
    instead of ~0.25 s (`bench/cold_ask.py`).
    """
    target = graph_file_for(model_dir, models_dir)
    if not target.exists():
        import onnx

        target.parent.mkdir(parents=True, exist_ok=True)
        weights = weights_file_for(target)
        with tempfile.TemporaryDirectory(prefix=".graph-", dir=target.parent) as tmp:
            staged = Path(tmp) / target.name
            onnx.save(
                build_graph(model_dir),
                str(staged),
                save_as_external_data=True,
                all_tensors_to_one_file=True,
                location=weights.name,
                size_threshold=1024,
            )
            staged_weights = Path(tmp) / weights.name
            os.chmod(staged_weights, staged.stat().st_mode & 0o777)  # onnx writes it 0600
            # The weights first, then the graph naming them: a reader that finds the graph
            # finds whole weights (each replace is atomic).
            os.replace(staged_weights, weights)
            os.replace(staged, target)
    return target


def build_graph(model_dir: Path) -> Any:
    """The encoder as an `onnx.ModelProto`: inputs `INPUTS`, outputs `POOLED` and `TOKENS`."""
    from onnx import TensorProto, helper
    from safetensors.numpy import load_file

    config = json.loads((model_dir / "config.json").read_text())
    raw = load_file(str(model_dir / "model.safetensors"))
    # The packaged MiniLM stores its weights in fp16 (half the size); the graph computes in fp32.
    weights = {
        k.removeprefix("bert."): v.astype(np.float32) if v.dtype == np.float16 else v
        for k, v in raw.items()
    }
    g = _Graph(weights, eps=float(config.get("layer_norm_eps", 1e-12)))
    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])

    # Embeddings: word + token type + position, then LayerNorm.
    words = g.op("Gather", g.weight("embeddings.word_embeddings.weight"), "input_ids")
    types = g.op("Gather", g.weight("embeddings.token_type_embeddings.weight"), "token_type_ids")
    length = g.op("Shape", "input_ids", start=1, end=2)
    positions = g.op(
        "Slice",
        g.weight("embeddings.position_embeddings.weight"),
        g.const(np.array([0], np.int64)),
        length,
        g.const(np.array([0], np.int64)),
    )
    x = g.layer_norm(g.op("Add", g.op("Add", words, types), positions), "embeddings.LayerNorm")

    mask = g.op("Cast", "attention_mask", to=TensorProto.FLOAT)
    # Padding gets -10000 before the softmax, as BERT was trained with.
    blocked = g.op("Mul", g.op("Sub", g.const(np.float32(1.0)), mask), g.const(np.float32(-1e4)))
    blocked = g.op("Unsqueeze", blocked, g.const(np.array([1, 2], np.int64)))
    for i in range(int(config["num_hidden_layers"])):
        x = _layer(g, x, blocked, f"encoder.layer.{i}", hidden=hidden, heads=heads)
    g.output(x, TOKENS)

    # Mean pooling over real tokens, then unit length.
    mask3 = g.op("Unsqueeze", mask, g.const(np.array([-1], np.int64)))
    axis1 = g.const(np.array([1], np.int64))
    summed = g.op("ReduceSum", g.op("Mul", x, mask3), axis1, keepdims=0)
    count = g.op("Max", g.op("ReduceSum", mask3, axis1, keepdims=0), g.const(np.float32(1e-9)))
    mean = g.op("Div", summed, count)
    norm = g.op("Max", g.op("ReduceL2", mean, axes=[-1], keepdims=1), g.const(np.float32(1e-12)))
    g.output(g.op("Div", mean, norm), POOLED)

    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"]) for n in INPUTS]
    outputs = [
        helper.make_tensor_value_info(POOLED, TensorProto.FLOAT, ["batch", hidden]),
        helper.make_tensor_value_info(TOKENS, TensorProto.FLOAT, ["batch", "seq", hidden]),
    ]
    graph = helper.make_graph(g.nodes, "sentence_encoder", inputs, outputs, g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)])
    model.ir_version = 8  # readable by every onnxruntime and OpenVINO release of the last years
    return model


def _layer(g: _Graph, x: str, blocked: str, prefix: str, *, hidden: int, heads: int) -> str:
    """One transformer layer: self-attention and feed-forward, each with residual + LayerNorm."""
    w = g.weights
    attn = f"{prefix}.attention.self"
    # One matmul for query, key and value (the three projections share their input).
    qkv_weight = np.concatenate([w[f"{attn}.{n}.weight"] for n in ("query", "key", "value")]).T
    qkv_bias = np.concatenate([w[f"{attn}.{n}.bias"] for n in ("query", "key", "value")])
    qkv = g.op("Add", g.op("MatMul", x, g.const(qkv_weight)), g.const(qkv_bias))
    q, k, v = g.split(qkv, [hidden] * 3)
    split_heads = g.const(np.array([0, 0, heads, hidden // heads], np.int64))
    q = g.op("Transpose", g.op("Reshape", q, split_heads), perm=[0, 2, 1, 3])
    k = g.op("Transpose", g.op("Reshape", k, split_heads), perm=[0, 2, 3, 1])
    v = g.op("Transpose", g.op("Reshape", v, split_heads), perm=[0, 2, 1, 3])
    scale = g.const(np.float32(1.0 / np.sqrt(hidden // heads)))
    scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), blocked)
    context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
    context = g.op("Transpose", context, perm=[0, 2, 1, 3])
    context = g.op("Reshape", context, g.const(np.array([0, 0, hidden], np.int64)))
    attended = g.linear(context, f"{prefix}.attention.output.dense")
    x = g.layer_norm(g.op("Add", attended, x), f"{prefix}.attention.output.LayerNorm")

    inner = g.linear(x, f"{prefix}.intermediate.dense")
    # Exact GELU, 0.5 * h * (1 + erf(h / sqrt 2)); both runtimes fuse this pattern.
    erf = g.op("Erf", g.op("Div", inner, g.const(np.float32(np.sqrt(2.0)))))
    gelu = g.op(
        "Mul",
        g.op("Mul", inner, g.op("Add", erf, g.const(np.float32(1.0)))),
        g.const(np.float32(0.5)),
    )
    out = g.linear(gelu, f"{prefix}.output.dense")
    return g.layer_norm(g.op("Add", out, x), f"{prefix}.output.LayerNorm")


class _Graph:
    """Collects nodes and initializers with generated names."""

    def __init__(self, weights: dict[str, np.ndarray], *, eps: float) -> None:
        self.weights = weights
        self.eps = eps
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._count = 0

    def _name(self, kind: str) -> str:
        self._count += 1
        return f"{kind}_{self._count}"

    def const(self, value: np.ndarray | np.generic) -> str:
        from onnx import numpy_helper

        name = self._name("c")
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def weight(self, key: str) -> str:
        return self.const(self.weights[key])

    def op(self, kind: str, *inputs: str, **attrs: Any) -> str:
        from onnx import helper

        name = self._name(kind.lower())
        self.nodes.append(helper.make_node(kind, list(inputs), [name], name=name, **attrs))
        return name

    def split(self, x: str, sizes: list[int]) -> list[str]:
        from onnx import helper

        names = [self._name("part") for _ in sizes]
        sizes_name = self.const(np.array(sizes, np.int64))
        self.nodes.append(
            helper.make_node("Split", [x, sizes_name], names, axis=-1, name=self._name("split"))
        )
        return names

    def output(self, x: str, name: str) -> None:
        from onnx import helper

        self.nodes.append(helper.make_node("Identity", [x], [name], name=self._name("out")))

    def linear(self, x: str, prefix: str) -> str:
        """x @ W^T + b with W stored [out, in] as in the checkpoint."""
        weight = self.const(self.weights[f"{prefix}.weight"].T)
        return self.op("Add", self.op("MatMul", x, weight), self.weight(f"{prefix}.bias"))

    def layer_norm(self, x: str, prefix: str) -> str:
        scale, bias = self.weight(f"{prefix}.weight"), self.weight(f"{prefix}.bias")
        return self.op("LayerNormalization", x, scale, bias, axis=-1, epsilon=self.eps)
