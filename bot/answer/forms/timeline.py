"""Overview questions ("what happened in X", "catch me up on X") as a dated timeline.

The sentences that best match the question, across the stories found, one line per event (a
story on a date), then a second line for a story where there are few events, in date order
(undated lines last); each line cites its story and carries the event's date written out.
Whether the articles cover the question at all is the factoid path's calibrated decision.
"""

from __future__ import annotations

from bot.answer.analysis import Analysis, PassageSource
from bot.answer.forms.base import FormRequest
from bot.answer.forms.evidence import (
    Pick,
    calibrated,
    dated,
    flag_conflicts,
    gist,
    near_copy,
    shaped_answer,
    stems_of,
    story_dates,
)
from bot.models import Answer

MAX_LINES = 5
MIN_LINES = 3  # fewer events than this: a second sentence of a story may join
FLOOR = 0.75  # a line scores at least 75% of the best sentence
POOL = 30  # ranked sentences considered


class TimelineForm:
    """Answers overview questions with dated lines, one per event, in date order."""

    def __init__(self, index: PassageSource) -> None:
        del index  # the factoid search (12 passages, 6 a story) already spans the stories

    def compose(self, request: FormRequest) -> Answer | None:
        """The timeline, or None when the factoid path would abstain (it then says so)."""
        found = request.found
        if not calibrated(found):
            return None
        picks = pick_events(found)
        if not picks:
            return None
        lead = picks[0]
        # Date order, undated lines last; the sort is stable, so ties keep the ranking's order.
        lines = sorted(picks, key=lambda p: (p.date is None, p.date or ""))
        short = gist(lead.text)
        answer = shaped_answer(request, f"{short} [{{n}}]", short, lead, lines, found.probability)
        return flag_conflicts(answer, found, lines)


def pick_events(found: Analysis) -> list[Pick]:
    """The lines of a timeline, best first: the best sentence of each (story, date), then
    second sentences of the stories while there are fewer than MIN_LINES."""
    ranked = found.ranked[:POOL]
    if not ranked:
        return []
    floor = ranked[0].score * FLOOR
    stories = story_dates(found.passages)
    picks: list[Pick] = []
    taken: list[frozenset[str]] = []
    per_story: dict[str, int] = {}
    events: set[tuple[str, str | None]] = set()
    for second in (False, True):
        for s in ranked:
            if len(picks) >= MAX_LINES or (second and len(picks) >= MIN_LINES):
                break
            if s.score < floor:
                break
            day = dated(s.passage, s.span, stories)
            event = (s.passage.story_id, day)
            if not second and event in events:
                continue  # one line per event first
            if second and per_story.get(event[0], 0) >= 2:
                continue
            stems = stems_of(s.text)
            if any(near_copy(stems, t) for t in taken):
                continue
            picks.append(Pick(s.passage, s.span, s.score, day))
            taken.append(stems)
            events.add(event)
            per_story[event[0]] = per_story.get(event[0], 0) + 1
    return picks
