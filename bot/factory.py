"""Builds the answerer the settings ask for: extractive by default, an LLM when configured."""

from __future__ import annotations

from bot.answer.extractive import ExtractiveAnswerer
from bot.models import Answerer
from bot.settings import Settings
from index.api import NewsIndex


def build_answerer(settings: Settings, index: NewsIndex) -> Answerer:
    """The default, offline answerer over `index`."""
    return ExtractiveAnswerer(index=index, k=max(settings.top_k, 10))
