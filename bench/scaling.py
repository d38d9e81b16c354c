"""Scale and speed: ingest, warm and cold queries, RSS and disk as the archive grows, and the
cost of a Chroma server's network hop; figures printed side by side and plotted into docs/.

    python bench/scaling.py [--sizes 300 2225] [--server] [--out bench/out]

For each size N (the first N BBC articles plus the five seeds): `newsbot ingest` (wall, chunks/s),
then a fresh process that loads the answerer and times the seed questions (warm p50/p95 of whole
answers next to the floor of one query embedding plus one Chroma query, and peak RSS), the
data directory's size on disk, and a cold `newsbot ask` (new process, one question). With
`--server` the largest size is repeated against `chroma run` on loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    DEFAULT_OUT,
    PROJECT_DIR,
    SHARED_DIR,
    machine_info,
    newsbot_command,
    offline_env,
    run_timed,
    write_bbc_articles,
    write_results,
)

SEEDS = SHARED_DIR / "corpus" / "seeds"
SEED_QA = SHARED_DIR / "eval" / "seed_qa.jsonl"
DOCS = PROJECT_DIR / "docs"


def _questions() -> list[str]:
    return [json.loads(line)["question"] for line in SEED_QA.read_text().splitlines() if line]


def _du(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 1)


def measure(work: Path, size: int, chroma_url: str | None = None) -> dict[str, Any]:
    """Ingest N BBC articles + seeds into a fresh home, then time questions."""
    corpus = work / f"bbc{size}"
    if not corpus.exists():
        write_bbc_articles(corpus, size)
    home = work / f"home{size}{'-server' if chroma_url else ''}"
    extra = {"NEWSBOT_HOME": str(home)}
    if chroma_url:
        extra["NEWSBOT_CHROMA_URL"] = chroma_url
    env = offline_env(extra)
    ingest = run_timed([*newsbot_command(), "ingest", str(SEEDS), str(corpus), "--json"], env=env)
    summary = ingest.last_json()
    probe = run_timed(
        [sys.executable, str(Path(__file__).with_name("_probe.py")), json.dumps(_questions())],
        env=env,
        cwd=work,
    ).last_json()
    cold = []
    for _ in range(3):
        run = run_timed(
            [*newsbot_command(), "ask", "--json", "Who led the US delegation?"], env=env
        )
        cold.append(run.seconds)
    return {
        "articles": size + 5,
        "chunks": summary["chunks_embedded"],
        "ingest_s": round(ingest.seconds, 1),
        "ingest_chunks_per_s": round(summary["chunks_embedded"] / ingest.seconds, 1),
        "disk_mb": _du(home),
        "cold_ask_s": round(statistics.median(cold), 2),
        **probe,
    }


def _figure(
    name: str, title: str, ylabel: str, series: list[tuple[list[float], list[float], str, str]]
) -> Path:
    """One line chart against index size, saved as docs/NAME.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for xs, ys, style, label in series:
        ax.plot(xs, ys, style, label=label)
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    DOCS.mkdir(exist_ok=True)
    path = DOCS / f"{name}.png"
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot(rows: list[dict[str, Any]], server: dict[str, Any] | None) -> list[Path]:
    """Latency and RSS against archive size, as PNGs under docs/."""
    chunks = [r["chunks"] for r in rows]

    def col(key: str) -> list[float]:
        return [r[key] for r in rows]

    latency = [
        (chunks, col("p50_ms"), "o-", "answer p50"),
        (chunks, col("p95_ms"), "o--", "answer p95"),
        (chunks, col("floor_p50_ms"), "s-", "floor p50 (embed + Chroma query)"),
    ]
    if server:
        latency.append(([server["chunks"]], [server["p50_ms"]], "^", "answer p50, Chroma server"))
    memory = [
        (chunks, col("max_rss_mb"), "o-", "answering process peak RSS"),
        (chunks, col("disk_mb"), "s-", "data directory on disk"),
    ]
    return [
        _figure(
            "query_latency", "Query latency as the archive grows", "ms per question (warm)", latency
        ),
        _figure("memory_disk", "Memory and disk as the archive grows", "MB", memory),
    ]


def main() -> None:
    """Measure every size (and the server), print a table, plot."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 2225])
    parser.add_argument("--server", action="store_true", help="repeat the largest on chroma run")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine_info(), "sizes": []}
    with tempfile.TemporaryDirectory(prefix="newsbot-scaling-") as tmp:
        work = Path(tmp)
        for size in args.sizes:
            results["sizes"].append(measure(work, size))
        if args.server:
            sys.path.insert(0, str(PROJECT_DIR))
            from tests.fakes.chroma_server import ChromaServer

            server = ChromaServer(work / "chroma-server").start()
            try:
                results["server"] = measure(work, max(args.sizes), chroma_url=server.url)
            finally:
                server.stop()
    header = f"{'articles':>8} {'chunks':>7} {'ingest s':>8} {'chunks/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'floor p50':>9} {'RSS MB':>7} {'disk MB':>7} {'cold ask s':>10}"
    print(header)
    rows = results["sizes"] + ([results["server"]] if "server" in results else [])
    for i, r in enumerate(rows):
        tag = " (server)" if "server" in results and i == len(rows) - 1 else ""
        print(
            f"{r['articles']:>8} {r['chunks']:>7} {r['ingest_s']:>8} {r['ingest_chunks_per_s']:>8}"
            f" {r['p50_ms']:>7} {r['p95_ms']:>7} {r['floor_p50_ms']:>9} {r['max_rss_mb']:>7}"
            f" {r['disk_mb']:>7} {r['cold_ask_s']:>10}{tag}"
        )
    for path in plot(results["sizes"], results.get("server")):
        print(f"plot: {path}")
    print(f"results: {write_results(args.out, 'scaling', results)}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
