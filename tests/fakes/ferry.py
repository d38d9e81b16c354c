"""Two rounds of ferry-strike talks, a month apart, for the answer-form tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.answer.citations import normalise_space
from bot.answer.extractive import ExtractiveAnswerer
from bot.models import Answer
from index.api import NewsIndex
from index.clean import clean_article
from index.config import IndexConfig
from tests.fakes.articles import CHESS, ORCHARD, write_articles

# Published on a Friday; the talks were on the Thursday before.
FIRST_ROUND = """Ferry strike talks open in Lisbon

Published On: 7 Mar 2025, 10:00

LISBON, March 7, 2025 (PNA)- Union and operator negotiators met in Lisbon on Thursday for the first round of talks on the ferry strike.
Union leader Marta Sousa said the first round had been "frank but slow".
"We want the night crossings back before the summer timetable," she said.
The operator offered a two percent pay rise, which the union rejected.
"""

# Published on a Monday; the deal was struck on the Saturday before.
SECOND_ROUND = """Ferry strike ends with a deal after second round of talks

Update: 2025-04-14 08:00 GMT

Negotiators agreed a deal in the second round of ferry strike talks in Lisbon on Saturday, ending the six-week strike.
Operator chief executive Paulo Reis told reporters that the night crossings would resume on 1 May.
"Nobody got everything they wanted, but the ferries will run again," he added.
Union members will vote on the deal next week, according to the union's spokeswoman.
"""

RAW = {
    "first_round.txt": FIRST_ROUND,
    "second_round.txt": SECOND_ROUND,
    "orchard.md": ORCHARD,
    "chess.txt": CHESS,
}
CLEAN = {name: normalise_space(clean_article(text).text) for name, text in RAW.items()}


def ferry_answerer(embedder: Any, root: Path) -> ExtractiveAnswerer:
    """The default extractive answerer (forms included) over the ferry articles."""
    news = NewsIndex(IndexConfig(home=root / "home"), embedder=embedder)
    news.ingest([write_articles(root / "articles", list(RAW.items()))])
    return ExtractiveAnswerer(index=news)


def assert_lines_cited(answer: Answer) -> None:
    """Every line cites a citation, every citation is used, quotes and lines are verbatim."""
    numbers = {c.n for c in answer.citations}
    used = {n for line in answer.lines for n in line.n}
    assert used <= numbers and numbers <= used | {1}, (used, numbers)
    for c in answer.citations:
        assert c.quote in CLEAN[c.source], (c.source, c.quote)
    for line in answer.lines:
        assert any(line.text in text for text in CLEAN.values()), line.text
    assert answer.short_answer and answer.short_answer in answer.answer
    assert answer.short_answer in " ".join(c.quote for c in answer.citations)
