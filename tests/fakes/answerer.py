"""A fake `Answerer`: canned answers with citations, a record of every call, optional gate/error."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.models import Answer, Citation, Turn

QUOTE = "Russian and US diplomats met in Istanbul on Thursday for talks on embassy operations."


def canned_answer(question: str, *, quote: str = QUOTE) -> Answer:
    """An answer to `question` with two numbered sources, one carried by several outlets."""
    return Answer(
        question=question,
        answer=f"Diplomats met in Istanbul to discuss embassy operations [1]. ({question}) [2]",
        abstained=False,
        citations=[
            Citation(
                n=1,
                source="https://example.com/istanbul-talks",
                title="Talks in Istanbul",
                outlet="Example News",
                published="2025-02-27",
                quote=quote,
                also_reported_by=["Wire Service", "Daily Paper"],
            ),
            Citation(
                n=2,
                source="seed-2.txt",
                title="Second round",
                outlet="Another Outlet",
                published="2025-04-10",
                quote="The second round lasted six hours.",
            ),
        ],
    )


def many_sources_answer(sources: int = 60, quote_chars: int = 2_000) -> Answer:
    """A very long answer citing many long quotes: more than Slack's limits allow at once."""
    citations = [
        Citation(
            n=n,
            source=f"https://example.com/{n}",
            title=f"Article {n} " + "T" * 200,
            outlet="Outlet & Co",
            published="2025-04-10",
            quote=("word " * quote_chars)[:quote_chars],
            also_reported_by=["Other"] * 5,
        )
        for n in range(1, sources + 1)
    ]
    text = " ".join(f"Sentence {n} of a long answer [{n}]." for n in range(1, sources + 1))
    return Answer(question="long?", answer=(text + " ") * 20, abstained=False, citations=citations)


@dataclass(frozen=True)
class AnswerCall:
    """What the fake was asked."""

    question: str
    history: tuple[Turn, ...]
    thread: str


class FakeAnswerer:
    """Answers with `make(question)`; records calls; `gate` holds answers back until set."""

    def __init__(
        self,
        make: Callable[[str], Answer] = canned_answer,
        *,
        error: Exception | None = None,
        gate: threading.Event | None = None,
    ) -> None:
        self.make = make
        self.error = error
        self.gate = gate
        self.calls: list[AnswerCall] = []
        self._cond = threading.Condition()

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        since: date | None = None,
        until: date | None = None,
    ) -> Answer:
        """Record the call, wait for the gate if any, then answer (or raise `error`)."""
        with self._cond:
            self.calls.append(AnswerCall(question, tuple(history), threading.current_thread().name))
            self._cond.notify_all()
        if self.gate is not None and not self.gate.wait(timeout=30):
            raise TimeoutError("the test never opened the gate")
        if self.error is not None:
            raise self.error
        return self.make(question)

    def questions(self) -> list[str]:
        """The questions asked so far."""
        with self._cond:
            return [c.question for c in self.calls]

    def wait_for_calls(self, count: int, timeout: float = 10.0) -> list[AnswerCall]:
        """Block until `count` calls were made."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.calls) >= count, timeout):
                raise AssertionError(f"answerer called {len(self.calls)}/{count} times")
            return list(self.calls)
