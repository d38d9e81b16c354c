"""The answer contract shared by the answerer, the CLI and the Slack adapter (see DESIGN.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from pydantic import BaseModel, Field


class Citation(BaseModel):
    """One numbered source of an answer: a verbatim quote from one cleaned article."""

    n: int
    source: str = Field(description="File name or URL of the article.")
    title: str = ""
    outlet: str | None = None
    published: str | None = Field(default=None, description="ISO date, e.g. 2025-04-10.")
    quote: str = Field(description="Verbatim passage from the cleaned article text.")
    score: float = 0.0
    also_reported_by: list[str] = Field(
        default_factory=list, description="Other outlets/sources carrying the same story."
    )
    passage: str = Field(default="", description="The whole retrieved passage the quote sits in.")


class ConflictVersion(BaseModel):
    """One value reported for the asked quantity, with the citation that carries it."""

    value: str
    n: int


class Conflict(BaseModel):
    """Sources that give different values for what the question asks."""

    about: str
    versions: list[ConflictVersion]


class AnswerLine(BaseModel):
    """One line of a shaped answer: a dated event, a speaker's words, or one source's account."""

    text: str = Field(description="Verbatim article text, or a short note ('nothing on this').")
    n: list[int] = Field(default_factory=list, description="Citations the line rests on.")
    date: str | None = Field(default=None, description="ISO date of the event or report.")
    label: str | None = Field(default=None, description="Speaker, outlet or side of the line.")

    def as_text(self, bold: Callable[[str], str] = str, escape: Callable[[str], str] = str) -> str:
        """'27 Feb 2025 — Reuters: text [1]'; `bold` styles the date and label, `escape` the
        article text (Slack mrkdwn)."""
        head = [bold(human_date(self.date))] if self.date else []
        text = escape(self.text) + "".join(f" [{n}]" for n in self.n)
        if self.label:
            text = f"{bold(escape(self.label))}: {text}"
        return " — ".join([*head, text])


def human_date(iso: str) -> str:
    """'2025-02-27' -> '27 Feb 2025' (an unparsable value is returned as it is)."""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day:%b %Y}"


class Answer(BaseModel):
    """What the bot says to a question; serialised as the DESIGN.md answer JSON."""

    question: str
    answer: str
    abstained: bool
    short_answer: str | None = Field(
        default=None,
        description="The span that answers (name, date, number, place, phrase), verbatim from "
        "a cited quote; None when abstaining.",
    )
    kind: str = Field(default="factoid", description="What the question asks for, e.g. factoid.")
    confidence: float | None = Field(
        default=None, description="Calibrated probability that the articles answer this."
    )
    citations: list[Citation] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    lines: list[AnswerLine] = Field(
        default_factory=list,
        description="The structure of a shaped answer (timeline, speakers, sources side by "
        "side), one entry per bullet of `answer`; empty for a plain answer.",
    )
    related: list[Citation] = Field(
        default_factory=list,
        description="Closest passages when abstaining: related reading, not an answer.",
    )
    note: str | None = Field(default=None, description="One-line remark, e.g. an LLM fallback.")
    standalone_question: str | None = Field(
        default=None, description="The question as rewritten from the conversation, if it was."
    )


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation: what was asked and what was answered."""

    question: str
    answer: str = ""


class Answerer(Protocol):
    """Anything that answers a question about the articles (extractive or LLM-backed)."""

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        since: date | None = None,
        until: date | None = None,
    ) -> Answer:
        """Answer `question`, using earlier turns of the conversation for follow-ups."""
        ...
