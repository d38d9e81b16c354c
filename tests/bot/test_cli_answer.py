"""`newsbot ask`, `chat` and `eval` as real processes over an index built in-process.

Each process costs seconds (imports, the ONNX query encoder), so the module runs few of them and
each one checks several things. `newsbot ingest` as a process is covered in tests/index.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.answer.citations import normalise_space
from index.api import NewsIndex
from index.clean import clean_article
from index.config import IndexConfig
from index.embed import Embedder, ensure_encoder_graph
from prompts import CANNOT_ANSWER
from tests.fakes.articles import BRIDGE, CHESS, ORCHARD, write_articles

ANSWER_FIELDS = {"question", "answer", "abstained", "citations", "conflicts"}
CITATION_FIELDS = {"n", "source", "title", "published", "quote", "score"}
ARTICLES = [("bridge.txt", BRIDGE), ("orchard.md", ORCHARD), ("chess.txt", CHESS)]
CLEAN = {name: normalise_space(clean_article(text).text) for name, text in ARTICLES}
QA = [
    {
        "id": "b1",
        "question": "When will the Harbour bridge reopen?",
        "answers": ["12 May"],
        "sources": ["bridge.txt"],
        "answerable": True,
    },
    {
        "id": "c1",
        "question": "Who won the national chess title?",
        "answers": ["Nina Park"],
        "sources": ["chess.txt"],
        "answerable": True,
    },
    {
        "id": "u1",
        "question": "Who won the 2024 Champions League final?",
        "answers": [],
        "sources": [],
        "answerable": False,
    },
]


@dataclass(frozen=True)
class Cli:
    root: Path
    env: dict[str, str]

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.root,  # no stray .env
            timeout=300,
        )


@pytest.fixture(scope="module")
def cli(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """An index of three small articles under NEWSBOT_HOME, as `newsbot ingest` would build it."""
    root = tmp_path_factory.mktemp("cli")
    home = root / "home"
    config = IndexConfig(home=home)  # the defaults the CLI's settings give
    NewsIndex(config, embedder=embedder).ingest([write_articles(root / "articles", ARTICLES)])
    ensure_encoder_graph(config.embed_model, home / "models")  # the CLI asks through the graph
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "NEWSBOT_"))
    }
    env["NEWSBOT_HOME"] = str(home)
    return Cli(root, env)


@pytest.fixture(scope="module")
def asked(cli: Cli) -> list[dict]:
    """`newsbot ask --json -` with three questions (and a blank line) on stdin."""
    stdin = "\n".join([QA[0]["question"], "", QA[1]["question"], QA[2]["question"]]) + "\n"
    done = cli.run("ask", "--json", "-", stdin=stdin)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3, done.stdout  # one JSON object per question, nothing else on stdout
    return [json.loads(line) for line in lines]


def test_ask_json_has_the_design_fields(asked: list[dict]):
    for data, row in zip(asked, QA, strict=True):
        assert set(data) >= ANSWER_FIELDS
        assert data["question"] == row["question"]
        assert isinstance(data["answer"], str) and isinstance(data["abstained"], bool)
        assert isinstance(data["conflicts"], list)
        for c in data["citations"]:
            assert set(c) >= CITATION_FIELDS
            assert "passage" not in c  # the whole chunk is for /sources, not the JSON
            assert isinstance(c["n"], int) and isinstance(c["score"], float)
            assert c["quote"] and c["quote"] in CLEAN[c["source"]]


def test_ask_json_answers_and_abstains(asked: list[dict]):
    bridge, chess, league = asked
    assert not bridge["abstained"] and "12 May" in bridge["answer"]
    # The short answer leads, cited; the dateline's "March 3" is metadata, not the answer.
    assert bridge["short_answer"] == "12 May"
    assert bridge["answer"].startswith("12 May [1]")
    (c,) = bridge["citations"]
    assert (c["n"], c["source"], c["published"]) == (1, "bridge.txt", "2025-03-03")
    assert c["title"] == "Harbour bridge to reopen in May"
    assert not chess["abstained"] and "Nina Park" in chess["answer"]
    assert chess["citations"][0]["source"] == "chess.txt"
    assert chess["citations"][0]["published"] is None
    assert league["abstained"] and league["answer"].startswith(CANNOT_ANSWER)
    assert league["citations"] == []


def test_chat_follow_up_sources_reset_help_quit(cli: Cli):
    script = [
        "When will the Harbour bridge reopen?",
        "and how much did the repairs cost?",
        "/sources",
        "/reset",
        "/sources",
        "/help",
        "/bogus",
        "quit",
        "Who won the national chess title?",  # after quit: never asked
    ]
    done = cli.run("chat", stdin="\n".join(script) + "\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    # The first answer, rendered with its numbered source and quote.
    assert "12 May" in out
    assert "Sources:" in out
    assert "[1] Harbour bridge to reopen in May · PNA/Reuters · 2025-03-03" in out
    # The follow-up was made standalone from the history and answered.
    assert out.count("(understood as:") == 1
    understood = out.split("(understood as:", 1)[1].split("\n", 1)[0]
    assert "bridge" in understood.lower()
    assert "84 million euros" in out
    # /sources shows the whole passage behind the last answer.
    sources = out.split("84 million euros", 1)[1]
    assert "Engineers replaced 400 steel cables" in sources
    # /reset, then /sources has nothing to show.
    assert "(conversation cleared)" in out
    assert out.index("(conversation cleared)") < out.index("No answer yet.")
    assert "/reset" in out and "quit" in out  # the help text
    assert "unknown command /bogus" in out
    assert "Nina Park" not in out


def test_eval_json_scores_a_qa_file(cli: Cli):
    qa = cli.root / "qa.jsonl"
    qa.write_text("\n".join(json.dumps(row) for row in QA) + "\n", encoding="utf-8")
    done = cli.run("eval", str(qa), "--json")
    assert done.returncode == 0, done.stderr
    metrics = json.loads(done.stdout)
    assert metrics["questions"] == 3
    assert metrics["answer_accuracy"] == 1.0
    assert metrics["source_accuracy"] == 1.0
    assert metrics["verbatim_quote_rate"] == 1.0
    assert metrics["unanswerable_abstained"] == 1 and metrics["false_abstention"] == 0.0
    assert metrics["latency_ms_p95"] >= metrics["latency_ms_p50"] > 0


def test_bad_date_is_a_usage_error(cli: Cli):
    done = cli.run("ask", "Who won?", "--since", "2025-13-01")
    assert done.returncode == 2
    assert "2025-13-01" in done.stderr
    assert "unexpected error" not in done.stderr
