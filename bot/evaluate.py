"""Scores an answerer on a QA file in the format of shared/eval/seed_qa.jsonl."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.answer.citations import normalise_space
from bot.models import Answer, Answerer


@dataclass(frozen=True)
class QAItem:
    """One question with its accepted answers and supporting files."""

    id: str
    question: str
    answers: list[str]
    sources: list[str]
    answerable: bool


def load_qa(path: Path) -> list[QAItem]:
    """Read a JSONL QA file; blank lines are skipped."""
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            items.append(
                QAItem(
                    id=str(row.get("id", n)),
                    question=row["question"],
                    answers=list(row.get("answers") or []),
                    sources=list(row.get("sources") or []),
                    answerable=bool(row.get("answerable", True)),
                )
            )
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{path}:{n}: not a QA record ({exc})") from exc
    return items


@dataclass
class Outcome:
    """How one question went."""

    item: QAItem
    answer: Answer
    seconds: float

    @property
    def correct(self) -> bool:
        if not self.item.answerable:
            return self.answer.abstained
        text = self.answer.answer.lower()
        return not self.answer.abstained and any(a.lower() in text for a in self.item.answers)

    @property
    def source_ok(self) -> bool:
        cited = {Path(c.source).name for c in self.answer.citations}
        return bool(cited & {Path(s).name for s in self.item.sources})

    @property
    def quotes_verbatim(self) -> bool:
        return all(
            normalise_space(c.quote) in normalise_space(c.passage) for c in self.answer.citations
        )


@dataclass
class Report:
    """Aggregate scores."""

    outcomes: list[Outcome] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        """Rates in [0, 1] and latencies in milliseconds."""
        answerable = [o for o in self.outcomes if o.item.answerable]
        unanswerable = [o for o in self.outcomes if not o.item.answerable]
        answered = [o for o in answerable if not o.answer.abstained]
        cited = [c for o in self.outcomes for c in o.answer.citations]
        latencies = sorted(o.seconds * 1000 for o in self.outcomes)
        return {
            "questions": len(self.outcomes),
            "answer_accuracy": _rate(sum(o.correct for o in answerable), len(answerable)),
            "overall_accuracy": _rate(sum(o.correct for o in self.outcomes), len(self.outcomes)),
            "source_accuracy": _rate(sum(o.source_ok for o in answered), len(answered)),
            "verbatim_quote_rate": _rate(
                sum(normalise_space(c.quote) in normalise_space(c.passage) for c in cited),
                len(cited),
            ),
            "abstention_on_unanswerable": _rate(
                sum(o.answer.abstained for o in unanswerable), len(unanswerable)
            ),
            "unanswerable_abstained": sum(o.answer.abstained for o in unanswerable),
            "unanswerable": len(unanswerable),
            "false_abstention": _rate(sum(o.answer.abstained for o in answerable), len(answerable)),
            "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else None,
            "latency_ms_p95": round(_percentile(latencies, 95), 1) if latencies else None,
        }


def evaluate(answerer: Answerer, items: Iterable[QAItem]) -> Report:
    """Ask every question once (no conversation history) and collect the outcomes."""
    report = Report()
    for item in items:
        started = time.perf_counter()
        answer = answerer.answer(item.question)
        report.outcomes.append(Outcome(item, answer, time.perf_counter() - started))
    return report


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _percentile(sorted_values: list[float], pct: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]
