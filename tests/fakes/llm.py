"""A scripted LLM on llama-index's LLM interface: queue replies, read back the prompts."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from llama_index.core.llms import (
    CompletionResponse,
    CompletionResponseGen,
    CustomLLM,
    LLMMetadata,
)
from llama_index.core.llms.callbacks import llm_completion_callback
from pydantic import PrivateAttr


class FakeLLM(CustomLLM):
    """`enqueue(reply)` scripts the next answers; `history` holds every prompt it was sent.

    A queued Exception is raised instead of answered; an empty queue raises too, so a test
    notices an unexpected call. `gate` (a threading.Event) makes calls wait, for timeouts.
    """

    _replies: deque[Any] = PrivateAttr(default_factory=deque)
    _history: list[str] = PrivateAttr(default_factory=list)
    _gate: threading.Event | None = PrivateAttr(default=None)

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="fake", is_chat_model=False)

    @property
    def history(self) -> list[str]:
        return self._history

    def enqueue(self, *replies: Any) -> FakeLLM:
        self._replies.extend(replies)
        return self

    def hold(self, gate: threading.Event) -> None:
        self._gate = gate

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        self._history.append(prompt)
        if self._gate is not None:
            self._gate.wait(timeout=30)
        if not self._replies:
            raise AssertionError(f"FakeLLM got an unexpected prompt:\n{prompt[:500]}")
        reply = self._replies.popleft()
        if isinstance(reply, BaseException):
            raise reply
        return CompletionResponse(text=reply)

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        response = self.complete(prompt)

        def gen() -> CompletionResponseGen:
            yield response

        return gen()
