""" "Latest" questions: the newest dated evidence leads, with its date; older reporting follows.

The question is analysed again without its recency words ("what is the latest on the talks" is
about "the talks"), so a vague topic is not judged on the word "latest" the articles never use;
whether to answer stays the calibrated decision on that topic. Of the sentences that match it
well, the newest dated one leads ("As of 10 Apr 2025: ..."); the best sentence of each older
report follows as earlier reporting, newest first. With no dated evidence, the factoid path
answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from bot.answer.analysis import Analysis, PassageSource
from bot.answer.forms.base import FormRequest
from bot.answer.forms.evidence import (
    Pick,
    calibrated,
    dated,
    gist,
    near_copy,
    shaped_answer,
    stems_of,
    story_dates,
    topic_terms,
)
from bot.models import Answer, human_date

Analyse = Callable[..., Analysis]
EARLIER = 2  # older reports shown
FLOOR = 0.8  # evidence scores at least 80% of the best sentence
POOL = 30
EARLIER_LABEL = "Earlier reporting"
# Asking for the state of things now, not only naming recent reports ("recently reviewed").
NOW = re.compile(
    r"\b(?:latest|newest|newer|now|currently|current|still|today|this week|any updates?|"
    r"anything new|so far|at the moment)\b",
    re.IGNORECASE,
)
TYPED = frozenset({"person", "org", "date", "number", "money", "duration", "place"})
RECENCY = re.compile(
    r"\b(?:(?:what(?:'s| is| are)?|any|anything)\s+(?:the\s+)?)?(?:latest|newest|most recent|"
    r"recent(?:ly)?|current(?:ly)?|right now|now|still|news|new|updates?|so far|as of now|"
    r"at the moment|this (?:week|month|morning)|today|status)\b(?:\s+(?:on|with|about|of|in))?",
    re.IGNORECASE,
)


class LatestForm:
    """Answers "latest" questions newest first, dates said."""

    def __init__(self, index: PassageSource, analyse: Analyse | None = None) -> None:
        del index
        self._analyse = analyse  # the answerer's own analysis, run on the question's topic

    def compose(self, request: FormRequest) -> Answer | None:
        """The newest evidence and earlier reporting; None without dated evidence or when the
        calibrated decision finds the articles off the question."""
        found = self._topic_analysis(request)
        if not calibrated(found):
            return None
        # A name, number or date question ("which company, recently reviewed by ...") keeps
        # the factoid path's answer, dated, with the newest reports that give it; when it asks
        # for the state now ("who is leading it now") and newer reports do not give that
        # answer, they lead, as for any other question.
        asked = request.found
        picks = pick_newest(found)
        short = None
        if asked.question.expects in TYPED and asked.short is not None:
            held = pick_newest(found, asked.short.text)
            now = NOW.search(request.standalone) is not None
            if held and (not now or not picks or str(held[0].date) >= str(picks[0].date)):
                picks, short = held, asked.short.text
        if not picks:
            return None
        lead = picks[0]
        assert lead.date is not None
        short = short or gist(lead.text)
        head = f"As of {human_date(lead.date)}: {short} [{{n}}]"
        return shaped_answer(request, head, short, lead, picks, found.probability)

    def _topic_analysis(self, request: FormRequest) -> Analysis:
        topic = " ".join(RECENCY.sub(" ", request.standalone).split()).strip(" ?,.-")
        if self._analyse is None or not topic_terms(topic, RECENCY) or topic == request.standalone:
            return request.found
        found: Analysis = self._analyse(topic, since=request.since, until=request.until)
        return found if found.ranked else request.found


def pick_newest(found: Analysis, holding: str | None = None) -> list[Pick]:
    """The newest dated sentence among those that match well (that hold `holding`, when
    given), then the best sentence of up to EARLIER older stories, newest first; [] when none
    of them is dated."""
    ranked = found.ranked[:POOL]
    if not ranked:
        return []
    floor = ranked[0].score * FLOOR
    stories = story_dates(found.passages)
    good = [s for s in ranked if s.score >= floor]
    if holding is not None:
        held = [s for s in ranked if holding in s.text]
        good = [s for s in held if s.score >= floor] or held
    evidence = [(dated(s.passage, s.span, stories), s) for s in good]
    days = [d for d, _ in evidence if d]
    if not days:
        return []
    newest = max(days, key=date.fromisoformat)
    lead_day, lead = next((d, s) for d, s in evidence if d == newest)
    picks = [Pick(lead.passage, lead.span, lead.score, lead_day)]
    taken = [stems_of(lead.text)]
    reports = {lead.passage.story_id}  # earlier reporting: other stories, one line each
    older = sorted(
        ((d, s) for d, s in evidence if d and d < newest), key=lambda x: (x[0], x[1].score)
    )
    for day, s in reversed(older):
        if len(picks) > EARLIER:
            break
        stems = stems_of(s.text)
        if s.passage.story_id in reports or any(near_copy(stems, t) for t in taken):
            continue
        picks.append(Pick(s.passage, s.span, s.score, day, EARLIER_LABEL))
        taken.append(stems)
        reports.add(s.passage.story_id)
    return picks
