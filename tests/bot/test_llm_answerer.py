"""LLM synthesis: grounded in the numbered passages, degrading to extractive on any failure."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.llm import LLMAnswerer
from bot.factory import build_answerer
from bot.models import Turn
from bot.settings import Settings
from index.api import NewsIndex
from index.clean import clean_article
from index.config import IndexConfig
from prompts import CANNOT_ANSWER
from tests.fakes.articles import BRIDGE, CHESS, ORCHARD, write_articles
from tests.fakes.llm import FakeLLM
from tests.fakes.openai_server import FakeOpenAI


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory, embedder) -> NewsIndex:
    root = tmp_path_factory.mktemp("llm")
    folder = write_articles(
        root / "articles", [("bridge.txt", BRIDGE), ("orchard.txt", ORCHARD), ("chess.txt", CHESS)]
    )
    index = NewsIndex(IndexConfig(home=root / "home"), embedder=embedder)
    index.ingest([folder])
    return index


def _answerer(news: NewsIndex, llm: FakeLLM, timeout: float = 10.0) -> LLMAnswerer:
    return LLMAnswerer(
        index=news, llm=llm, fallback=ExtractiveAnswerer(index=news), timeout=timeout
    )


def _cleaned(*raws: str) -> str:
    return " ".join(" ".join(clean_article(r).text.split()) for r in raws)


def test_model_sees_numbered_passages_and_cites_only_them(news: NewsIndex):
    llm = FakeLLM().enqueue(
        "The bridge reopens on 12 May [1]. It was built by aliens [7]. Nobody knows why."
    )
    answer = _answerer(news, llm).answer("When will the Harbour bridge reopen?")
    prompt = llm.history[-1]
    assert "[1] (" in prompt and "When will the Harbour bridge reopen?" in prompt
    assert CANNOT_ANSWER in prompt
    assert answer.answer == "The bridge reopens on 12 May [1]."
    assert answer.note == "2 unsupported sentence(s) left out"
    assert [c.n for c in answer.citations] == [1]
    quote = answer.citations[0].quote
    assert quote != "The bridge reopens on 12 May" and quote in _cleaned(BRIDGE)


def test_cannot_answer_reply_abstains(news: NewsIndex):
    llm = FakeLLM().enqueue(f"{CANNOT_ANSWER}.")
    answer = _answerer(news, llm).answer("Who won the chess title in Ridgeton?")
    assert answer.abstained and answer.answer.startswith(CANNOT_ANSWER)
    assert answer.citations == []


def test_an_answer_citing_nothing_falls_back_to_extractive(news: NewsIndex):
    llm = FakeLLM().enqueue("The bridge reopens in May.")
    answer = _answerer(news, llm).answer("When will the Harbour bridge reopen?")
    assert answer.note and "cited no passage" in answer.note
    assert not answer.abstained and "[1]" in answer.answer
    assert answer.citations[0].quote in _cleaned(BRIDGE)


def test_llm_error_and_timeout_fall_back_with_a_note(news: NewsIndex):
    llm = FakeLLM().enqueue(ConnectionError("refused"))
    answer = _answerer(news, llm).answer("How much did the bridge repairs cost?")
    assert answer.note == "LLM unavailable (ConnectionError); showing the extractive answer"
    assert "84 million" in answer.answer

    gate = threading.Event()
    slow = FakeLLM().enqueue("too late [1].")
    slow.hold(gate)
    try:
        answer = _answerer(news, slow, timeout=0.5).answer("How much did the bridge repairs cost?")
    finally:
        gate.set()
    assert answer.note is not None and answer.note.startswith("LLM unavailable (timed out)")
    assert "84 million" in answer.answer


def test_a_hung_llm_is_abandoned_after_the_timeout_and_named_in_the_log(
    news: NewsIndex, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    with FakeOpenAI() as server:
        server.hang()
        settings = Settings(
            home=tmp_path,
            llm="openai:local-model",
            openai_base_url=server.base_url,
            llm_timeout=1,
        )
        with caplog.at_level(logging.WARNING, logger="bot.answer.llm"):
            answer = build_answerer(settings, news).answer("How much did the bridge repairs cost?")
        assert answer.note is not None and "timed out" in answer.note
        assert "84 million" in answer.answer
        # The log says what timed out and after how long (a bare TimeoutError says nothing).
        warning = caplog.records[-1].getMessage()
        assert "answer" in warning and "timed out after 1 s" in warning
        # Nothing left that keeps the process alive: the hung call is on a daemon thread, and
        # it is not retried in the background (the server saw one request, not a retry).
        waiting = [t for t in threading.enumerate() if t.name.startswith("llm")]
        assert waiting and all(t.daemon for t in waiting)
        assert server.arrived.wait(timeout=10)
        server.arrived.clear()
        assert not server.arrived.wait(timeout=2.5)
        assert len(server.requests) == 1


def test_follow_up_is_condensed_by_the_llm_with_the_history(news: NewsIndex):
    llm = FakeLLM().enqueue(
        "How much did the Harbour bridge repairs cost?", "They cost 84 million euros [1]."
    )
    history = [Turn("When will the Harbour bridge reopen?", "On 12 May [1].")]
    answer = _answerer(news, llm).answer("and how much did it cost?", history=history)
    condense_prompt, answer_prompt = llm.history
    assert "When will the Harbour bridge reopen?" in condense_prompt
    assert "How much did the Harbour bridge repairs cost?" in answer_prompt
    assert answer.standalone_question == "How much did the Harbour bridge repairs cost?"
    assert answer.answer == "They cost 84 million euros [1]."


def test_openai_compatible_server_wire_format(news: NewsIndex, tmp_path: Path):
    with FakeOpenAI() as server:
        server.replies.append("The repairs cost 84 million euros [1].")
        settings = Settings(
            home=tmp_path,
            llm="openai:local-model",
            openai_base_url=server.base_url,
            openai_api_key="sk-test",
            llm_timeout=10,
        )
        answer = build_answerer(settings, news).answer("How much did the bridge repairs cost?")
    assert answer.answer == "The repairs cost 84 million euros [1]."
    assert answer.citations and "84 million" in answer.citations[0].quote
    request = server.requests[-1]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    assert request["body"]["model"] == "local-model"
    content = request["body"]["messages"][-1]["content"]
    assert "[1] (" in content and "How much did the bridge repairs cost?" in content
