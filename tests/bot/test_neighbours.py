"""The answer takes in a neighbour sentence of its passage when the answer sits next door."""

from __future__ import annotations

import pytest

from bot.answer.extractive import ExtractiveAnswerer
from index.api import NewsIndex
from index.config import IndexConfig
from index.embed import Embedder
from tests.fakes.articles import write_articles

WAGES = """Why pay falls in crowded trades

Published: 2025-03-02

A job where many workers are willing to work long hours for few openings will pay a low wage.
This is because competition between workers drives down the wage.
Economists at the Ridgeton institute published the study on Monday.
"""

UNION = """Growers ask for help after the frost

Published: 2025-04-03

The regional farmers' union met in Ridgeton on Monday to count the frost damage.
It asked the government for emergency aid of five million euros.
Orchard owner Tomas Berg said he had never seen frost so late in April.
"""


@pytest.fixture(scope="module")
def answerer(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> ExtractiveAnswerer:
    root = tmp_path_factory.mktemp("neighbours")
    news = NewsIndex(IndexConfig(home=root / "home"), embedder=embedder)
    news.ingest([write_articles(root / "articles", [("wages.txt", WAGES), ("union.txt", UNION)])])
    return ExtractiveAnswerer(index=news)


def test_the_next_sentence_joins_when_it_holds_the_rest_of_the_question(
    answerer: ExtractiveAnswerer,
):
    answer = answerer.answer("What drives down the wage in a job with many willing workers?")
    assert not answer.abstained
    assert "competition between workers drives down the wage" in answer.answer
    (c,) = answer.citations
    assert "competition between workers" in c.quote and c.quote in " ".join(c.passage.split())


def test_a_lead_that_points_back_brings_the_sentence_it_points_at(
    answerer: ExtractiveAnswerer,
):
    answer = answerer.answer("How much emergency aid did the regional farmers' union want?")
    assert not answer.abstained
    assert answer.short_answer == "five million euros"
    quote = answer.citations[0].quote
    assert quote.startswith("The regional farmers' union met in Ridgeton")
    assert quote.endswith("emergency aid of five million euros.")
