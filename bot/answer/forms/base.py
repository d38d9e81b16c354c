"""What a form receives and returns, and how its lines become the answer text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.answer.analysis import Analysis
from bot.models import Answer, AnswerLine


@dataclass(frozen=True)
class FormRequest:
    """One question for a form: as asked, as made standalone, and what the factoid path found."""

    question: str  # as the user asked it (the Answer's `question`)
    standalone: str  # made standalone from the conversation; what to search for
    rewritten: str | None  # `standalone` when it differs from `question` (Answer field)
    kind: str  # from `bot.answer.kinds.question_kind`
    found: Analysis
    since: date | None = None
    until: date | None = None


class Form(Protocol):
    """Answers one kind of question in its own shape."""

    def compose(self, request: FormRequest) -> Answer | None:
        """The shaped answer, or None to leave the question to the factoid path."""
        ...


def compose_text(head: str, lines: Sequence[AnswerLine]) -> str:
    """The answer text of a shaped answer: a head line, then one bullet per line.

    >>> compose_text("Timeline:", [AnswerLine(text="Talks opened.", n=[1], date="2025-02-27")])
    'Timeline:\\n• 27 Feb 2025 — Talks opened. [1]'
    """
    return "\n".join([head, *(f"• {line.as_text()}" for line in lines)])
