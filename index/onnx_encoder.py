"""A light query-time encoder: the same sentence-transformers weights run by onnxruntime.

Importing torch + sentence-transformers costs ~9 s here, far over a 3 s cold `newsbot ask`;
onnxruntime + tokenizers import in ~0.5 s and give the same vectors (cosine 1.0 to fp32 torch).
The ONNX file is exported once (at ingest, where torch is loaded anyway) into NEWSBOT_HOME.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def exportable(model_path: Path) -> bool:
    """True for a local sentence-transformers folder of Transformer + mean Pooling (+Normalize)."""
    modules_file = model_path / "modules.json"
    if not modules_file.exists() or not (model_path / "tokenizer.json").exists():
        return False
    kinds = [m.get("type", "") for m in json.loads(modules_file.read_text())]
    pooling = next(
        (
            model_path / m["path"]
            for m in json.loads(modules_file.read_text())
            if m.get("type", "").endswith("Pooling")
        ),
        None,
    )
    if pooling is None or not (pooling / "config.json").exists():
        return False
    pool_cfg = json.loads((pooling / "config.json").read_text())
    return (
        kinds[0].endswith("Transformer")
        and bool(pool_cfg.get("pooling_mode_mean_tokens"))
        and all(k.endswith(("Transformer", "Pooling", "Normalize")) for k in kinds)
    )


def onnx_file_for(model_path: Path, home: Path) -> Path:
    """Where the exported encoder of `model_path` lives under the data directory."""
    weights = sorted(model_path.glob("*.safetensors")) or sorted(model_path.glob("*.bin"))
    stamp = "|".join(f"{w.name}:{w.stat().st_size}" for w in weights)
    digest = hashlib.sha1(f"{model_path.resolve()}|{stamp}".encode()).hexdigest()[:12]
    return home / "models" / f"{model_path.name}-{digest}.onnx"


def export_onnx(model_path: Path, dest: Path) -> Path:
    """Export Transformer + mean pooling + L2 normalisation to one ONNX graph (needs torch)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(str(model_path)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_path))

    class _Encoder(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    sample = tokenizer(
        ["a question", "a longer example sentence"], padding=True, return_tensors="pt"
    )
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(f".{os.getpid()}.tmp")
    axes = {name: {0: "batch", 1: "seq"} for name in _INPUTS}
    with torch.inference_mode(), warnings.catch_warnings():
        # The tracer's warnings concern decoder/causal paths a BERT encoder never takes.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Encoder(model),
            tuple(sample[name] for name in _INPUTS),
            str(tmp),
            input_names=list(_INPUTS),
            output_names=["embedding"],
            dynamic_axes={**axes, "embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,  # the TorchScript exporter needs no onnxscript
        )
    tmp.replace(dest)  # atomic: a reader never sees half a file
    return dest


class OnnxEmbedder:
    """Embeds with onnxruntime + tokenizers; safe to call from several threads."""

    def __init__(self, model_id: str, model_path: Path, onnx_file: Path, *, threads: int = 0):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_id = model_id
        config = (
            json.loads((model_path / "sentence_bert_config.json").read_text())
            if (model_path / "sentence_bert_config.json").exists()
            else {}
        )
        self.max_tokens: int | None = int(config.get("max_seq_length", 256))
        self._tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=self.max_tokens)
        self._tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(onnx_file), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._lock = threading.Lock()  # the Rust tokenizer's padding state is not shared-safe

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in one batch."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            encodings = self._tokenizer.encode_batch(list(texts))
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question."""
        return self.embed_documents([text])[0]
