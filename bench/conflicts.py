"""Conflicting sources: RGB counterfactual records, and the false-alarm rate on the seed QA.

For each of the 100 RGB queries, the correct passages are indexed as one article and the altered
passages as another (two sources), the query is asked, and it counts as surfaced when the answer
shows both the true and the altered answer or flags the disagreement (`conflicts`). The false
alarm rate is the share of answerable seed questions (whose sources agree) answered with a
conflict.

    python bench/conflicts.py [--limit 100] [--out bench/out]
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
from _common import DEFAULT_OUT, RGB, SEED_QA, SEEDS, machine_info, offline_env, write_results
from devsets import alternatives, rgb_article


def rgb(work: Path, limit: int, embedder: Any) -> dict[str, Any]:
    """Surfacing rate over the RGB counterfactual records."""
    from bot.answer.extractive import ExtractiveAnswerer
    from index.api import NewsIndex
    from index.config import IndexConfig
    from index.store import open_client

    lines = RGB.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()][:limit]  # JSON Lines
    client = open_client(home=work / "rgb-home", chroma_url=None)
    surfaced = flagged = both_shown = 0
    misses = []
    for rec in records:
        folder = work / f"rgb{rec['id']:03d}"
        folder.mkdir()
        (folder / "wire_a.txt").write_text(rgb_article(rec["query"], "Reuters", rec["positive"]))
        (folder / "wire_b.txt").write_text(rgb_article(rec["query"], "AFP", rec["positive_wrong"]))
        config = IndexConfig(home=work / "rgb-home", collection_prefix=f"rgb{rec['id']:03d}")
        index = NewsIndex(config, embedder=embedder, client=client)
        index.ingest([folder])
        answer = ExtractiveAnswerer(index=index).answer(rec["query"])
        text = answer.answer.lower()
        truth = alternatives(rec["answer"])
        fake = alternatives(rec["fakeanswer"])
        shows_both = any(t in text for t in truth) and any(f in text for f in fake)
        hit = shows_both or bool(answer.conflicts)
        surfaced += hit
        flagged += bool(answer.conflicts)
        both_shown += shows_both
        if not hit:
            misses.append({"query": rec["query"], "answer": answer.answer[:240]})
    n = len(records)
    return {
        "queries": n,
        "surfaced": round(surfaced / n, 4),
        "flagged_conflict": round(flagged / n, 4),
        "both_answers_shown": round(both_shown / n, 4),
        "misses": misses[:20],
    }


def seed_false_alarms(work: Path, embedder: Any) -> dict[str, Any]:
    """Share of answerable seed questions answered with a conflict."""
    from bot.answer.extractive import ExtractiveAnswerer
    from bot.evaluate import load_qa
    from index.api import NewsIndex
    from index.config import IndexConfig

    index = NewsIndex(IndexConfig(home=work / "seed-home"), embedder=embedder)
    index.ingest([SEEDS])
    answerer = ExtractiveAnswerer(index=index)
    items = [i for i in load_qa(SEED_QA) if i.answerable]
    alarms = []
    for item in items:
        answer = answerer.answer(item.question)
        if answer.conflicts:
            alarms.append({"question": item.question, "answer": answer.answer[:240]})
    return {
        "questions": len(items),
        "false_alarm_rate": round(len(alarms) / len(items), 4),
        "alarms": alarms,
    }


def main() -> None:
    """Run both measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    for key, value in offline_env().items():
        os.environ.setdefault(key, value)
    from index.embed import DEFAULT_MODEL, make_embedder

    with tempfile.TemporaryDirectory(prefix="newsbot-conflicts-") as tmp:
        work = Path(tmp)
        # The model as `newsbot ingest` runs it, loaded once for the hundreds of small indexes.
        embedder = make_embedder(DEFAULT_MODEL, models_dir=work / "models")
        results = {
            "machine": machine_info(),
            "rgb": rgb(work, args.limit, embedder),
            "seed_qa": seed_false_alarms(work, embedder),
        }
    print(
        f"RGB counterfactuals: disagreement surfaced in {results['rgb']['surfaced']:.0%} "
        f"of {results['rgb']['queries']} queries (target >= 70%; flagged "
        f"{results['rgb']['flagged_conflict']:.0%}, both answers shown "
        f"{results['rgb']['both_answers_shown']:.0%})"
    )
    print(
        f"seed QA false alarms: {results['seed_qa']['false_alarm_rate']:.0%} of "
        f"{results['seed_qa']['questions']} answerable questions (target <= 10%)"
    )
    print(f"results: {write_results(args.out, 'conflicts', results)}")


if __name__ == "__main__":
    main()
