"""Each side's own evidence: a search per side (its outlet only, its dates), its best sentence.

Shared by the comparison, temporal and yes/no forms. Two sides never cite the same story: the
sentences are assigned so that together they score best. A side whose best sentence is too far
from its clause has nothing on it, and the answer says so for that side.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol, runtime_checkable

from bot.answer import scoring
from bot.answer.analysis import PassageSource
from bot.answer.citations import Used, build_citations, normalise_space
from bot.answer.forms.base import FormRequest
from bot.answer.forms.evidence import parse_iso
from bot.answer.forms.sides import (
    Side,
    day_window,
    entity_sides,
    outlet_sides,
    topic,
    undated,
)
from bot.answer.question import Question
from bot.answer.scoring import Scored
from bot.answer.text import content_terms, stem, words
from bot.models import AnswerLine, Citation
from index.api import MONTHS, Passage

K = 6  # passages per side
ALSO_K = 8  # passages searched for other reports on the matter
CHOICES = 4  # stories per side tried in the assignment
MIN_SEMANTIC = 0.3  # a side's sentence at least this close to its clause, or nothing on it
MIN_COVERAGE = 0.15  # ... or holding this share of its words (weighted by rarity)
SHORT_QUOTE = 60  # a sentence shorter than this is quoted with the one after it
PAIR_RATIO = 0.7  # a side's quote takes in the sentence next to its best when that one is
# this close to the clause on its own words and meaning (`_own`)
PAIR_CHARS = 500  # ... and the two together are no longer than this


@runtime_checkable
class SourceIndex(PassageSource, Protocol):
    """An index that also knows which outlets a text names (and so can search each one's
    articles: `search(..., outlets=...)`)."""

    def named_outlets(self, text: str) -> list[str]: ...


@dataclass(frozen=True)
class Evidence:
    """A side and its best sentence (None: the articles have nothing on it for that side)."""

    side: Side
    best: Scored | None


# Answer types of a question that asks for one thing (a name, a number), whatever sides it names.
ONE_THING = frozenset({"person", "org", "place", "number", "money", "duration"})
# A question opening with one of these asks yes or no, whatever wh-word it holds later.
_AUXILIARY = re.compile(
    r"\s*(?:is|are|was|were|did|does|do|has|have|had|will|would|can|could|should)\b", re.I
)


def sides_of(index: SourceIndex, question: str) -> list[Side]:
    """The sides a question sets against each other: its named outlets, else two entities;
    none for a question that asks for a name or a number ("which company did X and Y ...")."""
    parsed = Question(question)
    if parsed.expects in ONE_THING and not _AUXILIARY.match(question):
        return []
    return outlet_sides(question, index.named_outlets(question)) or entity_sides(question)


def gather(index: SourceIndex, request: FormRequest, sides: list[Side]) -> list[Evidence]:
    """Each side's best sentence, no two from one story."""
    options = [_options(index, request, side) for side in sides]
    best_total = -1.0
    best_pick: list[Scored | None] = [None] * len(sides)
    choices: list[list[Scored | None]] = [[None, *opts[:CHOICES]] for opts in options]
    for pick in itertools.product(*choices):
        stories = [s.passage.story_id for s in pick if s is not None]
        if len(stories) != len(set(stories)):
            continue
        total = sum(s.score + 1.0 for s in pick if s is not None)  # +1: a side with any beats none
        if total > best_total:
            best_total, best_pick = total, list(pick)
    return [Evidence(side, best) for side, best in zip(sides, best_pick, strict=True)]


def cite(
    evidence: Sequence[Evidence], extra: Sequence[Scored] = ()
) -> tuple[list[Citation], list[int | None], list[int]]:
    """Citations for the sides that have a sentence and for `extra` sentences (one per story);
    each side's number (None: nothing on it) and each extra sentence's."""
    found = [e.best for e in evidence if e.best is not None]
    used = [Used(s.passage, quote_span(s), s.score) for s in [*found, *extra]]
    citations, numbers = build_citations(used)
    it = iter(numbers[: len(found)])
    sides = [next(it) if e.best is not None else None for e in evidence]
    return citations, sides, numbers[len(found) :]


def also_reported(
    index: SourceIndex,
    request: FormRequest,
    evidence: Sequence[Evidence],
    ratio: float,
    most: int,
) -> list[Scored]:
    """Up to `most` dated sentences on the question's matter from stories no side cites, each
    scoring at least `ratio` of the best found (other reports on the same matter).

    From the whole question's passages and from a search of its topic alone (no outlets, dates
    or words about the reporting, one passage per story): reports the question does not name."""
    pools = [request.found.ranked]
    outlets = list(dict.fromkeys(e.side.outlet for e in evidence if e.side.outlet))
    query = topic(request.standalone, outlets)
    if outlets and content_terms(query):  # without outlets the topic is the question again
        passages = index.search(
            query, k=ALSO_K, since=request.since, until=request.until, per_story=1, novelty=0.0
        )
        pools.append(_ranked(Question(query), passages, frozenset(), identified=False))
    # Each pool's sentences against its own best (scores of two queries are not comparable);
    # a pool whose best scores nothing (a repeat penalty can make it negative) offers nothing.
    relative = sorted(
        (
            (s.score / pool[0].score, i, s)
            for pool in pools
            if pool and pool[0].score > 0
            for i, s in enumerate(pool)
        ),
        key=lambda t: (-t[0], t[1]),
    )
    cited = {e.best.passage.story_id for e in evidence if e.best is not None}
    # Another report is on the matter if it holds one of the question's words besides its
    # months ("frost so late in April" is no report on the April ferry talks).
    matter = set(content_terms(" ".join(w for w in query.split() if w.lower() not in MONTHS)))
    out: list[Scored] = []
    for share, _, s in relative:
        if share < ratio or len(out) >= most:
            break
        held = {stem(w) for w in words(s.text)}
        if s.passage.story_id not in cited and s.passage.published and matter & held:
            out.append(s)
            cited.add(s.passage.story_id)
    return out


