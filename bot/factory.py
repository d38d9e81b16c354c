"""Builds the answerer the settings ask for: extractive by default, an LLM when configured."""

from __future__ import annotations

from typing import Any

from bot.answer.extractive import ExtractiveAnswerer
from bot.llm import make_llm
from bot.models import Answerer
from bot.settings import Settings
from index.api import NewsIndex


def build_answerer(settings: Settings, index: NewsIndex, *, llm: Any = None) -> Answerer:
    """Extractive over `index`; with an LLM (given, or from NEWSBOT_LLM), LLM synthesis on top."""
    # Sentences are picked from twice the passages shown, copies of one story included.
    extractive = ExtractiveAnswerer(index=index, k=2 * max(settings.top_k, 1) + 2)
    llm = llm if llm is not None else make_llm(settings)
    if llm is None:
        return extractive
    from bot.answer.llm import LLMAnswerer

    return LLMAnswerer(
        index=index, llm=llm, fallback=extractive, timeout=settings.llm_timeout, k=settings.top_k
    )
