"""What every bench shares: BBC articles as files, an offline env, timed subprocesses, results.

Only the standard library is imported here, so a bench that times interpreter start and model
load in a subprocess does not pay for torch or chromadb in its own process before it needs them.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
# Third-party data lives beside the checkout and is read in place, never copied into the repo.
SHARED_DIR = PROJECT_DIR.parent / "shared"
BBC_JSONL = SHARED_DIR / "bench" / "bbc_news" / "bbc_news.jsonl"
SEEDS = SHARED_DIR / "corpus" / "seeds"
SEED_QA = SHARED_DIR / "eval" / "seed_qa.jsonl"
SQUAD = SHARED_DIR / "bench" / "squad2_sample"
RGB = SHARED_DIR / "bench" / "rgb_fact" / "en_fact.json"
MULTIHOP = SHARED_DIR / "bench" / "multihop_dev"
DEFAULT_OUT = BENCH_DIR / "out"


class BenchError(RuntimeError):
    """A bench step failed (bad input, or a subprocess that exited non-zero)."""


# ---- input -------------------------------------------------------------------------------
def read_bbc(n: int, source: Path = BBC_JSONL) -> list[dict[str, str]]:
    """The first `n` records of the BBC News JSONL (keys: id, category, title, text)."""
    if not source.exists():
        raise BenchError(
            f"{source} not found: the shared data must sit at ../shared beside the repo"
        )
    rows: list[dict[str, str]] = []
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            if len(rows) >= n:
                break
            if line.strip():
                rows.append(json.loads(line))
    if len(rows) < n:
        raise BenchError(f"{source} holds only {len(rows)} articles, {n} asked for")
    return rows


def article_file_name(row: Mapping[str, str]) -> str:
    """`<category>_<id>.txt`; BBC ids already start with the category ("business/001").

    >>> article_file_name({"id": "business/001", "category": "business"})
    'business_001.txt'
    """
    category, ident = row["category"], row["id"]
    ident = ident.removeprefix(f"{category}/")
    return f"{category}_{ident.replace('/', '_')}.txt"


def write_bbc_articles(folder: Path, n: int, source: Path = BBC_JSONL) -> list[Path]:
    """Write the first `n` BBC articles into `folder` as `title + "\\n\\n" + text` files."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for row in read_bbc(n, source):
        path = folder / article_file_name(row)
        if path.exists():
            raise BenchError(f"two articles map to the file name {path.name}")
        path.write_text(f"{row['title']}\n\n{row['text']}", encoding="utf-8")
        paths.append(path)
    return paths


_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')]))\s+(?=[A-Z\"'])")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def write_synthetic_articles(
    folder: Path,
    target_chunks: int,
    *,
    sentences_per_article: int = 18,
    tokens_per_chunk: int = 175,
    seed: int = 0,
    first: int = 0,
    source: Path = BBC_JSONL,
) -> dict[str, int]:
    """A synthetic archive of about `target_chunks` chunks, written from the BBC sentences.

    Each article (`synthetic_NNNNNN.txt`) is a headline naming its unique archive number, a
    `Published On:` line with a date in 2004-05, and `sentences_per_article` BBC sentences drawn
    at random (seeded), three to a paragraph: real news prose at archive scale, every article
    distinct. Numbers start at `first` (another seed and start give another, distinct batch).
    The chunk count is estimated at ~1.2 tokens per word (calibrated on a real ingest) and
    `tokens_per_chunk` new tokens per chunk (newsbot's 200-token chunks overlap by 25).
    """
    rows = read_bbc(2225, source)
    sentences = [
        s.strip()
        for row in rows
        for s in _SENTENCE_END.split(row["text"].replace("\n", " "))
        if 6 <= len(s.split()) <= 60
    ]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    articles = chunks = 0
    number = first
    while chunks < target_chunks:
        picked = rng.sample(sentences, sentences_per_article)
        title = rng.choice(rows)["title"]
        day = f"{rng.randint(1, 28)} {rng.choice(_MONTHS)} {rng.choice((2004, 2005))}"
        paragraphs = [" ".join(picked[i : i + 3]) for i in range(0, len(picked), 3)]
        text = f"Archive {number:06d}: {title}\n\nPublished On: {day}\n\n" + "\n\n".join(paragraphs)
        (folder / f"synthetic_{number:06d}.txt").write_text(text, encoding="utf-8")
        articles += 1
        number += 1
        chunks += max(1, math.ceil(len(text.split()) * 1.2 / tokens_per_chunk))
    return {"articles": articles, "estimated_chunks": chunks, "sentence_pool": len(sentences)}


