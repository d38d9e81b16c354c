"""The QA file format and the metrics `newsbot eval` reports, on a fake answerer."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from bot.evaluate import QAItem, evaluate, load_qa
from bot.models import Answer, Citation, Turn
from prompts import CANNOT_ANSWER

ROWS = [
    {
        "id": "q1",
        "question": "Who led the US delegation?",
        "answers": ["Sonata Coulter", "Coulter"],
        "sources": ["001.txt", "003.txt"],
        "answerable": True,
    },
    {
        "id": "q2",
        "question": "When did they meet?",
        "answers": ["February 27"],
        "sources": ["003.txt"],
        "answerable": True,
    },
    {
        "id": "q3",
        "question": "How long did the talks last?",
        "answers": ["six hours"],
        "sources": ["000.txt"],
        "answerable": True,
    },
    {
        "id": "q4",
        "question": "What did Russia suggest?",
        "answers": ["direct flights"],
        "sources": ["001.txt"],
        "answerable": True,
    },
    {
        "id": "u1",
        "question": "Who won the league?",
        "answers": [],
        "sources": [],
        "answerable": False,
    },
    {
        "id": "u2",
        "question": "What did China say?",
        "answers": [],
        "sources": [],
        "answerable": False,
    },
]


def write_qa(path: Path, rows: list[dict]) -> Path:
    lines = [json.dumps(r) for r in rows]
    lines.insert(2, "   ")  # blank lines are skipped
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_qa_parses_the_seed_format(tmp_path: Path):
    items = load_qa(write_qa(tmp_path / "qa.jsonl", ROWS))
    assert [i.id for i in items] == ["q1", "q2", "q3", "q4", "u1", "u2"]
    assert items[0] == QAItem(
        id="q1",
        question="Who led the US delegation?",
        answers=["Sonata Coulter", "Coulter"],
        sources=["001.txt", "003.txt"],
        answerable=True,
    )
    assert items[4].answerable is False and items[4].answers == []


def test_load_qa_defaults_and_errors(tmp_path: Path):
    path = tmp_path / "qa.jsonl"
    path.write_text('{"question": "Bare?"}\n', encoding="utf-8")
    (item,) = load_qa(path)
    assert (item.id, item.answers, item.sources, item.answerable) == ("1", [], [], True)
    path.write_text('{"question": "ok"}\n{"answers": []}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"qa\.jsonl:2"):
        load_qa(path)
    path.write_text("not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"qa\.jsonl:1"):
        load_qa(path)


def _cite(source: str, quote: str, passage: str) -> Citation:
    return Citation(n=1, source=source, quote=quote, passage=passage)


class ScriptedAnswerer:
    """Returns a prepared answer per question and records that no history was passed."""

    def __init__(self, script: dict[str, Answer]) -> None:
        self.script = script
        self.histories: list[tuple[Turn, ...]] = []

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        since: date | None = None,
        until: date | None = None,
    ) -> Answer:
        self.histories.append(tuple(history))
        return self.script[question]


def _answer(question: str, text: str, citations: list[Citation] | None = None) -> Answer:
    abstained = text.startswith(CANNOT_ANSWER)
    return Answer(question=question, answer=text, abstained=abstained, citations=citations or [])


def test_metrics_on_a_scripted_answerer(tmp_path: Path):
    items = load_qa(write_qa(tmp_path / "qa.jsonl", ROWS))
    script = {
        # correct answer (case-insensitive match), an expected source, verbatim quote
        "Who led the US delegation?": _answer(
            "q1",
            "It was led by sonata coulter [1]",
            [_cite("/data/003.txt", "led by Sonata  Coulter", "It was led by Sonata Coulter.")],
        ),
        # wrong answer, wrong source, a quote that is not in its passage
        "When did they meet?": _answer(
            "q2", "They met on April 10 [1]", [_cite("004.txt", "April 10", "in spring")]
        ),
        # correct answer from an unexpected source
        "How long did the talks last?": _answer(
            "q3", "Over six hours [1]", [_cite("002.txt", "six hours", "for six hours")]
        ),
        # a false abstention
        "What did Russia suggest?": _answer("q4", f"{CANNOT_ANSWER}."),
        # one unanswerable abstained, one answered
        "Who won the league?": _answer("u1", f"{CANNOT_ANSWER}."),
        "What did China say?": _answer(
            "u2", "Something [1]", [_cite("000.txt", "Something", "Something.")]
        ),
    }
    answerer = ScriptedAnswerer(script)
    report = evaluate(answerer, items)
    assert all(h == () for h in answerer.histories)  # every question stands alone
    assert [o.correct for o in report.outcomes] == [True, False, True, False, True, False]
    m = report.metrics()
    assert m["questions"] == 6
    assert m["answer_accuracy"] == 0.5  # 2 of 4 answerable
    assert m["overall_accuracy"] == 0.5  # 3 of 6
    assert m["source_accuracy"] == round(1 / 3, 4)  # of the 3 answered answerable ones
    assert m["verbatim_quote_rate"] == 0.75  # 3 of 4 quotes
    assert m["unanswerable"] == 2 and m["unanswerable_abstained"] == 1
    assert m["abstention_on_unanswerable"] == 0.5
    assert m["false_abstention"] == 0.25
    assert m["latency_ms_p50"] is not None and m["latency_ms_p95"] >= m["latency_ms_p50"] >= 0


def test_metrics_of_nothing_are_none():
    m = evaluate(ScriptedAnswerer({}), []).metrics()
    assert m["questions"] == 0
    assert m["answer_accuracy"] is None and m["latency_ms_p50"] is None
