"""The answer step on the development sets: one table per set, signals saved for calibration.

    python bench/answer_dev.py [--work /tmp/newsbot-dev] [--sets seeds multihop squad rgb]

Builds the indexes once (`bench/devsets.py`), asks every question in process with the default
extractive answerer (as `newsbot ask` runs it), and writes, per set, one JSON line per question
to WORK/runs/SET.jsonl: the answer JSON, the calibration signals, the label. It prints one table
per set. `bench/calibrate_answer.py` fits the answer-or-abstain model on those lines (k-fold) and
reports held-out figures; this script reports the packaged model's figures.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import devsets
from _common import offline_env

MULTIHOP_SCORE = devsets.MULTIHOP / "score.py"


def run_set(name: str, work: Path) -> list[dict[str, Any]]:
    """Ask every question of set `name`; one record per question (also saved under WORK/runs)."""
    from bot.answer.calibration import default_calibration
    from bot.answer.extractive import ExtractiveAnswerer
    from index.api import NewsIndex
    from index.config import IndexConfig

    home = devsets.build(name, work)
    packaged = default_calibration()
    # The packaged weights with no threshold: every question gets its best answer and its
    # probability, so a calibration fitted later can be judged on the answers it would give.
    ungated = replace(packaged, threshold=0.0)
    answerer = ExtractiveAnswerer(index=NewsIndex(IndexConfig(home=home)), calibration=ungated)
    answerer.answer("warm up: who met where?")
    out = []
    for q in devsets.questions(name):
        started = time.perf_counter()
        answer, found = answerer.explain(q.question)
        ms = (time.perf_counter() - started) * 1000
        forced = found is None or found.lead is None or bool(found.reason)
        out.append(
            {
                "set": name,
                "id": q.id,
                "question": q.question,
                "answerable": q.answerable,
                "gold": q.answers,
                "sources": q.sources,
                "kind": q.kind,
                "extra": {k: v for k, v in q.extra.items() if k != "raw"},
                "signals": found.signals if found is not None else {},
                # Refused by the factoid path's rules, whatever the calibration (the fit leaves
                # these out); a shaped form's own refusal (a speaker no article names) apart.
                "forced": forced,
                "form_refused": answer.abstained and not forced,
                "probability": answer.confidence or 0.0,
                "answer": answer.model_dump(),
                "ms": round(ms, 1),
            }
        )
    runs = work / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    with (runs / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
        for row in out:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out


def load_runs(name: str, work: Path) -> list[dict[str, Any]]:
    """Records saved by an earlier run of set `name`."""
    path = work / "runs" / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def packaged_decisions(rows: list[dict[str, Any]]) -> list[bool]:
    """Answer or not, as the packaged calibration decides on the saved probabilities; a side by
    side or before/after answer was decided by its form and stands as given."""
    from bot.answer.calibration import default_calibration

    model = default_calibration()
    return [
        form_decided(r) or (not refused_by_rule(r) and model.answers(r["signals"])) for r in rows
    ]


def refused_by_rule(row: dict[str, Any]) -> bool:
    """Refused whatever the calibration: by the factoid path's rules or by a shaped form."""
    return bool(row["forced"] or row.get("form_refused", False))


# Forms that decide for themselves whether the articles say something on each side (side by
# side, before/after): their shaped answers stand as given, not re-gated by the calibration.
SELF_DECIDED = frozenset({"comparison", "temporal", "yesno"})


def form_decided(row: dict[str, Any]) -> bool:
    """A shaped side-by-side or before/after answer, which its form decided to give."""
    answer = row["answer"]
    return bool(answer.get("lines")) and answer.get("kind") in SELF_DECIDED


def half(question: str) -> str:
    """'fit' or 'report': a fixed split of questions by hash, so that what the answer forms
    were tuned on (fit) is reported apart from what they were not (report)."""
    return "fit" if int(hashlib.sha256(question.encode()).hexdigest(), 16) % 2 == 0 else "report"


def contains_gold(row: dict[str, Any]) -> bool:
    """Does the answer text hold one of the gold answers (case-insensitive)?"""
    text = row["answer"]["answer"].lower()
    return any(g.lower() in text for g in row["gold"] if g)