# ---- environment -------------------------------------------------------------------------
def llama_index_static_dir() -> Path:
    """llama-index-core's bundled data folder (tiktoken and NLTK caches), found without importing it."""
    spec = importlib.util.find_spec("llama_index.core")
    if spec is None or spec.origin is None:
        raise BenchError("llama-index-core is not installed: pip install -e '.[dev]'")
    return Path(spec.origin).parent / "_static"


def offline_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's env plus what an offline run needs (no hub, bundled tiktoken, no telemetry)."""
    env = dict(os.environ)
    env.update(
        {
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "TIKTOKEN_CACHE_DIR": str(llama_index_static_dir() / "tiktoken_cache"),
            "ANONYMIZED_TELEMETRY": "False",
            "TOKENIZERS_PARALLELISM": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


def newsbot_command() -> list[str]:
    """The `newsbot` console script of the interpreter running the bench (no pyenv shim in between)."""
    beside = Path(sys.executable).parent / "newsbot"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("newsbot")
    if found:
        return [found]
    raise BenchError("no `newsbot` command: pip install -e '.[dev]' in this interpreter")


# ---- running -----------------------------------------------------------------------------
@dataclass(frozen=True)
class TimedRun:
    """One subprocess: its wall time (process start to exit), CPU time and what it printed.

    `cpu_seconds` (user + system, all threads) barely moves when other work shares the machine,
    so it is the figure to compare when the wall times are noisy.
    """

    command: list[str]
    seconds: float
    cpu_seconds: float
    returncode: int
    stdout: str
    stderr: str

    def last_json(self) -> dict[str, Any]:
        """The last stdout line that parses as a JSON object."""
        for line in reversed(self.stdout.splitlines()):
            line = line.strip()
            if line.startswith("{"):
                try:
                    data = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(data, dict):
                    return data
        raise BenchError(
            f"no JSON object on stdout of {' '.join(self.command)}:\n{self.stdout[-2000:]}"
        )


def run_timed(
    command: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path | None = None,
    timeout: float | None = None,
) -> TimedRun:
    """Run a command to completion and time it; BenchError (with its stderr) on a non-zero exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        list(command),
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    run = TimedRun(list(command), seconds, cpu, done.returncode, done.stdout, done.stderr)
    if run.returncode != 0:
        raise BenchError(f"{' '.join(run.command)} exited {run.returncode}:\n{run.stderr[-3000:]}")
    return run


def median(values: Sequence[float]) -> float:
    """Median of a non-empty sequence."""
    return float(statistics.median(values))


# ---- reporting ---------------------------------------------------------------------------
def machine_info() -> dict[str, Any]:
    """CPU model, core count, load and versions, so quoted figures say where they came from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in subprocess.run(
            ["lscpu"], capture_output=True, text=True, check=False
        ).stdout.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    flags = ""
    with contextlib.suppress(OSError):
        flags = Path("/proc/cpuinfo").read_text()
    return {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "avx512_bf16": "avx512_bf16" in flags,
        "amx_bf16": "amx_bf16" in flags,
        "loadavg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def write_results(out_dir: Path, name: str, data: Mapping[str, Any]) -> Path:
    """Write `data` as `out_dir/name.json` (pretty, stable key order) and return the path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def save_run(out_dir: Path, name: str, machine: Mapping[str, Any], **fields: Any) -> Path:
    """Write one bench run as `out_dir/name.json`: its name, when, the machine (with the load
    average at the end, to judge how noisy the timings were) and `fields`."""
    from datetime import UTC, datetime

    after = {**machine, "loadavg_1m_after": round(os.getloadavg()[0], 2)}
    data = {
        "bench": name,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": after,
    }
    return write_results(out_dir, name, {**data, **fields})


def pyplot() -> Any:
    """matplotlib.pyplot on the file-only Agg backend (benches run headless)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Any, path: Path) -> Path:
    """Lay out, write `path` (PNG, 110 dpi) and free the figure."""
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    pyplot().close(fig)
    return path
