"""Answers shaped by the kind of question: one module per form, registered by kind.

A form gets the factoid analysis of the question (passages, ranked sentences, the calibrated
decision) and the index, and returns an `Answer` whose `lines` carry its structure (dated
events, speakers' words, one line per source), or None to leave the question to the factoid
path. Forms stay extractive: every line is verbatim article text with its citation.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.answer.analysis import Analysis, PassageSource
from bot.answer.forms.base import Form, FormRequest, compose_text
from bot.answer.forms.compare import Comparison
from bot.answer.forms.latest import LatestForm
from bot.answer.forms.side_evidence import SourceIndex
from bot.answer.forms.speech import SpeechForm
from bot.answer.forms.temporal import Temporal
from bot.answer.forms.timeline import TimelineForm
from bot.answer.forms.yesno import YesNo

__all__ = ["Form", "FormRequest", "compose_text", "default_forms"]


def default_forms(
    index: PassageSource, analyse: Callable[..., Analysis] | None = None
) -> dict[str, Form]:
    """The forms the default answerer uses, by question kind (see `bot.answer.kinds`);
    `analyse`: the answerer's analysis, for a form that re-reads the question's topic."""
    forms: dict[str, Form] = {
        "overview": TimelineForm(index),
        "latest": LatestForm(index, analyse),
        "quote": SpeechForm(index),
    }
    if isinstance(index, SourceIndex):  # side by side needs a search per outlet
        forms |= {
            "comparison": Comparison(index),
            "temporal": Temporal(index),
            "yesno": YesNo(index),
        }
    return forms
