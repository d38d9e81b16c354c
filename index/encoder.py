"""The BERT graph (`index.bert_graph`) run without torch, on onnxruntime or OpenVINO.

Importing torch + sentence-transformers costs 7.5-8 s (README); onnxruntime or OpenVINO plus
tokenizers import in well under a second. onnxruntime (installed with chromadb) runs the graph in
fp32 for questions and, by default, for ingest; OpenVINO (the `openvino` extra) runs it in fp32
or bf16. Which one ingest uses is measured per machine (`index.probe`): bf16 is 2x faster than
fp32 on one CPU with AVX512-BF16 and slower on another, so no CPU flag tells. Both runtimes give
the chunk vector and, from the same pass, the contextual token vectors that sentence vectors are
pooled from ("late chunking"). Ingest feeds short length-sorted batches on two streams.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.bert_graph import INPUTS, POOLED, TOKENS, hidden_size, max_tokens
from index.errors import EmbeddingModelError

Spans = Sequence[tuple[int, int]]


class _Runtime(Protocol):
    def run(self, feeds: list[dict[str, np.ndarray]], *, tokens: bool) -> list[tuple[Any, Any]]:
        """(pooled, token vectors or None) per batch of feeds."""
        ...


class GraphEmbedder:
    """Unit-length vectors from the BERT graph; safe to call from several threads."""

    def __init__(
        self,
        model_id: str,
        model_path: Path,
        graph_file: Path,
        *,
        runtime: str = "onnxruntime",
        bf16: bool = False,
        streams: int = 1,
        batch_size: int = 8,
    ) -> None:
        from tokenizers import Tokenizer

        self.model_id = model_id
        self.max_tokens: int | None = max_tokens(model_path)
        self.runtime = f"{runtime}-bf16" if bf16 else runtime
        self._dim = hidden_size(model_path)
        self._tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._tokenizer.no_padding()  # batches are padded here, after sorting by length
        self._tokenizer.enable_truncation(max_length=self.max_tokens)
        self._pad_id = self._tokenizer.token_to_id("[PAD]") or 0
        self._tokenizer_file = model_path / "tokenizer.json"
        self._batch_size = batch_size
        self._runtime: _Runtime
        if runtime == "openvino":
            self._runtime = _OpenVino(graph_file, bf16=bf16)
        elif runtime == "onnxruntime" and not bf16:
            self._runtime = _OnnxRuntime(graph_file, streams=streams)
        else:
            raise EmbeddingModelError(f"no encoder runtime '{self.runtime}'")

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages; shape (len(texts), dim)."""
        if not texts:
            return np.zeros((0, self.dimension()), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        order, feeds = self._batches(encodings)
        out = np.zeros((len(texts), self.dimension()), dtype=np.float32)
        for rows, (pooled, _) in zip(order, self._runtime.run(feeds, tokens=False), strict=True):
            out[rows] = pooled
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question; shape (dim,)."""
        return self.embed_documents([text])[0]

    def embed_with_sentences(
        self, texts: Sequence[str], spans: Sequence[Spans]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Chunk vectors, plus a vector per sentence span from the same forward pass.

        A sentence's vector is the mean of the contextual token vectors inside its character
        span, so answering can score sentences without running the model on them again.
        """
        dim = self.dimension()
        if not texts:
            return np.zeros((0, dim), dtype=np.float32), []
        encodings = self._tokenizer.encode_batch(list(texts))
        order, feeds = self._batches(encodings)
        chunk_vectors = np.zeros((len(texts), dim), dtype=np.float32)
        sentence_vectors: list[np.ndarray] = [np.zeros((0, dim), np.float32)] * len(texts)
        for rows, (pooled, tokens) in zip(
            order, self._runtime.run(feeds, tokens=True), strict=True
        ):
            for row, i in enumerate(rows):
                chunk_vectors[i] = pooled[row]
                real = len(encodings[i].ids)
                sentence_vectors[i] = _sentence_vectors(
                    tokens[row, :real], encodings[i].offsets, spans[i], pooled[row]
                )
        return chunk_vectors, sentence_vectors

    def word_pieces(self, text: str) -> int:
        """Length of `text` in the model's own tokens, [CLS] and [SEP] included, untruncated."""
        return len(self._untruncated.encode(text).ids)

    @cached_property
    def _untruncated(self) -> Any:
        """A second tokenizer, for chunking only: a question encoder never loads it (~35 ms)."""
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self._tokenizer_file))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer

    def dimension(self) -> int:
        """Vector length."""
        return self._dim

    def _batches(
        self, encodings: Sequence[Any]
    ) -> tuple[list[list[int]], list[dict[str, np.ndarray]]]:
        """Row indices and padded inputs of length-sorted batches (little padding)."""
        by_length = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        order: list[list[int]] = []
        feeds: list[dict[str, np.ndarray]] = []
        for start in range(0, len(by_length), self._batch_size):
            rows = by_length[start : start + self._batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.full((len(rows), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            order.append(rows)
            feeds.append(dict(zip(INPUTS, (ids, mask, np.zeros_like(ids)), strict=True)))
        return order, feeds


def _sentence_vectors(
    tokens: np.ndarray, offsets: Sequence[tuple[int, int]], spans: Spans, whole: np.ndarray
) -> np.ndarray:
    """Mean token vector inside each character span (the chunk's vector when none falls inside)."""
    starts = np.fromiter((o[0] for o in offsets), dtype=np.int64, count=len(offsets))
    ends = np.fromiter((o[1] for o in offsets), dtype=np.int64, count=len(offsets))
    real = ends > starts  # special tokens ([CLS], [SEP]) have empty offsets
    rows = []
    for a, b in spans:
        inside = real & (starts >= a) & (ends <= b)
        rows.append(tokens[inside].mean(axis=0) if inside.any() else whole)
    if not rows:
        return np.zeros((0, len(whole)), dtype=np.float32)
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


class _OnnxRuntime:
    """fp32. Sessions are thread-safe: with `streams` > 1, that many batches run at once on
    cores split between them, which on 2 cores took ~25% less CPU per chunk than one batch on
    both cores (intra-op threads synchronise per operator); idle threads sleep instead of
    spinning, so a busy machine is not slowed further."""

    def __init__(self, graph_file: Path, *, streams: int = 1) -> None:
        # onnxruntime 1.2x+ records usage telemetry in a SQLite file under ~/.cache at import,
        # with synced writes (0.4 s of a cold `newsbot ask` under I/O load here). newsbot runs
        # offline and turns Chroma's telemetry off too; a user's own setting wins.
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # shape-inference notes are not the user's concern
        self._streams = max(1, min(streams, os.cpu_count() or 1))
        if self._streams > 1:
            options.intra_op_num_threads = max(1, (os.cpu_count() or 1) // self._streams)
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(graph_file), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def run(self, feeds: list[dict[str, np.ndarray]], *, tokens: bool) -> list[tuple[Any, Any]]:
        names = [POOLED, TOKENS] if tokens else [POOLED]

        def one(feed: dict[str, np.ndarray]) -> tuple[Any, Any]:
            got = self._session.run(names, feed)
            return got[0], got[1] if tokens else None

        if self._streams == 1 or len(feeds) < 2:
            return [one(feed) for feed in feeds]
        with ThreadPoolExecutor(self._streams) as pool:
            return list(pool.map(one, feeds))


class _OpenVino:
    """fp32 or bf16, inference streams (two on 2 cores) fed asynchronously."""

    def __init__(self, graph_file: Path, *, bf16: bool) -> None:
        import openvino as ov

        self._ov = ov
        core = ov.Core()
        self._model = core.compile_model(
            str(graph_file),
            "CPU",
            {
                "PERFORMANCE_HINT": "THROUGHPUT",
                "INFERENCE_PRECISION_HINT": "bf16" if bf16 else "f32",
            },
        )
        self._pooled = self._model.output(POOLED)
        self._tokens = self._model.output(TOKENS)
        self._queue = ov.AsyncInferQueue(self._model)
        self._lock = threading.Lock()  # one caller at a time feeds the queue

    def run(self, feeds: list[dict[str, np.ndarray]], *, tokens: bool) -> list[tuple[Any, Any]]:
        results: list[tuple[Any, Any]] = [(None, None)] * len(feeds)

        def done(request: Any, slot: int) -> None:
            pooled = request.get_tensor(self._pooled).data.copy()
            token_vectors = request.get_tensor(self._tokens).data.copy() if tokens else None
            results[slot] = (pooled, token_vectors)

        with self._lock:
            self._queue.set_callback(done)
            for slot, feed in enumerate(feeds):
                self._queue.start_async(feed, slot)
            self._queue.wait_all()
        if any(pooled is None for pooled, _ in results):  # a callback failed: OpenVINO logged it
            raise EmbeddingModelError("the OpenVINO encoder returned no vectors for a batch")
        return results
