"""Scale and speed: ingest, warm and cold questions, the Slack bot's latency and RSS, and disk as
the archive grows to ~100k chunks; the cost of a Chroma server's network hop; plots into docs/.

    python bench/scaling.py [--sizes 300 2225] [--synthetic 100000] [--server] [--work DIR]

Rows, each measured in fresh processes:
  * seeds + the first N BBC articles, for each N in --sizes, each in a fresh NEWSBOT_HOME;
  * with --synthetic C: (a copy of) the largest of those indexes grown by a synthetic archive of about C
    chunks (BBC sentences drawn into unique, dated articles: `_common.write_synthetic_articles`),
    ingested on top as one more `newsbot ingest`; then ~3k chunks more (another 1,000 articles)
    as the growth of an archive that size; then the lexical probe (one new article at that
    scale: its BM25 update vs. a full rebuild);
  * with --server: the largest BBC size again against `chroma run` on loopback.
Per row: the ingest (wall, chunks/s), `_probe.py` (whole answers p50/p95 next to the floor of one
query embedding plus one Chroma query, the answering process's peak RSS), `_slack_probe.py`
(the real `newsbot slack` in HTTP mode against the loopback fake Slack: event-to-answer p50/p95,
a burst of simultaneous mentions, the bot's peak RSS), the data directory's size, and a cold
`newsbot ask`. With --work DIR the corpora and indexes are kept there and a row whose ingest
already finished (DIR/<home>/bench-ingest.json) is reused, so the query side can be re-measured
without re-embedding 100k chunks.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from contextlib import ExitStack
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
    pyplot,
    run_timed,
    save_figure,
    write_bbc_articles,
    write_results,
    write_synthetic_articles,
)

SEEDS = SHARED_DIR / "corpus" / "seeds"
SEED_QA = SHARED_DIR / "eval" / "seed_qa.jsonl"
DOCS = PROJECT_DIR / "docs"
HERE = Path(__file__).resolve().parent
TIMEOUT = 4 * 3600.0  # a 100k-chunk ingest takes ~30 min on 2 cores


def _questions() -> list[str]:
    return [json.loads(line)["question"] for line in SEED_QA.read_text().splitlines() if line]


def _du(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 1)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ingest(home: Path, paths: list[Path], env: dict[str, str], tag: str) -> dict[str, Any]:
    """`newsbot ingest PATHS --json` into `home`, or the record of an earlier finished run."""
    record = home / f"bench-ingest-{tag}.json"
    if record.exists():
        _log(f"{tag}: reusing the ingest recorded in {record}")
        return {**json.loads(record.read_text()), "reused": True}
    _log(f"{tag}: ingesting {', '.join(p.name for p in paths)} into {home}")
    run = run_timed(
        [*newsbot_command(), "ingest", *map(str, paths), "--json"], env=env, timeout=TIMEOUT
    )
    summary = run.last_json()
    result = {
        "ingest_s": round(run.seconds, 1),
        "ingest_chunks": summary["chunks_embedded"],
        "ingest_chunks_per_s": round(summary["chunks_embedded"] / run.seconds, 1),
        "ingest_articles": summary["added"] + summary["updated"],
    }
    home.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(result))
    return result


def measure(home: Path, env: dict[str, str], burst: int) -> dict[str, Any]:
    """The query side of one index: answer probe, Slack probe, disk, cold ask."""
    questions = json.dumps(_questions())
    stats = run_timed([*newsbot_command(), "stats", "--json"], env=env).last_json()
    _log(f"  {stats['chunks']} chunks: timing answers")
    probe = run_timed(
        [sys.executable, str(HERE / "_probe.py"), questions], env=env, timeout=TIMEOUT
    ).last_json()
    _log("  timing the Slack bot")
    slack = run_timed(
        [sys.executable, str(HERE / "_slack_probe.py"), questions, "--burst", str(burst)],
        env=env,
        timeout=TIMEOUT,
    ).last_json()
    cold = [
        run_timed([*newsbot_command(), "ask", "--json", "Who led the US delegation?"], env=env)
        for _ in range(3)
    ]
    return {
        "articles": stats["documents"],
        "chunks": stats["chunks"],
        "disk_mb": _du(home),
        "cold_ask_s": round(statistics.median(r.seconds for r in cold), 2),
        **probe,
        **slack,
    }


def lexical_probe(home: Path, env: dict[str, str], work: Path) -> dict[str, Any]:
    """One new article at scale: its lexical update vs. a full BM25 rebuild."""
    folder = work / "one-more"
    folder.mkdir(parents=True, exist_ok=True)
    n = len(list(folder.iterdir()))
    article = folder / f"late_{n:03d}.txt"
    # A new text on every run (an exact copy of an earlier probe would be stored once and cost
    # nothing, which is not what this measures).
    article.write_text(
        f"Zorbania delays its budget for the {n + 1}th time\n\nZorbania's finance minister said "
        f"on Tuesday that the Zorbanian budget, delayed {n + 1} times this year, would hold "
        "spending flat while the economy slows. Opposition leaders said the delay left "
        f"businesses guessing about tax for {n + 2} more weeks.",
        encoding="utf-8",
    )
    _log("  lexical probe: one new article vs. a full rebuild")
    return run_timed(
        [sys.executable, str(HERE / "_lexical_probe.py"), str(article)], env=env, timeout=TIMEOUT
    ).last_json()


def _figure(
    name: str,
    title: str,
    ylabel: str,
    series: list[tuple[list[float], list[float], str, str]],
    *,
    logy: bool = False,
    targets: tuple[tuple[float, str], ...] = (),
) -> Path:
    """One line chart against index size (log scale), saved as docs/NAME.png."""
    fig, ax = pyplot().subplots(figsize=(6.4, 4.2))
    for xs, ys, style, label in series:
        ax.plot(xs, ys, style, label=label)
    for y, label in targets:
        ax.axhline(y, color="grey", linestyle=":", linewidth=1)
        ax.annotate(label, (0.55, y), xycoords=("axes fraction", "data"), fontsize=7, va="bottom")
    ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("chunks in the index (log scale)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="center left" if targets else "best")
    ax.grid(alpha=0.3, which="both")
    return save_figure(fig, DOCS / f"{name}.png")


def plot(rows: list[dict[str, Any]], server: dict[str, Any] | None) -> list[Path]:
    """Latency, memory/disk and ingest throughput against archive size, as PNGs under docs/."""
    chunks = [r["chunks"] for r in rows]

    def col(key: str) -> list[float]:
        return [r[key] for r in rows]

    latency = [
        (chunks, col("p50_ms"), "o-", "answer p50 (in process)"),
        (chunks, col("p95_ms"), "o--", "answer p95 (in process)"),
        (chunks, col("slack_p50_ms"), "d-", "Slack event to answer p50"),
        (chunks, col("floor_p50_ms"), "s-", "floor p50 (query embedding + one Chroma query)"),
    ]
    if server:
        latency.append(([server["chunks"]], [server["p50_ms"]], "^", "answer p50, Chroma server"))
        latency.append(
            ([server["chunks"]], [server["floor_p50_ms"]], "v", "floor p50, Chroma server")
        )
    memory = [
        (chunks, col("slack_peak_rss_mb"), "d-", "Slack bot peak RSS"),
        (chunks, col("max_rss_mb"), "o-", "answering process peak RSS"),
        (chunks, col("disk_mb"), "s-", "data directory on disk"),
    ]
    throughput = [(chunks, col("ingest_chunks_per_s"), "o-", "newsbot ingest, chunks/s")]
    return [
        _figure(
            "query_latency",
            "Query latency as the archive grows",
            "ms (warm)",
            latency,
            targets=((50, "target p50 at 300 articles"), (150, "target p50 at ~100k chunks")),
        ),
        _figure(
            "memory_disk",
            "Memory and disk as the archive grows",
            "MB",
            memory,
            logy=True,
            targets=((1500, "target: Slack bot RSS at ~100k chunks"),),
        ),
        _figure(
            "ingest_throughput",
            "Ingest throughput (each row's own ingest)",
            "chunks embedded per second",
            throughput,
        ),
    ]


def _row_line(r: dict[str, Any], tag: str) -> str:
    return (
        f"{tag:>10} {r['articles']:>7} {r['chunks']:>7} {r['ingest_s']:>8} "
        f"{r['ingest_chunks_per_s']:>8} {r['p50_ms']:>7} {r['p95_ms']:>7} "
        f"{r['floor_p50_ms']:>7} {r['slack_p50_ms']:>7} {r['slack_burst_p50_ms']:>8} "
        f"{r['slack_peak_rss_mb']:>8} {r['disk_mb']:>8} {r['cold_ask_s']:>6}"
    )


def main() -> None:
    """Measure every row, print a table, plot, write OUT/scaling.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 2225])
    parser.add_argument("--synthetic", type=int, default=0, help="grow to ~N more chunks")
    parser.add_argument("--server", action="store_true", help="repeat the largest on chroma run")
    parser.add_argument("--burst", type=int, default=20, help="simultaneous Slack mentions (20)")
    parser.add_argument("--work", type=Path, help="keep corpora and indexes here (and reuse)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine_info(), "sizes": []}
    with ExitStack() as stack:
        if args.work:
            work = args.work.resolve()
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newsbot-scale-")))
        largest = max(args.sizes)
        for size in args.sizes:
            corpus = work / f"bbc{size}"
            if not corpus.exists():
                write_bbc_articles(corpus, size)
            home = work / f"home{size}"
            env = offline_env({"NEWSBOT_HOME": str(home)})
            env.pop("NEWSBOT_CHROMA_URL", None)
            row = ingest(home, [SEEDS, corpus], env, f"bbc{size}")
            results["sizes"].append(
                {"label": f"bbc{size}", **row, **measure(home, env, args.burst)}
            )
        if args.synthetic:
            corpus = work / f"synthetic{args.synthetic}"
            if not corpus.exists():
                results["synthetic_corpus"] = write_synthetic_articles(corpus, args.synthetic)
            home = work / f"home{largest}+synthetic"
            if not home.exists():  # grow a copy: the BBC row's index stays as it was measured
                shutil.copytree(work / f"home{largest}", home)
            env = offline_env({"NEWSBOT_HOME": str(home)})
            env.pop("NEWSBOT_CHROMA_URL", None)
            row = ingest(home, [corpus], env, f"synthetic{args.synthetic}")
            # Growing the big archive: 1,000 more articles (~3k chunks) on top, as a week of news.
            more = work / "synthetic-more"
            if not more.exists():
                write_synthetic_articles(more, 3000, seed=1, first=900_000)
            grow = ingest(home, [more], env, "synthetic-more")
            row = {
                "label": f"bbc{largest}+synthetic",
                **row,
                "grow_ingest_s": grow["ingest_s"],
                "grow_chunks": grow["ingest_chunks"],
                "grow_chunks_per_s": grow["ingest_chunks_per_s"],
                **measure(home, env, args.burst),
            }
            row["lexical"] = lexical_probe(home, env, work)
            results["sizes"].append(row)
        if args.server:
            sys.path.insert(0, str(PROJECT_DIR))
            from tests.fakes.chroma_server import ChromaServer

            server = ChromaServer(work / "chroma-server").start()
            try:
                home = work / f"home{largest}-server"
                env = offline_env({"NEWSBOT_HOME": str(home), "NEWSBOT_CHROMA_URL": server.url})
                corpus = work / f"bbc{largest}"
                row = ingest(home, [SEEDS, corpus], env, f"bbc{largest}-server")
                results["server"] = {
                    "label": f"bbc{largest} on chroma run",
                    **row,
                    **measure(home, env, args.burst),
                }
            finally:
                server.stop()
    print(
        f"{'':>10} {'docs':>7} {'chunks':>7} {'ingest s':>8} {'chunks/s':>8} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'floor':>7} {'slack50':>7} {'burst50':>8} {'bot RSS':>8} "
        f"{'disk MB':>8} {'cold s':>6}"
    )
    for r in results["sizes"]:
        print(_row_line(r, r["label"][:10]))
    if "server" in results:
        print(_row_line(results["server"], "server"))
    for r in results["sizes"]:
        if "grow_ingest_s" in r:
            print(
                f"growing the {r['chunks']}-chunk archive by {r['grow_chunks']} chunks: "
                f"{r['grow_ingest_s']} s, {r['grow_chunks_per_s']} chunks/s"
            )
        if "lexical" in r:
            lex = r["lexical"]
            print(
                f"lexical at {lex['chunks']} chunks: one new article "
                f"({lex['one_article_chunks']} chunks; a reader found it: "
                f"{'yes' if lex['found_new_article'] else 'NO'}), its BM25 update "
                f"{lex['one_article_lexical_update_s']} s (whole ingest "
                f"{lex['one_article_ingest_s']} s); a reader's first query after it "
                f"{lex['reader_first_query_after_ingest_s'] * 1000:.0f} ms; a full rebuild "
                f"{lex['full_rebuild_s']} s (read back {lex['full_rebuild_fetch_s']} s + "
                f"tokenise/index {lex['full_rebuild_tokenise_index_s']} s)"
            )
    for path in plot(results["sizes"], results.get("server")):
        print(f"plot: {path}")
    print(f"results: {write_results(args.out, 'scaling', results)}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
