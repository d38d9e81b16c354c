"""The extractive answerer on a small real index: right sentence, verbatim cited, honest abstention."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.answer.citations import normalise_space
from bot.answer.extractive import MAX_CHARS, MAX_SENTENCES, ExtractiveAnswerer
from bot.models import Answer, Turn
from index.api import NewsIndex
from index.clean import clean_article
from index.config import IndexConfig
from index.embed import Embedder
from index.errors import IndexNotBuiltError
from prompts import CANNOT_ANSWER
from tests.fakes.articles import BRIDGE, CHESS, ORCHARD, write_articles

MUSEUM = """Museum buys rare manuscript

Published: 2025-04-15

The Ridgeton city museum has acquired the Vellichor codex, a twelfth-century manuscript, at an auction in Geneva.
Curator Paul Amsel said the book will go on display in the autumn after conservation work.
The museum paid 2.3 million euros, funded mostly by private donors.
"""

RAW = {"bridge.txt": BRIDGE, "orchard.md": ORCHARD, "chess.txt": CHESS, "museum.txt": MUSEUM}
CLEAN = {name: normalise_space(clean_article(text).text) for name, text in RAW.items()}
MARKER = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def answerer(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> ExtractiveAnswerer:
    root = tmp_path_factory.mktemp("extractive")
    news = NewsIndex(IndexConfig(home=root / "home"), embedder=embedder)
    news.ingest([write_articles(root / "articles", list(RAW.items()))])
    return ExtractiveAnswerer(index=news)


def assert_well_cited(answer: Answer) -> None:
    """Every [n] points at a citation, every citation is cited, numbered in order of first use,
    and every quote is verbatim from its cleaned article (whitespace normalised)."""
    used = list(dict.fromkeys(int(n) for n in MARKER.findall(answer.answer)))
    assert used == list(range(1, len(answer.citations) + 1)), answer.answer
    assert [c.n for c in answer.citations] == used
    assert len({c.source for c in answer.citations}) == len(answer.citations)
    for c in answer.citations + answer.related:
        assert c.quote and c.quote in CLEAN[c.source], (c.source, c.quote)
        assert c.quote in normalise_space(c.passage)


def test_factual_question_gets_the_sentence_that_answers_it(answerer: ExtractiveAnswerer):
    answer = answerer.answer("How much did the bridge repairs cost?")
    assert not answer.abstained
    assert answer.short_answer == "84 million euros"
    assert answer.answer == (
        "84 million euros [1]: The repairs cost 84 million euros, twice the first estimate."
    )
    (c,) = answer.citations
    assert c.n == 1 and c.source == "bridge.txt"
    assert c.quote == "The repairs cost 84 million euros, twice the first estimate."
    assert (c.title, c.outlet, c.published) == (
        "Harbour bridge to reopen in May",
        "PNA/Reuters",
        "2025-03-03",
    )
    assert 0 < c.score <= 1
    assert_well_cited(answer)


@pytest.mark.parametrize(
    ("question", "expected", "source"),
    [
        ("When will the Harbour bridge reopen?", "12 May", "bridge.txt"),
        ("Who won the national chess championship?", "Nina Park", "chess.txt"),
        ("Who is the curator of the museum?", "Paul Amsel", "museum.txt"),
        ("How much aid did the farmers' union ask for?", "five million euros", "orchard.md"),
        ("Where was the Vellichor codex auctioned?", "Geneva", "museum.txt"),
    ],
)
def test_answers_contain_the_fact_not_just_the_question(
    answerer: ExtractiveAnswerer, question: str, expected: str, source: str
):
    answer = answerer.answer(question)
    assert not answer.abstained, answer.answer
    assert expected in answer.answer
    assert answer.citations[0].source == source
    assert expected in answer.citations[0].quote
    sentences = MARKER.split(answer.answer)[::2]
    assert len([s for s in sentences if s.strip()]) <= MAX_SENTENCES
    assert len(MARKER.sub("", answer.answer)) <= MAX_CHARS + 10
    assert_well_cited(answer)


@pytest.mark.parametrize(
    "question",
    [
        "Which football club won the league last season?",
        "Who won the 2024 Champions League final?",
        # Not here: "How much did the new stadium in Portville cost?" (subject absent, the rest
        # matching the bridge's cost). Refusing whenever a short question's rarest word is in no
        # passage would refuse 35 answerable questions of our Slack set to catch 21 (paraphrase:
        # "negotiations" vs "talks"); see the README's answer figures.
    ],
)
def test_abstains_when_the_articles_do_not_say(answerer: ExtractiveAnswerer, question: str):
    answer = answerer.answer(question)
    assert answer.abstained
    assert answer.answer.startswith(CANNOT_ANSWER)
    assert answer.citations == []
    assert not MARKER.search(answer.answer)
    assert answer.related, "the closest passages are offered as related reading"
    assert len({c.source for c in answer.related}) == len(answer.related) <= 2
    assert_well_cited(answer)


def test_follow_up_uses_the_history(answerer: ExtractiveAnswerer):
    history = [Turn("What did the Ridgeton museum buy?", "The Vellichor codex [1]")]
    answer = answerer.answer("How much did it pay?", history=history)
    assert answer.standalone_question is not None
    assert "museum" in answer.standalone_question
    assert answer.question == "How much did it pay?"
    assert not answer.abstained
    assert "2.3 million euros" in answer.answer
    assert answer.citations[0].source == "museum.txt"
    assert_well_cited(answer)


def test_standalone_question_is_not_rewritten(answerer: ExtractiveAnswerer):
    history = [Turn("What did the Ridgeton museum buy?")]
    answer = answerer.answer("How much did the bridge repairs cost?", history=history)
    assert answer.standalone_question is None
    assert "84 million euros" in answer.answer


def test_date_limits_reach_the_search(answerer: ExtractiveAnswerer):
    answer = answerer.answer("How much did the bridge repairs cost?", since=date(2025, 4, 1))
    # The bridge article (3 March) is out of range: it is neither cited nor offered.
    assert all(c.source != "bridge.txt" for c in answer.citations + answer.related)
    assert "84 million" not in answer.answer


def test_asking_an_empty_index_says_what_to_do_without_building_the_encoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    def refuse(model_dir: Path, models_dir: Path) -> Path:
        raise AssertionError(f"built the query encoder into {models_dir} before checking the index")

    monkeypatch.setattr("index.bert_graph.ensure_graph", refuse)
    answerer = ExtractiveAnswerer(index=NewsIndex(IndexConfig(home=tmp_path / "home")))
    with pytest.raises(IndexNotBuiltError, match="newsbot ingest"):
        answerer.answer("Who won the national chess title?")


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("When will the Harbour bridge reopen?", "12 May"),
        ("who won the national chess championship", "Nina Park"),
        ("Who is the curator of the museum?", "Paul Amsel"),
        ("where was the vellichor codex auctioned", "Geneva"),
        ("how much did the museum pay for the codex?", "2.3 million euros"),
    ],
)
def test_short_answer_is_named_first_and_quoted_verbatim(
    answerer: ExtractiveAnswerer, question: str, short: str
):
    answer = answerer.answer(question)
    assert not answer.abstained, answer.answer
    assert answer.short_answer is not None and short in answer.short_answer
    assert answer.answer.startswith(f"{answer.short_answer} [1]")
    assert answer.short_answer in answer.citations[0].quote
    assert answer.confidence is not None and 0 < answer.confidence <= 1


def test_a_dateline_is_not_the_answer(answerer: ExtractiveAnswerer):
    # The bridge article opens "PORTVILLE, March 3, 2025 (PNA/Reuters)- The Harbour bridge will
    # reopen ... on 12 May": the dateline's date says when it was filed, not the answer.
    answer = answerer.answer("when does the harbour bridge reopen")
    assert answer.short_answer == "12 May"


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("🙂🙂🙂 ???", "no words"),
        ("what is it about, is it?", "no content words"),
        ("Кто выиграл национальный чемпионат по шахматам?", "English"),
        ("Who won the chess championship? " * 160, "too long"),
    ],
)
def test_questions_it_cannot_search_get_a_clear_reply(
    answerer: ExtractiveAnswerer, question: str, reason: str
):
    answer = answerer.answer(question)
    assert answer.abstained and answer.citations == []
    assert answer.answer.startswith(CANNOT_ANSWER) and reason in answer.answer


HARBOUR = """Harbour board names a new chair

Published: 2025-05-02

The harbour board of Ostvik appointed Maren Holt, a former ferry captain, as its chair on Friday.
Holt replaces Tomas Reyes, who retired in March after nine years in the post.
The board also approved a new fuel dock for the inner harbour, to open next spring.
"""


def test_who_is_a_named_person_is_answered_with_what_they_are_not_another_name(
    embedder: Embedder, tmp_path: Path
):
    news = NewsIndex(IndexConfig(home=tmp_path / "home"), embedder=embedder)
    news.ingest([write_articles(tmp_path / "articles", [("harbour.txt", HARBOUR)])])
    answerer = ExtractiveAnswerer(index=news)
    answer = answerer.answer("who is maren holt?")
    assert not answer.abstained, answer.answer
    assert answer.short_answer == "a former ferry captain"
    assert answer.answer.startswith("a former ferry captain [1]")
    # A question that asks for a person still gets the name.
    named = answerer.answer("who did maren holt replace as chair?")
    assert named.short_answer is not None and "Tomas Reyes" in named.short_answer