def table(
    name: str, rows: list[dict[str, Any]], answered: list[bool] | None = None
) -> dict[str, Any]:
    """Per-set figures; `answered` overrides the rows' own decisions (a held-out calibration)."""
    if answered is None:
        answered = packaged_decisions(rows)
    pos = [(r, a) for r, a in zip(rows, answered, strict=True) if r["answerable"]]
    neg = [(r, a) for r, a in zip(rows, answered, strict=True) if not r["answerable"]]
    fig: dict[str, Any] = {
        "n": len(rows),
        "answerable": len(pos),
        "false_abstention": _rate(sum(not a for _, a in pos), len(pos)),
        "gold_in_answer": _rate(sum(a and contains_gold(r) for r, a in pos), len(pos)),
        "unanswerable": len(neg),
        "refused_unanswerable": _rate(sum(not a for _, a in neg), len(neg)),
        "p50_ms": round(statistics.median(r["ms"] for r in rows), 1) if rows else None,
    }
    # Latency by path: plain (factoid path) answers and shaped ones (forms search again).
    for path, shaped in (("plain", False), ("shaped", True)):
        ms = [r["ms"] for r in rows if bool(r["answer"].get("lines")) == shaped]
        fig[f"p50_ms_{path}"] = round(statistics.median(ms), 1) if ms else None
        fig[f"n_{path}"] = len(ms)
    answered_pos = [r for r, a in pos if a]
    if any(r["sources"] for r in answered_pos):
        fig["source_hit"] = _rate(
            sum(
                bool({Path(c["source"]).name for c in r["answer"]["citations"]} & set(r["sources"]))
                for r in answered_pos
            ),
            len(answered_pos),
        )
    cited = [c for r in rows for c in r["answer"]["citations"]]
    fig["verbatim"] = _rate(
        sum(" ".join(c["quote"].split()) in " ".join(c["passage"].split()) for c in cited),
        len(cited),
    )
    if name == "rgb":
        fig["conflict_surfaced"] = _rate(sum(_rgb_surfaced(r) for r in rows), len(rows))
    return fig


def _rgb_surfaced(row: dict[str, Any]) -> bool:
    text = row["answer"]["answer"].lower()
    truth = any(g in text for g in row["gold"])
    fake = any(f in text for f in row["extra"].get("fake", []))
    return (truth and fake) or bool(row["answer"]["conflicts"])


def multihop_scores(
    rows: list[dict[str, Any]], answered: list[bool] | None = None
) -> dict[str, Any]:
    """The MultiHop-RAG scorer's summary (its own code, read in place)."""
    spec = importlib.util.spec_from_file_location("multihop_score", MULTIHOP_SCORE)
    assert spec and spec.loader
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    qa = scorer.load_jsonl(str(devsets.MULTIHOP / "qa.jsonl"))
    if answered is None:
        answered = packaged_decisions(rows)
    answers = []
    for i, r in enumerate(rows):
        a = dict(r["answer"])
        if not answered[i] and not a["abstained"]:
            a = {**a, "abstained": True, "related": a["citations"], "citations": [], "answer": ""}
        answers.append(a)
    scored, _ = scorer.score(qa, answers)
    s = scorer.summarise(scored)
    inf, nn, nul = s["inference_query"], s["all non-null"], s["null_query"]
    out = {
        "false_abstention_non_null": _rate(nn["abstained"], nn["n"]),
        "source_hit_non_null": _rate(nn["src_hit"], nn["n"]),
        "inference_gold_in_answer": _rate(inf["gold_in_answer"], inf["entity_gold"]),
        "null_refused": _rate(nul["abstained"], nul["n"]),
    }
    for t in ("comparison_query", "temporal_query"):
        out[f"{t.split('_')[0]}_q_all"] = _rate(s[t]["q_all"], s[t]["with_facts"])
        for part in ("fit", "report"):
            rs = [
                r for r in scored if r["type"] == t and r["facts"] and half(r["question"]) == part
            ]
            whole = sum(r["facts_quoted"] == r["facts"] for r in rs)
            out[f"{t.split('_')[0]}_q_all_{part}"] = _rate(whole, len(rs))
    return out


def _rate(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def main() -> None:
    """Run the sets and print a table each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=devsets.DEFAULT_WORK)
    parser.add_argument("--sets", nargs="+", default=list(devsets.SETS), choices=devsets.SETS)
    parser.add_argument("--reuse", action="store_true", help="score saved runs, ask nothing")
    args = parser.parse_args()
    for key, value in offline_env().items():
        if key.isupper():
            os.environ.setdefault(key, value)
    for name in args.sets:
        rows = load_runs(name, args.work) if args.reuse else run_set(name, args.work)
        print(f"## {name}: {json.dumps(table(name, rows))}")
        if name == "multihop":
            print(f"## multihop scorer: {json.dumps(multihop_scores(rows))}")


if __name__ == "__main__":
    main()
