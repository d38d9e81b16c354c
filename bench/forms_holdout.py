"""Side by side and before/after answers on questions written blind to the code.

    python bench/forms_holdout.py [--work /tmp/newsbot-dev]

`bench/data/forms_holdout.jsonl`: 40 comparison and temporal questions over the MultiHop-RAG dev
corpus, in its `qa.jsonl` format (each gold evidence fact a sentence copied from its article),
written by someone who had not read or run `bot/` or `index/` and committed before any answer
was looked at. They are never used to change a rule or a number: a figure on them is a held-out
figure for issue 13's `q_all` target (every gold fact quoted in the citations), scored by
`shared/bench/multihop_dev/score.py` itself. The index is answer_dev's `multihop` one (MultiHop
dev + 300 BBC articles), the answerer the packaged default, as `newsbot ask` runs it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import devsets
from _common import BENCH_DIR, offline_env

HOLDOUT = BENCH_DIR / "data" / "forms_holdout.jsonl"


def main() -> None:
    """Ask every held-out question and print the scorer's per-type figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=devsets.DEFAULT_WORK)
    args = parser.parse_args()
    for key, value in offline_env().items():
        if key.isupper():
            os.environ.setdefault(key, value)
    from bot.answer.extractive import ExtractiveAnswerer
    from index.api import NewsIndex
    from index.config import IndexConfig

    spec = importlib.util.spec_from_file_location("score", devsets.MULTIHOP / "score.py")
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)

    home = devsets.build("multihop", args.work)
    answerer = ExtractiveAnswerer(index=NewsIndex(IndexConfig(home=home)))
    qa = scorer.load_jsonl(str(HOLDOUT))
    answers = [answerer.answer(q["question"]).model_dump() for q in qa]
    out = args.work / "runs" / "forms_holdout.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in answers), "utf-8")
    rows, _ = scorer.score(qa, answers)
    summary = scorer.summarise(rows)
    for kind in ("comparison_query", "temporal_query"):
        s = summary[kind]
        by_facts: dict[int, list[bool]] = {}
        for r in rows:
            if r["type"] == kind and r["facts"]:
                by_facts.setdefault(r["facts"], []).append(r["facts_quoted"] == r["facts"])
        split = ", ".join(f"{n} facts {sum(v)}/{len(v)}" for n, v in sorted(by_facts.items()))
        print(
            f"{kind}: q_all {s['q_all']}/{s['with_facts']} = "
            f"{100.0 * s['q_all'] / max(1, s['with_facts']):.1f}% ({split}); "
            f"abstained {s['abstained']}/{s['n']}"
        )
    kinds: dict[str, int] = {}
    for a in answers:
        kinds[a.get("kind") or "?"] = kinds.get(a.get("kind") or "?", 0) + 1
    print(f"answer kinds: {kinds}; answers in {out}")


if __name__ == "__main__":
    main()
