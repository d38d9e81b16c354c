"""What the shaped answers share: event dates, the gist of a sentence, near copies, and how
picked sentences become cited lines of an `Answer`.

Dates come from the article's published date, refined by a date the sentence names when that
date is clearly the event being reported (within a week before publication: "met on Thursday"
in a Friday article); month and weekday names come from dateutil's parser tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.parser import parserinfo

from bot.answer.analysis import Analysis
from bot.answer.citations import Used, build_citations, normalise_space
from bot.answer.conflicts import find_conflict
from bot.answer.forms.base import FormRequest, compose_text
from bot.answer.text import DATE_RE, content_terms, stem, words
from bot.models import Answer, AnswerLine, Conflict, ConflictVersion
from index.api import Passage
from prompts import ABSTENTION

_INFO = parserinfo()
REPORT_WINDOW = 7  # days before publication in which a named date is the reported event
NEAR_COPY = 0.6  # word-set Jaccard above which two sentences tell the same thing
_YEAR_AFTER = re.compile(r"^,?\s+((?:19|20)\d\d)\b")
_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")
# "ISTANBUL, April 10, 2025 (BSS/AFP)- ", "LONDON (Reuters) - ", "Istanbul: "
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z .'’-]{2,}(?:,[^()]{0,40})?\s*(?:\([^)]{1,40}\))?\s*[-–—:]+\s*|[A-Z][a-z]+:\s+)"
)
_CLAUSE_END = re.compile(r",\s+(?:which|who|while|after|as|but|adding|saying|with)\b|;|\s[–—]\s")
GIST_WORDS = 22  # a gist longer than this is cut at a comma


@dataclass(frozen=True)
class Pick:
    """One sentence (or a few adjacent ones) chosen for a line of a shaped answer."""

    passage: Passage
    span: tuple[int, int]  # inside passage.text
    score: float
    date: str | None = None  # ISO date of the event or report
    label: str | None = None  # speaker, outlet, "Earlier reporting"

    @property
    def text(self) -> str:
        """The picked text, verbatim (whitespace normalised)."""
        a, b = self.span
        return normalise_space(self.passage.text[a:b])


# ---- dates -------------------------------------------------------------------------------
def parse_iso(value: str | None) -> date | None:
    """An ISO date (or datetime) string as a date; None when absent or unparsable."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def named_dates(sentence: str, published: date | None) -> list[date]:
    """The dates a sentence names ("April 10", "10 April 2025", "on Thursday", "yesterday"),
    resolved against the publication date (a weekday is the last one on or before it)."""
    out: list[date] = []
    for match in DATE_RE.finditer(sentence):
        found = _resolve(match.group(), sentence[match.end() :], published)
        if found is not None:
            out.append(found)
    return out


def _resolve(text: str, after: str, published: date | None) -> date | None:
    tokens = text.replace(".", "").split()
    low = text.lower()
    if low in {"today", "yesterday"}:
        if published is None:
            return None
        return published - timedelta(days=1 if low == "yesterday" else 0)
    weekday = _INFO.weekday(tokens[0]) if len(tokens) == 1 else None
    if weekday is not None and published is not None:
        return published - timedelta(days=(published.weekday() - weekday) % 7)
    month = next((m for m in map(_INFO.month, tokens) if m), None)
    day = next((int(m.group(1)) for t in tokens if (m := _DAY.match(t))), None)
    if month is None or day is None:
        return None
    year_match = _YEAR_AFTER.match(after)
    year = int(year_match.group(1)) if year_match else (published.year if published else None)
    if year is None:
        return None
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if not year_match and published is not None and found > published + timedelta(days=1):
        try:
            found = found.replace(year=year - 1)  # "December 30" in a January article
        except ValueError:
            return None
    return found


def event_date(sentence: str, published: str | None) -> str | None:
    """The date a line is shown with: the day the sentence names when it is clearly the event
    being reported (one date, within a week before publication), else the published date.

    >>> event_date("Diplomats met in Istanbul on Thursday.", "2025-02-28")
    '2025-02-27'
    >>> event_date("The first session was held on February 27.", "2025-04-10")
    '2025-04-10'
    """
    day = parse_iso(published)
    sentence = _DATELINE.sub("", sentence, count=1)  # "ISTANBUL, April 10 (AFP)-": the report's
    named = set(named_dates(sentence, day))
    if day is None:
        # An undated article: only a fully written date (with its year) dates the line.
        full = {
            d
            for m in DATE_RE.finditer(sentence)
            if _YEAR_AFTER.match(sentence[m.end() :])
            and (d := _resolve(m.group(), sentence[m.end() :], None))
        }
        return full.pop().isoformat() if len(full) == 1 else None
    if len(named) == 1:
        only = next(iter(named))
        if timedelta(0) <= day - only <= timedelta(days=REPORT_WINDOW):
            return only.isoformat()
    return day.isoformat()


def story_dates(passages: Iterable[Passage]) -> dict[str, str]:
    """The first published date of each story among `passages` (for its undated copies)."""
    out: dict[str, str] = {}
    for p in passages:
        day = parse_iso(p.published)
        if day is not None and (p.story_id not in out or day.isoformat() < out[p.story_id]):
            out[p.story_id] = day.isoformat()
    return out


