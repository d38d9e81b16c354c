"""`newsbot ingest` and `newsbot stats` as a user runs them: a real process, exit codes, streams."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.articles import BRIDGE, CHESS, write_articles

SUMMARY_KEYS = {
    "added",
    "updated",
    "unchanged",
    "removed",
    "skipped",
    "stories",
    "chunks_embedded",
    "seconds",
}


def newsbot(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script's entry point (`bot.cli.main`) in a fresh interpreter."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}  # NEWSBOT_HOME: the autouse fixture's tmp dir
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_ingest_of_a_missing_path_names_it_and_fails(tmp_path: Path):
    missing = tmp_path / "no-such-folder"
    line = assert_one_line_error(newsbot("ingest", str(missing)))
    assert str(missing) in line


def test_stats_before_any_ingest_says_to_run_ingest():
    line = assert_one_line_error(newsbot("stats"))
    assert "newsbot ingest" in line


def test_ingest_json_summary_then_stats_json(tmp_path: Path):
    folder = write_articles(tmp_path / "articles", [("bridge.txt", BRIDGE), ("chess.txt", CHESS)])
    (folder / "empty.txt").write_text("")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4 not an article")

    ingest = newsbot("ingest", str(folder), "--json")
    assert ingest.returncode == 0, ingest.stderr
    lines = ingest.stdout.strip().splitlines()
    assert len(lines) == 1, f"stdout must be one JSON object, got: {ingest.stdout!r}"
    summary = json.loads(lines[0])
    assert set(summary) >= SUMMARY_KEYS
    assert summary["added"] == 2 and summary["unchanged"] == 0 and summary["removed"] == 0
    assert summary["chunks_embedded"] >= 2 and summary["stories"] == 2
    assert isinstance(summary["seconds"], int | float)
    assert {s["source"] for s in summary["skipped"]} == {"empty.txt", "scan.pdf"}
    skip_lines = [ln for ln in ingest.stderr.splitlines() if ln.startswith("skipped ")]
    assert len(skip_lines) == 2, ingest.stderr
    assert any("empty.txt" in ln and "empty" in ln.split("empty.txt", 1)[1] for ln in skip_lines)
    assert any("scan.pdf" in ln and "unsupported" in ln for ln in skip_lines)

    stats = newsbot("stats", "--json")
    assert stats.returncode == 0, stats.stderr
    data = json.loads(stats.stdout)
    assert data["documents"] == 2
    # Which runtime embedded the articles, and why (a probe when several are installed).
    assert data["encoder"]["encoder"] in {"onnxruntime", "openvino", "openvino-bf16"}
    assert data["encoder"]["reason"] in {"only onnxruntime installed", "cached probe"}
    assert data["encoder"]["questions"] == "onnxruntime"
    assert data["chunks"] == summary["chunks_embedded"]
