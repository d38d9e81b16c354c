"""The answer-step development sets: each an index built once under a work dir, and its questions.

Every set is outside data (or the project's own questions in `bench/data/`), read in place:

- `seeds`:    the five seed articles + 300 BBC distractors; `shared/eval/seed_qa.jsonl` and the
              project's own Slack-style questions (`bench/data/slack_qa.jsonl`).
- `multihop`: MultiHop-RAG dev corpus (326 articles) + 300 BBC distractors; its 249 questions.
- `squad`:    the SQuAD 2.0 sample's 411 paragraphs as articles; 500 questions (258 unanswerable).
- `rgb`:      all 100 RGB counterfactual records in ONE index: the correct passages as one
              article, the altered ones as another (two outlets); 100 questions.

An index is (re)built only when its folder lacks a finished marker, so runs after the first
reuse it: `python bench/devsets.py --work /tmp/newsbot-dev` builds all four.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    BENCH_DIR,
    MULTIHOP,
    RGB,
    SEED_QA,
    SEEDS,
    SQUAD,
    article_file_name,
    newsbot_command,
    offline_env,
    run_timed,
    write_bbc_articles,
)

SLACK_QA = BENCH_DIR / "data" / "slack_qa.jsonl"
DEFAULT_WORK = Path("/tmp/newsbot-dev")
SETS = ("seeds", "multihop", "squad", "rgb")


@dataclass
class Question:
    """One development question: what a scorer needs to judge an answer to it."""

    id: str
    question: str
    answerable: bool
    answers: list[str] = field(default_factory=list)  # any one inside the answer text counts
    sources: list[str] = field(default_factory=list)  # supporting file names, if known
    kind: str = ""  # the question's type in its own dataset (e.g. MultiHop's question_type)
    extra: dict[str, Any] = field(default_factory=dict)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _ingest(home: Path, folders: list[Path]) -> None:
    marker = home / ".dev-built"
    if marker.exists():
        return
    env = offline_env({"NEWSBOT_HOME": str(home)})
    env.pop("NEWSBOT_CHROMA_URL", None)
    run_timed([*newsbot_command(), "ingest", *map(str, folders), "--json"], env=env)
    marker.write_text("ok\n")


def build(name: str, work: Path, bbc: int = 300) -> Path:
    """Build (once) the index of set `name` under `work`; returns its NEWSBOT_HOME."""
    home = work / f"{name}-home"
    home.mkdir(parents=True, exist_ok=True)
    if (home / ".dev-built").exists():
        return home
    bbc_dir = work / f"bbc{bbc}"
    if name in ("seeds", "multihop") and not (bbc_dir / ".written").exists():
        write_bbc_articles(bbc_dir, bbc)
        (bbc_dir / ".written").write_text("ok\n")
    if name == "seeds":
        _ingest(home, [SEEDS, bbc_dir])
    elif name == "multihop":
        _ingest(home, [MULTIHOP / "corpus", bbc_dir])
    elif name == "squad":
        _ingest(home, [_squad_folder(work)])
    elif name == "rgb":
        _ingest(home, [_rgb_folder(work)])
    else:
        raise ValueError(f"unknown set {name!r}; one of {SETS}")
    return home


def _squad_folder(work: Path) -> Path:
    folder = work / "squad-articles"
    folder.mkdir(parents=True, exist_ok=True)
    for text, name in squad_contexts().items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def squad_contexts() -> dict[str, str]:
    """The SQuAD sample's paragraphs, each with the file name it is written to."""
    queries = json.loads((SQUAD / "searchdatasets_squad2_queries.json").read_text())["queries"]
    contexts: dict[str, str] = {}
    for q in queries:
        contexts.setdefault(q["context"], f"p{len(contexts):04d}.txt")
    return contexts


def _rgb_records() -> list[dict[str, Any]]:
    return _jsonl(RGB)


def rgb_article(title: str, outlet: str, passages: list[str]) -> str:
    """One RGB record's passages as an article: title, outlet line, the passages as paragraphs."""
    body = "\n\n".join(p.replace("\u00a0...", "").replace("\u00a0", " ").strip() for p in passages)
    return f"{title}\n\n{outlet}\n\n{body}\n"


def _rgb_folder(work: Path) -> Path:
    folder = work / "rgb-articles"
    folder.mkdir(parents=True, exist_ok=True)
    for rec in _rgb_records():
        i = int(rec["id"])
        (folder / f"rgb{i:03d}_a.txt").write_text(
            rgb_article(rec["query"], "Reuters", rec["positive"]), encoding="utf-8"
        )
        (folder / f"rgb{i:03d}_b.txt").write_text(
            rgb_article(rec["query"], "AFP", rec["positive_wrong"]), encoding="utf-8"
        )
    return folder


def alternatives(answer: Any) -> list[str]:
    """RGB answers are a string or nested lists of alternatives; flattened, lower-cased."""
    if not isinstance(answer, list):
        return [str(answer).lower()]
    out: list[str] = []
    for part in answer:
        out.extend(alternatives(part))
    return out


def _file_name(article: str) -> str:
    """A BBC id ("business/012") as the file the bench wrote for it; seed file names as they are."""
    if article.endswith(".txt"):
        return article
    return article_file_name({"id": article, "category": article.split("/")[0]})


def questions(name: str) -> list[Question]:
    """The questions of set `name`."""
    if name == "seeds":
        out = [
            Question(r["id"], r["question"], r["answerable"], r["answers"], r["sources"], "seed")
            for r in _jsonl(SEED_QA)
        ]
        if SLACK_QA.exists():
            for r in _jsonl(SLACK_QA):
                out.append(
                    Question(
                        r["id"],
                        r["question"],
                        bool(r["answerable"]),
                        list(r.get("answers") or []),
                        [_file_name(str(r["article"]))] if r.get("article") else [],
                        "slack",
                        {"style": r.get("style"), "label": r.get("kind")},
                    )
                )
        return out
    if name == "multihop":
        out = []
        for r in _jsonl(MULTIHOP / "qa.jsonl"):
            kind = r["question_type"]
            out.append(
                Question(
                    r["id"],
                    r["question"],
                    kind != "null_query",
                    [r["answer"]],
                    r["evidence_files"],
                    kind,
                    {"raw": r},
                )
            )
        return out
    if name == "squad":
        queries = json.loads((SQUAD / "searchdatasets_squad2_queries.json").read_text())["queries"]
        truth = json.loads((SQUAD / "searchdatasets_squad2_ground_truth.json").read_text())
        contexts = squad_contexts()
        return [
            Question(
                q["id"],
                q["question"],
                not truth[q["id"]]["is_impossible"],
                list(truth[q["id"]]["answers"]),
                [contexts[q["context"]]],
                "squad",
            )
            for q in queries
        ]
    if name == "rgb":
        return [
            Question(
                f"rgb{int(r['id']):03d}",
                r["query"],
                True,
                alternatives(r["answer"]),
                [f"rgb{int(r['id']):03d}_a.txt"],
                "rgb",
                {"fake": alternatives(r["fakeanswer"])},
            )
            for r in _rgb_records()
        ]
    raise ValueError(f"unknown set {name!r}; one of {SETS}")


def main() -> None:
    """Build the indexes of the development sets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    args = parser.parse_args()
    for name in args.sets:
        home = build(name, args.work)
        print(f"{name}: {home} ({len(questions(name))} questions)")


if __name__ == "__main__":
    main()
