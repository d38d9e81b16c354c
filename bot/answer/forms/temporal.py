"""Temporal order: each side's dated passage, in date order, and which came first.

"Did the Verge report it before Wired?" and "which came first, the ipo or the merger?" get
both passages with their dates, earliest first, under a line that says which came first; a
side with no dated evidence is listed last and the order is not claimed.
"""

from __future__ import annotations

from bot.answer.citations import normalise_space
from bot.answer.forms.base import FormRequest, compose_text
from bot.answer.forms.side_evidence import (
    SourceIndex,
    also_reported,
    cite,
    gather,
    line,
    quote_span,
    sides_of,
)
from bot.models import Answer, AnswerLine, human_date

# Other reports on the matter join the timeline: at most two, each scoring at least 60% of the
# best sentence of its search (MultiHop dev: 0.5-0.7 and two gave the same; the third fact of a
# three-report question is usually a report the question does not name).
ALSO_RATIO = 0.6
ALSO_MOST = 2


class Temporal:
    """Answers before/after questions with the dated evidence of each side, in order."""

    def __init__(self, index: SourceIndex) -> None:
        self._index = index

    def compose(self, request: FormRequest) -> Answer | None:
        """Both (or all) sides' passages in date order; None with fewer than two sides, or
        fewer than two with dated evidence."""
        sides = sides_of(self._index, request.standalone)
        if len(sides) < 2:
            return None
        evidence = gather(self._index, request, sides)
        if sum(1 for e in evidence if e.best is not None and e.best.passage.published) < 2:
            return None  # undated articles cannot be put in order: the factoid answer instead
        extra = also_reported(self._index, request, evidence, ALSO_RATIO, ALSO_MOST)
        citations, numbers, more = cite(evidence, extra)
        own = _in_date_order([line(e, n) for e, n in zip(evidence, numbers, strict=True)])
        head = order_sentence(own)
        # Other dated reports on the same matter, from stories no side cites, join the
        # timeline (reporting between the two, or after them).
        also = [
            AnswerLine(
                text=normalise_space(s.passage.text[slice(*quote_span(s))]),
                n=[n],
                date=s.passage.published,
                label=f"also {s.passage.outlet or 'reported'}",
            )
            for s, n in zip(extra, more, strict=True)
        ]
        lines = _in_date_order([*own, *also])
        return Answer(
            question=request.question,
            answer=compose_text(head, lines),
            abstained=False,
            short_answer=next(ln.text for ln in own if ln.n),
            kind=request.kind,
            confidence=round(request.found.probability, 3),
            citations=citations,
            lines=lines,
            standalone_question=request.rewritten,
        )


def _in_date_order(lines: list[AnswerLine]) -> list[AnswerLine]:
    """Dated lines first, oldest first; the given order breaks ties and orders the rest."""
    return sorted(lines, key=lambda ln: (ln.date is None, ln.date or ""))


def order_sentence(lines: list[AnswerLine]) -> str:
    """'The Verge (24 Nov 2023) came first, then Wired (25 Nov 2023).' from lines in order.

    >>> order_sentence([AnswerLine(text="a", n=[1], date="2023-11-24", label="The Verge"),
    ...                 AnswerLine(text="b", n=[2], date="2023-11-25", label="Wired")])
    'The Verge (24 Nov 2023) came first, then Wired (25 Nov 2023):'
    """
    dated = [ln for ln in lines if ln.n and ln.date]
    if len(dated) < 2:
        return "The articles do not date both sides, so their order is not known:"
    first, *rest = dated
    if all(ln.date == first.date for ln in rest):
        return f"All reported on the same day, {human_date(first.date or '')}:"
    then = ", then ".join(f"{ln.label} ({human_date(ln.date or '')})" for ln in rest)
    return f"{first.label} ({human_date(first.date or '')}) came first, then {then}:"
