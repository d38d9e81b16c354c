"""Cold `newsbot ask` on the seeds: a new process per question, as a person at a terminal runs it.

    python bench/cold_ask.py [--runs 5] [--out bench/out]

Ingests `../shared/corpus/seeds` into a fresh NEWSBOT_HOME, asks once to build what questions
need, then times `newsbot ask --json "Who led the US delegation?"` `--runs` times (wall from
process start to exit) and `python -c pass` as the interpreter's own floor. Prints the median
and every run; the target (issue 15) is a median <= 1.5 s. Run it from the interpreter whose
install you want to measure (e.g. the lean `pip install .` venv).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from _common import (
    DEFAULT_OUT,
    SEEDS,
    machine_info,
    median,
    newsbot_command,
    offline_env,
    run_timed,
    save_run,
)

QUESTION = "Who led the US delegation?"
TARGET_S = 1.5


def main(argv: Sequence[str] | None = None) -> int:
    """Time cold asks; print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold asks to time (5)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the figures")
    args = parser.parse_args(argv)
    machine = machine_info()
    with tempfile.TemporaryDirectory(prefix="newsbot-cold-") as tmp:
        env = offline_env({"NEWSBOT_HOME": str(Path(tmp) / "home")})
        env.pop("NEWSBOT_CHROMA_URL", None)
        run_timed([*newsbot_command(), "ingest", str(SEEDS), "--json"], env=env, cwd=Path(tmp))
        ask = [*newsbot_command(), "ask", "--json", QUESTION]
        run_timed(ask, env=env, cwd=Path(tmp))  # first ask after ingest: nothing left to build
        walls, bare = [], []
        for _ in range(args.runs):
            walls.append(run_timed(ask, env=env, cwd=Path(tmp)).seconds)
            bare.append(run_timed([sys.executable, "-c", "pass"], env=env).seconds)
        answer = run_timed(ask, env=env, cwd=Path(tmp)).last_json()
    result = {
        "median_s": round(median(walls), 3),
        "runs_s": [round(w, 3) for w in walls],
        "python_start_s": round(median(bare), 3),
        "answered": not answer.get("abstained", True),
        "target_s": TARGET_S,
    }
    print(
        f"cold `newsbot ask` on the seeds: median {result['median_s']:.2f} s over {args.runs} "
        f"runs ({', '.join(f'{w:.2f}' for w in walls)}; target <= {TARGET_S} s); "
        f"bare interpreter start {result['python_start_s']:.2f} s; answered: {result['answered']}"
    )
    path = save_run(args.out, "cold_ask", machine, python=sys.executable, result=result)
    print(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
