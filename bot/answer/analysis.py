"""What the answerer works out for one question, and what it needs from the index side.

Shared by the factoid path (`bot.answer.extractive`) and the answer forms (`bot.answer.forms`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from bot.answer.question import Question
from bot.answer.scoring import Scored
from bot.answer.spans import Span, Vote
from index.api import Passage


class PassageSource(Protocol):
    """What the answerer needs from the index side."""

    def search(
        self,
        question: str,
        *,
        k: int = 5,
        since: date | None = None,
        until: date | None = None,
        per_story: int = 2,
        novelty: float = 0.3,
        outlets: Sequence[str] | None = None,
    ) -> list[Passage]: ...


@dataclass
class Analysis:
    """Everything the answerer worked out for one question (the bench reads the signals)."""

    question: Question
    passages: list[Passage] = field(default_factory=list)
    ranked: list[Scored] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)  # question terms, by rarity
    lead: Scored | None = None
    short: Span | None = None
    votes: list[Vote] = field(default_factory=list)
    signals: dict[str, float] = field(default_factory=dict)
    probability: float = 0.0
    reason: str = ""  # why it abstains, when it does
