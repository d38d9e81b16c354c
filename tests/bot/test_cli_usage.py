"""Usage errors of `newsbot ask`: caught before any model or index work, exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.test_cli_index import newsbot


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["ask", ""], "empty"),
        (["ask", "   "], "empty"),
        (["ask", "-k", "0", "Who won?"], "-k"),
        (["ask", "-k", "-3", "Who won?"], "-k"),
    ],
)
def test_bad_ask_arguments_exit_2_with_a_clear_error(args: list[str], says: str):
    result = newsbot(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    error = [ln for ln in result.stderr.splitlines() if "Error" in ln or "error" in ln]
    assert error and says in " ".join(error), result.stderr


def test_a_bad_setting_names_the_variable_and_exits_2(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NEWSBOT_TOP_K", "0")
    result = newsbot("ask", "Who won?")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith("newsbot: invalid NEWSBOT_TOP_K='0'"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_cli_imports_only_what_every_command_needs():
    """A cold `newsbot ask` pays for every module the CLI imports up front (issue 15): what only
    ingest, eval, chat, Slack or the web sources use is imported by those commands."""
    script = (
        "import sys\n"
        "import bot.cli\n"
        "later = ['filelock', 'bot.evaluate', 'bot.conversation', 'slack_bolt', 'index.ingest',\n"
        "         'index.sources.web', 'trafilatura', 'chromadb', 'onnxruntime', 'bm25s']\n"
        "print(sorted(m for m in later if m in sys.modules))\n"
    )
    root = str(Path(__file__).resolve().parents[2])  # this checkout, whatever is installed
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": root},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