def dated(passage: Passage, span: tuple[int, int], stories: dict[str, str]) -> str | None:
    """The date of a span of a passage: the article's own, or its story's when it has none."""
    a, b = span
    return event_date(passage.text[a:b], passage.published or stories.get(passage.story_id))


# ---- text --------------------------------------------------------------------------------
def gist(text: str) -> str:
    """The head of a sentence, verbatim: no dateline, cut before a trailing clause.

    >>> gist("ISTANBUL, April 10, 2025 (AFP)- Delegations met on Thursday, which pleased both.")
    'Delegations met on Thursday'
    """
    text = normalise_space(text)
    head = _DATELINE.sub("", text, count=1) or text
    cut = _CLAUSE_END.search(head)
    if cut is not None and len(head[: cut.start()].split()) >= 5:
        head = head[: cut.start()]
    if len(head.split()) > GIST_WORDS:
        commas = [m.start() for m in re.finditer(",", head) if len(head[: m.start()].split()) >= 6]
        if commas:
            head = head[: commas[0]]
    return head.strip(" .,;:“”\"'")


def stems_of(text: str) -> frozenset[str]:
    """Stems of a text's words."""
    return frozenset(stem(w) for w in words(text))


def near_copy(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two sentences' stems overlap so much that they say the same thing."""
    return len(a & b) / max(1, len(a | b)) >= NEAR_COPY


def topic_terms(question: str, cues: re.Pattern[str]) -> list[str]:
    """The question's content stems once the kind's cue words ("latest", "what happened") are
    taken out: what the question is about."""
    return content_terms(cues.sub(" ", question))


def calibrated(found: Analysis) -> bool:
    """Did the factoid path's calibrated decision find the articles on the question?"""
    return found.lead is not None and not found.reason


# ---- answers -----------------------------------------------------------------------------
def shaped_answer(
    request: FormRequest,
    head: str,
    short: str,
    lead: Pick,
    picks: Sequence[Pick],
    confidence: float,
) -> Answer:
    """The answer: `head` (holding `short`, from `lead`'s text, and its `{n}` marker) then one
    cited line per pick; citations one per story, numbered in order of first use."""
    used = [Used(p.passage, p.span, p.score) for p in [lead, *picks]]
    citations, numbers = build_citations(used)
    lines = [
        AnswerLine(text=p.text, n=[n], date=p.date, label=p.label)
        for p, n in zip(picks, numbers[1:], strict=True)
    ]
    return Answer(
        question=request.question,
        answer=compose_text(head.format(n=numbers[0]), lines),
        abstained=False,
        short_answer=short,
        kind=request.kind,
        confidence=round(confidence, 3),
        citations=citations,
        lines=lines,
        standalone_question=request.rewritten,
    )


def abstention(request: FormRequest, found: Analysis) -> Answer:
    """The articles don't cover the question: say so, offering the closest passages as related
    reading (as the factoid path does)."""
    used: list[Used] = []
    stories: set[str] = set()
    for s in found.ranked:
        if s.passage.story_id not in stories and len(used) < 2:
            stories.add(s.passage.story_id)
            used.append(Used(s.passage, s.span, s.score))
    related, _ = build_citations(used)
    return Answer(
        question=request.question,
        answer=ABSTENTION,
        abstained=True,
        kind=request.kind,
        confidence=round(found.probability, 3),
        related=related,
        standalone_question=request.rewritten,
    )


def flag_conflicts(answer: Answer, found: Analysis, picks: Sequence[Pick]) -> Answer:
    """A line that another copy of its story gives with another value (a round's number, a
    date, a figure) is flagged as the factoid path flags it: the other copy's sentence follows
    the line, cited on its own, and both versions are listed in `conflicts`."""
    pool = found.ranked[:12]
    for k, pick in enumerate(picks):
        others = [
            s
            for s in pool
            if s.passage.story_id == pick.passage.story_id
            and s.passage.article_id != pick.passage.article_id
        ]
        sentences = [pick.text, *(s.text for s in others)]
        outlets = frozenset(
            w
            for p in [pick.passage, *(s.passage for s in others)]
            for w in (p.outlet or "").replace("/", " ").split()
        )
        hit = find_conflict(
            sentences,
            [pick.passage.article_id, *(s.passage.article_id for s in others)],
            [pick.passage.story_id] * len(sentences),
            found.question.expects,
            outlets,
        )
        if hit is None or hit[0] != 0 or hit[2].kind != "conflict":
            continue
        other = others[hit[1] - 1]
        n = len(answer.citations) + 1
        (cited,), _ = build_citations([Used(other.passage, other.span, other.score)])
        mine, theirs = hit[2].versions
        line = AnswerLine(
            text=normalise_space(other.text), n=[n], date=answer.lines[k].date, label="Another copy"
        )
        lines = [*answer.lines[: k + 1], line, *answer.lines[k + 1 :]]
        head = answer.answer.split("\n", 1)[0]
        conflict = Conflict(
            about=answer.question,
            versions=[
                ConflictVersion(value=mine.value, n=answer.lines[k].n[0]),
                ConflictVersion(value=theirs.value, n=n),
            ],
        )
        return answer.model_copy(
            update={
                "answer": compose_text(head, lines),
                "lines": lines,
                "citations": [*answer.citations, cited.model_copy(update={"n": n})],
                "conflicts": [conflict],
            }
        )
    return answer