def line(e: Evidence, n: int | None, *, dated: bool = True) -> AnswerLine:
    """The side's sentence with its citation, or a note that it has nothing on this."""
    if e.best is None or n is None:
        where = "the articles" if e.side.outlet is None else e.side.label
        return AnswerLine(text=f"Nothing on this in {where}.", label=e.side.label)
    a, b = quote_span(e.best)
    text = normalise_space(e.best.passage.text[a:b])
    return AnswerLine(
        text=text,
        n=[n],
        date=(e.best.passage.published or None) if dated else None,
        label=e.side.label if e.side.outlet else as_written(e.side.label, text),
    )


def as_written(label: str, text: str) -> str:
    """A side typed in lower case ("moscow"), as the quoted sentence writes it ("Moscow").

    >>> as_written("moscow", "Moscow called the talks useful.")
    'Moscow'
    """
    if label != label.lower():
        return label
    m = re.search(r"(?<!\w)" + re.escape(label) + r"(?!\w)", text, re.IGNORECASE)
    # Only a name capitalised throughout: "Central bank" at a sentence's start is no name.
    if m is None or not all(w[:1].isupper() for w in m.group(0).split()):
        return label
    return m.group(0)


def quote_span(s: Scored) -> tuple[int, int]:
    """The sentence, or a short sentence with the one after it (one thought split in two)."""
    a, b = s.span
    if b - a >= SHORT_QUOTE:
        return a, b
    spans = s.passage.sentences
    later = [span for span in spans if span[0] >= b]
    return (a, later[0][1]) if later else (a, b)


def _options(index: SourceIndex, request: FormRequest, side: Side) -> list[Scored]:
    """The side's candidate sentences, best first, one per story, close enough to its clause.

    Searched on the day the question gives for the side's report first (there, an outlet's
    article of that day is taken even when its words are far from the question's), then
    without it, then without the years the clause names."""
    since, until = request.since, request.until
    attempts: list[tuple[str, date | None, date | None, bool]] = []
    if side.day is not None and since is None and until is None:
        attempts.append((side.query, *day_window(side.day), side.outlet is not None))
    attempts.append((side.query, since, until, False))
    if undated(side.query) != side.query:
        attempts.append((undated(side.query), since, until, False))
    outlets = [side.outlet] if side.outlet else None
    for query, lo, hi, identified in attempts:
        passages = index.search(query, k=K, since=lo, until=hi, outlets=outlets, novelty=0.0)
        found = _ranked(Question(side.query), passages, side.terms, identified)
        days = [parse_iso(s.passage.published) for s in found]
        if side.month is not None:  # "the february round": reports of that month
            found = [s for s, d in zip(found, days, strict=True) if d and d.month == side.month]
        elif identified and side.day is not None:
            # The window spans a day either side (time zones); when a report of the very day
            # the question gives is there, it is the one meant.
            found = [s for s, d in zip(found, days, strict=True) if d == side.day] or found
        if found:
            return found
    return []


def _ranked(
    question: Question, passages: list[Passage], terms: frozenset[str], identified: bool
) -> list[Scored]:
    """Best sentence per story, best first; `identified`: the search already singled out the
    side's report (its outlet and day), so no closeness to the question is asked."""
    cands = scoring.candidates(passages)
    weights = scoring.term_weights(question, [c.stems for c in cands])
    ranked = scoring.rank(question, cands, passages, weights)
    if terms:  # a side that is not an outlet: its sentences name it
        ranked = [s for s in ranked if _names(s, terms)] or ranked
    out: list[Scored] = []
    stories: set[str] = set()
    for s in ranked:
        if s.passage.story_id in stories or not (identified or _relevant(s)):
            continue
        stories.add(s.passage.story_id)
        out.append(_with_neighbour(s, ranked))
    return out


def _with_neighbour(best: Scored, ranked: list[Scored]) -> Scored:
    """The best sentence, widened to the sentence before or after it when that one is nearly as
    good: a report's point often takes two sentences, and which of the two a clause paraphrases
    is a close call between near-equal scores."""
    spans = best.passage.sentences
    if best.span not in spans:
        return best
    i = spans.index(best.span)
    near = {spans[j] for j in (i - 1, i + 1) if 0 <= j < len(spans)}
    beside = [
        s
        for s in ranked
        if s.passage.chunk_id == best.passage.chunk_id
        and s.span in near
        and _own(s) >= _own(best) * PAIR_RATIO
    ]
    if not beside:
        return best
    other = max(beside, key=_own)
    a, b = min(best.span[0], other.span[0]), max(best.span[1], other.span[1])
    if b - a > PAIR_CHARS:
        return best
    return replace(best, span=(a, b), text=best.passage.text[a:b])


def _own(s: Scored) -> float:
    """A sentence's closeness to the clause on its own words (no credit from its neighbours,
    which for a sentence next to the best one would be the best one's words)."""
    return s.semantic + s.coverage


def _relevant(s: Scored) -> bool:
    """Close in meaning to the side's clause, or holding some of its words."""
    return s.semantic >= MIN_SEMANTIC or s.coverage >= MIN_COVERAGE


def _names(s: Scored, terms: frozenset[str]) -> bool:
    """Does the sentence (or its passage's title) hold one of the side's words? Prefixes count,
    so 'Russia' names the 'Russian' side."""
    held = {stem(w) for w in words(f"{s.text} {s.passage.title}")}
    return any(t in held or any(h[:5] == t[:5] for h in held if len(t) >= 5) for t in terms)
