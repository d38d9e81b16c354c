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
from bot.answer.spans import vote
from bot.models import Answer, human_date

Analyse = Callable[..., Analysis]
EARLIER = 2  # older reports shown
FLOOR = 0.8  # evidence scores at least 80% of the best sentence
POOL = 30
EARLIER_LABEL = "Earlier reporting"
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
        picks = pick_newest(found)
        if not picks:
            return None
        lead = picks[0]
        assert lead.date is not None
        short = _short(found, lead)
        head = f"As of {human_date(lead.date)}: {short} [{{n}}]"
        return shaped_answer(request, head, short, lead, picks, found.probability)

    def _topic_analysis(self, request: FormRequest) -> Analysis:
        topic = " ".join(RECENCY.sub(" ", request.standalone).split()).strip(" ?,.-")
        if self._analyse is None or not topic_terms(topic, RECENCY) or topic == request.standalone:
            return request.found
        found: Analysis = self._analyse(topic, since=request.since, until=request.until)
        return found if found.ranked else request.found


def pick_newest(found: Analysis) -> list[Pick]:
    """The newest dated sentence among those that match well, then the best sentence of up to
    EARLIER older stories, newest first; [] when none of them is dated."""
    ranked = found.ranked[:POOL]
    if not ranked:
        return []
    floor = ranked[0].score * FLOOR
    stories = story_dates(found.passages)
    evidence = [(dated(s.passage, s.span, stories), s) for s in ranked if s.score >= floor]
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


def _short(found: Analysis, lead: Pick) -> str:
    """The name, number or date the question asks for, from the newest sentence ("how many
    are out of work now?"); else the head of that sentence."""
    q = found.question
    if found.short is not None and found.short.text in lead.text:
        return found.short.text  # the factoid path's pick, when the newest sentence holds it
    if q.expects in TYPED:
        votes = vote(
            q.expects, [lead.text], [lead.score], [lead.passage.story_id], q.asked, found.weights
        )
        if votes:
            return votes[0].span.text
    return gist(lead.text)
