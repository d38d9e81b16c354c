"""Yes/no questions, extractive: the evidence, and a plain statement that no verdict is given.

Without an LLM the bot does not judge yes or no (a sentence that merely shares the question's
words would read as a "yes"). A yes/no question that sets sources against each other ("Does
the Guardian say X while ESPN says Y?") gets one line per side, as a comparison does; any other
gets the factoid path's lead sentence and its calibrated decision to answer or abstain.
"""

from __future__ import annotations

from bot.answer.citations import Used, build_citations, normalise_space
from bot.answer.forms.base import FormRequest
from bot.answer.forms.compare import side_by_side
from bot.answer.forms.side_evidence import SourceIndex, gather, sides_of
from bot.models import Answer

NO_VERDICT = "No yes/no verdict without an LLM; this is what the articles say."
HEAD = "What each source says (no yes/no verdict without an LLM):"


class YesNo:
    """Shows the evidence for a yes/no question and says it does not judge."""

    def __init__(self, index: SourceIndex) -> None:
        self._index = index

    def compose(self, request: FormRequest) -> Answer | None:
        """Side by side when the question names two or more sides, else the lead sentence
        with a note; None when the factoid path would abstain."""
        sides = sides_of(self._index, request.standalone)
        if len(sides) >= 2:
            shaped = side_by_side(request, gather(self._index, request, sides), HEAD)
            if shaped is not None:
                return shaped
        found = request.found
        if found.lead is None or found.reason:
            return None
        lead = found.lead
        citations, (n,) = build_citations([Used(lead.passage, lead.span, lead.score)])
        text = normalise_space(lead.text)
        short = normalise_space(found.short.text) if found.short is not None else text
        return Answer(
            question=request.question,
            answer=f"{short} [{n}]: {text}",
            abstained=False,
            short_answer=short,
            kind=request.kind,
            confidence=round(found.probability, 3),
            citations=citations,
            note=NO_VERDICT,
            standalone_question=request.rewritten,
        )
