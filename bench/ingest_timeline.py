"""When a first ingest hands the model its first batch, and what comes after its last one.

    python bench/ingest_timeline.py [--articles 300] [--runs 3] [--out bench/out]

The first N BBC articles as files; each run is one `newsbot ingest DIR --json` process into a
fresh home holding only the encoder graph and probe verdict (as `ingest_speed.py` sets up),
run through `_timeline_probe.py`, which marks when the encoder is built, when it gets its first
batch, when it returns its last, and when the command ends. Prints the marks of every run and
their medians, with the process wall. Session 12's store change (a new home's store opens at
the first write, after the first batch went to the model) shows in `first_batch_to_model`.
A benchmark, not a test: it prints what it measured.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from _common import (
    BENCH_DIR,
    DEFAULT_OUT,
    machine_info,
    median,
    offline_env,
    run_timed,
    save_run,
    write_bbc_articles,
)
from ingest_speed import RUN_TIMEOUT, fresh_home, setup_encoder

PROBE = BENCH_DIR / "_timeline_probe.py"
MARKS = ("encoder_built_from", "encoder_built_by", "first_batch_to_model", "last_batch_back")


def main() -> None:
    """Set up once, run the ingests, print each run's marks and the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    machine = machine_info()
    with tempfile.TemporaryDirectory(prefix="newsbot-timeline-") as tmp:
        root = Path(tmp)
        articles = root / "articles"
        write_bbc_articles(articles, args.articles)
        print(f"encoder setup: {setup_encoder(root / 'warm', root)}")
        runs = []
        for n in range(1, args.runs + 1):
            home = fresh_home(root / f"home-{n}", root / "warm")
            env = offline_env({"NEWSBOT_HOME": str(home)})
            env.pop("NEWSBOT_CHROMA_URL", None)
            run = run_timed(
                [sys.executable, str(PROBE), "ingest", str(articles), "--json"],
                env=env,
                cwd=root,
                timeout=RUN_TIMEOUT,
            )
            marks = json.loads(run.stderr.strip().splitlines()[-1])
            runs.append({**marks, "process_wall": round(run.seconds, 3)})
            print(f"run {n}: {runs[-1]}")
    summary = {
        name: median([r[name] for r in runs if name in r])
        for name in (*MARKS, "command_done", "process_wall")
    }
    print(f"medians (s from the probe's start; process_wall from launch): {summary}")
    path = save_run(args.out, "ingest_timeline", machine, runs=runs, median=summary)
    print(f"figures written to {path}")


if __name__ == "__main__":
    main()
