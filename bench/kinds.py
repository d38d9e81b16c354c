"""Question kinds recognised by `bot.answer.kinds` on the project's own labelled questions.

    python bench/kinds.py

`data/kinds.jsonl` is the set the rules were written against; `data/slack_qa.jsonl` (labelled
independently, by another hand, for the answer benches) was held out until session 11, when rule
changes were fitted on both; `data/kinds_holdout.jsonl` (148 questions written and committed
before those changes, never used to write a rule) is the held-out check.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bot.answer.kinds import question_kind

DATA = Path(__file__).resolve().parent / "data"


def main() -> None:
    """Accuracy per file and per kind."""
    sets = (
        ("kinds.jsonl", "rules written against"),
        ("slack_qa.jsonl", "rules fitted on"),
        ("kinds_holdout.jsonl", "held out"),
    )
    for name, role in sets:
        rows = [json.loads(line) for line in (DATA / name).read_text().splitlines() if line]
        hits = Counter()
        totals = Counter()
        for row in rows:
            totals[row["kind"]] += 1
            hits[row["kind"]] += question_kind(row["question"]) == row["kind"]
        right = sum(hits.values())
        per_kind = ", ".join(f"{k} {hits[k]}/{totals[k]}" for k in sorted(totals))
        print(f"{name} ({role}): {right}/{len(rows)} = {right / len(rows):.1%}; {per_kind}")


if __name__ == "__main__":
    main()
