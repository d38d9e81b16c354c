"""Where an ingest's time goes besides the model: a cProfile of `NewsIndex.ingest`, by stage.

    python bench/ingest_profile.py [--articles 300] [--out bench/out]

In one process: the first N BBC articles as files, the encoder set up on a one-article ingest
(graph, probe) and then, into an empty store, one ingest under cProfile with the model load
excluded. The model runs in a background thread during ingest (`index/ingest.py`), which
cProfile does not see, so its calls are timed by a wrapper; the main thread's stages come
from the profile: reading and cleaning, chunking (tiktoken + sentence splitting), MinHash,
story matching, Chroma reads and writes, the BM25 index, and the time spent waiting for the
model. Prints the table and writes OUT/ingest_profile.json (and the raw .prof beside it).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import (
    BBC_JSONL,
    DEFAULT_OUT,
    PROJECT_DIR,
    machine_info,
    offline_env,
    save_run,
    write_bbc_articles,
)

# stage -> functions (file suffix, name) whose cumulative main-thread time it is
STAGES: list[tuple[str, list[tuple[str, str]]]] = [
    ("read + clean (load, trafilatura, furniture, metadata)", [("index/ingest.py", "_prepare")]),
    ("chunking (sentences + tiktoken)", [("index/chunk.py", "chunk_text")]),
    ("MinHash fingerprints", [("index/dedupe.py", "fingerprint")]),
    (
        "story matching (vector neighbours + MinHash)",
        [("index/ingest.py", "_similar_articles"), ("index/dedupe.py", "match")],
    ),
    (
        "Chroma writes (records, chunks, deletes, generation)",
        [
            ("index/store.py", "put_docs"),
            ("index/store.py", "add_chunks"),
            ("index/store.py", "delete_article_chunks"),
            ("index/store.py", "mark_dirty"),
            ("index/store.py", "bump_generation"),
        ],
    ),
    ("BM25 index + query encoder graph", [("index/api.py", "_prepare_queries")]),
    ("waiting for the model", [("concurrent/futures/_base.py", "result")]),
]


def profile(articles: Path, work: Path) -> dict[str, Any]:
    """One profiled ingest of `articles` into an empty store under `work`."""
    os.environ.update(offline_env())
    sys.path.insert(0, str(PROJECT_DIR))
    from index.api import NewsIndex
    from index.config import IndexConfig

    warm = work / "warm"
    setup = work / "setup-article"
    setup.mkdir(parents=True)
    (setup / "a.txt").write_text(
        "Setup\n\nThe encoder graph is built and the runtimes are measured once per machine.",
        encoding="utf-8",
    )
    NewsIndex(IndexConfig(home=warm)).ingest([setup])
    home = work / "home"
    shutil.copytree(warm / "models", home / "models")
    news = NewsIndex(IndexConfig(home=home))
    encoder = news.embedder
    model_seconds = [0.0]
    inner = encoder.embed_with_sentences

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            model_seconds[0] += time.perf_counter() - started

    encoder.embed_with_sentences = timed  # type: ignore[method-assign]
    profiler = cProfile.Profile()
    started, cpu_started = time.perf_counter(), time.process_time()
    profiler.enable()
    report = news.ingest([articles])
    profiler.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    stats = pstats.Stats(profiler)
    by_function: dict[tuple[str, str], float] = {}
    for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        key = (filename.replace(os.sep, "/"), name)
        by_function[key] = by_function.get(key, 0.0) + cumulative
    stages = {}
    for label, functions in STAGES:
        stages[label] = round(
            sum(
                seconds
                for (filename, name), seconds in by_function.items()
                for suffix, wanted in functions
                if name == wanted and filename.endswith(suffix)
            ),
            3,
        )
    profiler.dump_stats(str(work / "ingest.prof"))
    return {
        "chunks": report.chunks_embedded,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "model_s": round(model_seconds[0], 3),
        "encoder": getattr(encoder, "runtime", type(encoder).__name__),
        "main_thread_stages_s": stages,
    }


def table(result: dict[str, Any], articles: int) -> str:
    """The human-readable profile."""
    wall = result["wall_s"]
    lines = [
        f"ingest of {articles} BBC articles into an empty store, model load excluded: "
        f"{wall:.1f} s wall, {result['cpu_s']:.1f} s CPU, {result['chunks']} chunks",
        f"model ({result['encoder']}, background thread): {result['model_s']:.1f} s "
        f"-> ingest wall / model = {wall / result['model_s']:.2f}",
        "main thread, by stage (cumulative s; overlaps the model except 'waiting'):",
    ]
    for label, seconds in result["main_thread_stages_s"].items():
        lines.append(f"  {label:55} {seconds:7.2f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Profile one ingest, print the table, write OUT/ingest_profile.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300, help="first N BBC articles (300)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the figures")
    parser.add_argument("--data", type=Path, default=BBC_JSONL, help="BBC News JSONL")
    args = parser.parse_args(argv)
    machine = machine_info()
    with tempfile.TemporaryDirectory(prefix="newsbot-profile-") as tmp:
        work = Path(tmp)
        write_bbc_articles(work / "articles", args.articles, args.data)
        result = profile(work / "articles", work)
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copy(work / "ingest.prof", args.out / "ingest_profile.prof")
    print(table(result, args.articles))
    path = save_run(args.out, "ingest_profile", machine, articles=args.articles, result=result)
    print(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
