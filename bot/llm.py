"""LLMs from settings, through llama-index's integrations; never required."""

from __future__ import annotations

from typing import Any

from bot.settings import Settings
from index.api import NewsbotError


class LLMConfigError(NewsbotError):
    """NEWSBOT_LLM names a provider newsbot does not know or cannot load."""


def make_llm(settings: Settings) -> Any | None:
    """`openai:MODEL` (OPENAI_API_KEY, OPENAI_BASE_URL) or `ollama:MODEL`; None when unset."""
    spec = (settings.llm or "").strip()
    if not spec:
        return None
    provider, _, model = spec.partition(":")
    if not model:
        raise LLMConfigError(
            f"NEWSBOT_LLM={spec!r}: expected PROVIDER:MODEL, e.g. openai:gpt-4o-mini"
        )
    if provider == "openai":
        # OpenAILike speaks the OpenAI chat API to any server (OpenAI itself, vLLM, llama.cpp,
        # LM Studio) without requiring a model name OpenAI knows.
        from llama_index.llms.openai_like import OpenAILike

        return OpenAILike(
            model=model,
            api_base=settings.openai_base_url or "https://api.openai.com/v1",
            api_key=settings.openai_api_key or "not-needed",
            is_chat_model=True,
            context_window=16000,
            timeout=settings.llm_timeout,
            # One attempt: the answerer bounds each question by llm_timeout and falls back to the
            # extractive answer, so a retry would only keep a hung request alive in the background.
            max_retries=0,
            temperature=0.0,
        )
    if provider == "ollama":
        from llama_index.llms.ollama import Ollama

        return Ollama(
            model=model,
            base_url=settings.ollama_host or "http://localhost:11434",
            request_timeout=settings.llm_timeout,
            temperature=0.0,
        )
    raise LLMConfigError(f"NEWSBOT_LLM={spec!r}: unknown provider {provider!r} (openai, ollama)")
