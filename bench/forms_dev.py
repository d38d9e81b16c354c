"""Shaped answers (timeline, latest, who said what) on the seeds + 300 BBC index: quality and
warm latency next to the factoid questions.

    python bench/forms_dev.py [--work /tmp/newsbot-dev] [--show]

Asks, in process with the default extractive answerer (as `newsbot ask` runs it), every
question of `../shared/eval/seed_qa.jsonl`, `data/slack_qa.jsonl` (the forms were written
against these) and `data/forms_qa.jsonl` (written for this bench, held out from the tuning),
grouped by the kind the answerer recognises. Per kind and file: answerable questions answered,
gold span in the answer text, unanswerable ones refused, the share answered in a shaped form
(with `lines`), and p50/p90 warm latency. Then the seed targets of issue 13: "what happened in
the Istanbul talks" cites both rounds with their dates, "latest" leads with the April reporting,
speech questions name the right speaker. Figures go to OUT/forms_dev.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import devsets
from _common import BENCH_DIR, DEFAULT_OUT, SEED_QA, machine_info, offline_env, save_run

FILES = {
    "seed_qa": SEED_QA,
    "slack_qa": BENCH_DIR / "data" / "slack_qa.jsonl",
    "forms_qa": BENCH_DIR / "data" / "forms_qa.jsonl",
}
FORM_KINDS = ("overview", "latest", "quote")
# (question, what a right answer shows): the seed targets of issue 13.
TARGETS: list[tuple[str, str]] = [
    ("What happened in the Istanbul talks?", "timeline"),
    ("what happened at the us russia embassy talks in istanbul", "timeline"),
    ("What is the latest on the talks?", "latest"),
    ("us russia embassy talks latest?", "latest"),
    ("who said ukraine is absolutely not on the agenda", "speaker:Tammy Bruce"),
    ("What did Darchiev say the talks would focus on?", "speaker:Darchiev"),
    ("what did matvienko say about the us russia talks", "speaker:Matvienko"),
    ("How did Putin describe the Trump administration's approach?", "speaker:Putin"),
]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _gold(answer: dict[str, Any], gold: list[str]) -> bool:
    text = answer["answer"].lower()
    return any(g.lower() in text for g in gold if g)


def target_met(answer: dict[str, Any], want: str) -> bool:
    """Does a seed target's answer show what it should?"""
    if answer["abstained"]:
        return False
    dates = [line.get("date") or "" for line in answer["lines"]]
    if want == "timeline":  # both rounds, dated, in date order, each cited
        feb = any(d.startswith("2025-02") for d in dates)
        apr = any(d.startswith("2025-04") for d in dates)
        return feb and apr and dates == sorted(dates) and all(x["n"] for x in answer["lines"])
    if want == "latest":
        return bool(dates) and dates[0].startswith("2025-04") and "10 Apr 2025" in answer["answer"]
    name = want.split(":", 1)[1]
    return name in (answer["lines"][0].get("label") or "") if answer["lines"] else False


def main() -> None:
    """Ask, score, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=devsets.DEFAULT_WORK)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--show", action="store_true", help="print every shaped answer")
    parser.add_argument(
        "--no-forms", action="store_true", help="the factoid path only (the figures before forms)"
    )
    args = parser.parse_args()
    for key, value in offline_env().items():
        if key.isupper():
            os.environ.setdefault(key, value)
    from bot.answer.extractive import ExtractiveAnswerer
    from bot.answer.kinds import question_kind
    from index.api import NewsIndex
    from index.config import IndexConfig

    machine = machine_info()
    index = NewsIndex(IndexConfig(home=devsets.build("seeds", args.work)))
    answerer = ExtractiveAnswerer(index=index, forms={} if args.no_forms else None)
    answerer.answer("warm up: who met where?")
    rows: list[dict[str, Any]] = []
    for source, path in FILES.items():
        for q in _jsonl(path):
            kind = question_kind(q["question"])
            started = time.perf_counter()
            answer = answerer.answer(q["question"]).model_dump()
            ms = (time.perf_counter() - started) * 1000
            rows.append({"file": source, "kind": kind, "q": q, "answer": answer, "ms": ms})
            if args.show and kind in FORM_KINDS:
                ok = "ok" if _gold(answer, q["answers"]) or not q["answerable"] else "--"
                print(f"[{source} {q['id']} {kind} {ok}] {q['question']}\n{answer['answer']}\n")
    table: dict[str, Any] = {}
    for kind in (*FORM_KINDS, "factoid"):
        for source in FILES:
            mine = [r for r in rows if r["kind"] == kind and r["file"] == source]
            if not mine:
                continue
            pos = [r for r in mine if r["q"]["answerable"]]
            neg = [r for r in mine if not r["q"]["answerable"]]
            table[f"{kind}/{source}"] = {
                "n": len(mine),
                "answered": f"{sum(not r['answer']['abstained'] for r in pos)}/{len(pos)}",
                "gold_in_answer": f"{sum(_gold(r['answer'], r['q']['answers']) for r in pos)}/{len(pos)}",
                "refused_unanswerable": f"{sum(r['answer']['abstained'] for r in neg)}/{len(neg)}",
                "shaped": f"{sum(bool(r['answer']['lines']) for r in mine)}/{len(mine)}",
            }
        times = [r["ms"] for r in rows if r["kind"] == kind]
        if times:
            table[f"{kind}/latency_ms"] = {
                "n": len(times),
                "p50": round(statistics.median(times), 1),
                "p90": round(sorted(times)[int(0.9 * (len(times) - 1))], 1),
            }
    targets = []
    for question, want in TARGETS:
        answer = answerer.answer(question).model_dump()
        targets.append({"question": question, "want": want, "met": target_met(answer, want)})
        if args.show:
            print(f"[target {want}] {question}\n{answer['answer']}\n")
    for key, fig in table.items():
        print(f"{key:28} {json.dumps(fig)}")
    for t in targets:
        print(f"target {'MET ' if t['met'] else 'MISS'} {t['want']:22} {t['question']}")
    name = "forms_dev_factoid_only" if args.no_forms else "forms_dev"
    path = save_run(args.out, name, machine, table=table, targets=targets)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
