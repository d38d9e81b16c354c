"""Abstention trade-off: answer rate vs abstention on unanswerable questions, per threshold.

Runs the extractive answerer with abstention by score switched off, records each question's best
score (or that it abstains for another reason: nothing of the asked kind, a name no passage
mentions), then sweeps `Thresholds.min_score` over seed QA and the SQuAD 2.0 sample.

    python bench/calibrate_abstention.py [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DEFAULT_OUT, SHARED_DIR, machine_info, offline_env, write_results

SEEDS = SHARED_DIR / "corpus" / "seeds"
SEED_QA = SHARED_DIR / "eval" / "seed_qa.jsonl"
SQUAD = SHARED_DIR / "bench" / "squad2_sample"
GRID = [round(0.30 + 0.02 * i, 2) for i in range(16)]


def _outcomes(index: Any, questions: list[tuple[str, list[str], bool]]) -> list[dict[str, Any]]:
    """Per question: answerable?, forced abstention?, best score, and correct if answered."""
    from bot.answer.extractive import ExtractiveAnswerer, Thresholds

    answerer = ExtractiveAnswerer(index=index, thresholds=Thresholds(min_score=-10.0))
    rows = []
    for question, golds, answerable in questions:
        answer = answerer.answer(question)
        best = max((c.score for c in answer.citations), default=None)
        rows.append(
            {
                "answerable": answerable,
                "forced": answer.abstained,
                "best": _best_sentence_score(answerer, index, question),
                "correct": (not answer.abstained)
                and any(g.lower() in answer.answer.lower() for g in golds),
                "cited_score": best,
            }
        )
    return rows


def _best_sentence_score(answerer: Any, index: Any, question: str) -> float:
    passages = index.search(question, k=12, per_story=6, novelty=0.0)
    ranked = answerer.rank_sentences(question, passages)
    from bot.answer.extractive import STRONG_TYPES
    from bot.answer.text import answer_type

    kind = answer_type(question)
    pool = [s for s in ranked if s.typed >= 1.0] if kind in STRONG_TYPES else ranked
    return pool[0].score if pool else -1.0


def sweep(rows: list[dict[str, Any]]) -> list[dict[str, float]]:
    """Answer accuracy, false abstention and abstention on unanswerable per threshold."""
    table = []
    for t in GRID:
        ans = [r for r in rows if r["answerable"]]
        una = [r for r in rows if not r["answerable"]]
        answered = [r for r in ans if not r["forced"] and r["best"] >= t]
        table.append(
            {
                "min_score": t,
                "answer_accuracy": round(sum(r["correct"] for r in answered) / max(1, len(ans)), 4),
                "false_abstention": round(1 - len(answered) / max(1, len(ans)), 4),
                "abstention_on_unanswerable": round(
                    sum(r["forced"] or r["best"] < t for r in una) / max(1, len(una)), 4
                ),
            }
        )
    return table


def main() -> None:
    """Build the two indexes, collect outcomes, print the sweep."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    for key, value in offline_env().items():
        os.environ.setdefault(key, value)
    from index.api import NewsIndex
    from index.config import IndexConfig

    results: dict[str, Any] = {"machine": machine_info()}
    with tempfile.TemporaryDirectory(prefix="newsbot-calibrate-") as tmp:
        work = Path(tmp)
        seeds = NewsIndex(IndexConfig(home=work / "seeds"))
        seeds.ingest([SEEDS])
        qa = [json.loads(line) for line in SEED_QA.read_text().splitlines() if line.strip()]
        seed_rows = _outcomes(seeds, [(q["question"], q["answers"], q["answerable"]) for q in qa])
        queries = json.loads((SQUAD / "searchdatasets_squad2_queries.json").read_text())["queries"]
        truth = json.loads((SQUAD / "searchdatasets_squad2_ground_truth.json").read_text())
        folder = work / "squad-articles"
        folder.mkdir()
        names: dict[str, str] = {}
        for q in queries:
            names.setdefault(q["context"], f"p{len(names):04d}.txt")
        for text, name in names.items():
            (folder / name).write_text(text)
        squad = NewsIndex(IndexConfig(home=work / "squad"))
        squad.ingest([folder])
        squad_rows = _outcomes(
            squad,
            [
                (q["question"], truth[q["id"]]["answers"], not truth[q["id"]]["is_impossible"])
                for q in queries
            ],
        )
    results["seed_qa"] = sweep(seed_rows)
    results["squad2"] = sweep(squad_rows)
    print(
        f"{'min_score':>9} | seed: acc  false-abst  abst-unans | squad: acc  false-abst  abst-unans"
    )
    for s, q in zip(results["seed_qa"], results["squad2"], strict=True):
        print(
            f"{s['min_score']:>9} | {s['answer_accuracy']:>9.0%} {s['false_abstention']:>11.0%}"
            f" {s['abstention_on_unanswerable']:>11.0%} | {q['answer_accuracy']:>10.1%}"
            f" {q['false_abstention']:>11.1%} {q['abstention_on_unanswerable']:>11.1%}"
        )
    print(f"results: {write_results(args.out, 'calibrate_abstention', results)}")


if __name__ == "__main__":
    main()
