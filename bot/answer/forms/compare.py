"""Comparison: one cited line per named outlet or side, each from that side's own evidence.

"How did the Guardian and ESPN describe the match?" gets a line for the Guardian quoting a
Guardian article and one for ESPN quoting ESPN; a side the articles have nothing on is named
with "Nothing on this in ESPN." rather than left out.
"""

from __future__ import annotations

from bot.answer.forms.base import FormRequest, compose_text
from bot.answer.forms.side_evidence import Evidence, SourceIndex, cite, gather, line, sides_of
from bot.models import Answer

HEAD = "Side by side:"


class Comparison:
    """Answers "X vs Y" questions with one line per side."""

    def __init__(self, index: SourceIndex, head: str = HEAD) -> None:
        self._index = index
        self._head = head

    def compose(self, request: FormRequest) -> Answer | None:
        """One line per side; None when the question names fewer than two sides or the
        articles have nothing on any of them."""
        sides = sides_of(self._index, request.standalone)
        if len(sides) < 2:
            return None
        evidence = gather(self._index, request, sides)
        return side_by_side(request, evidence, self._head)


def side_by_side(request: FormRequest, evidence: list[Evidence], head: str) -> Answer | None:
    """The answer with one line per side (in the question's order), or None if none has any."""
    if all(e.best is None for e in evidence):
        return None
    citations, numbers, _ = cite(evidence)
    lines = [line(e, n) for e, n in zip(evidence, numbers, strict=True)]
    short = next(ln.text for ln in lines if ln.n)
    return Answer(
        question=request.question,
        answer=compose_text(head, lines),
        abstained=False,
        short_answer=short,
        kind=request.kind,
        confidence=round(request.found.probability, 3),
        citations=citations,
        lines=lines,
        standalone_question=request.rewritten,
    )
