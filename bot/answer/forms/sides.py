"""The sides a question sets against each other: named outlets, or two entities or events.

Pure functions over the question's words (no index, no model). "Does the Guardian say X, while
ESPN says Y?" has two sides, each searched with its own clause plus what the clauses share;
"toyota vs nissan sales" and "which came first, the ipo or the merger" have sides that are not
outlets, each searched with the question minus the other side.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.answer.text import QUESTION_WORDS, STOPWORDS, content_terms
from index.api import MONTH_NAMES, MONTH_WORDS, MONTHS, WEEKDAY_NAMES

# Where one side's clause ends and the next begins ("..., while the article from X says ...").
_BREAK = re.compile(
    r",?\s+(?:while|whereas|compared (?:to|with)|in comparison (?:to|with)|in contrast (?:to|with)"
    r"|as opposed to|unlike|versus|vs\.?|but|and (?:then|later|also)?\s*(?=the\b|a\b|an\b|another\b"
    r"|its\b|their\b|that\b|what\b|how\b)|or (?=do|does|did|is|are|was|were)\b|with one\b"
    r"|and the other\b|the other\b|and then\b|,?\s*and (?=did|does|do|is|are|was|were|has|have|had)\b)"
    r"|,\s+(?=(?:is|are|was|were|did|does|do|has|have|had|how|what|which|who|would|could|can)\b)",
    re.IGNORECASE,
)
_ASK = re.compile(
    r",\s+(?:is|are|was|were|did|does|do|has|have|had|how|what|which|who|would|could|can)\b",
    re.IGNORECASE,
)
# "both articles from X", "two reports by X": one outlet named, two of its articles wanted.
_BOTH = re.compile(
    r"\b(?:both|two|the two|pair of)\b[\w\s'’-]{0,30}?\b(?:articles|reports|pieces|stories|"
    r"reports|posts|coverage)\b",
    re.IGNORECASE,
)
# "the same source", "the same outlet": the outlet named last, again.
_SAME = re.compile(
    r"\bthe same (?:source|outlet|publication|site|newspaper|paper|news source|publisher)\b",
    re.IGNORECASE,
)
# Years and months a question uses to place a report; dropped when a side's search with them
# finds nothing ("in 2022" in a question about what a 2023 article says of 2022).
_WHEN = re.compile(
    rf"\b(?:in|of|during|since|from|by)\s+(?:(?:{'|'.join(MONTH_NAMES)})\s+)?(?:19|20)\d\d\b",
    re.IGNORECASE,
)
# Words about the reporting, not about what was reported ("the article suggests ...", "was the
# portrayal consistent"): they would pull in any article that talks about articles.
_FRAME = re.compile(
    r"\b(?:articles?|reports?|reported|reporting|pieces?|coverage|published|portrayals?|"
    r"narratives?|consisten(?:t|cy)|inconsisten(?:t|cy)|subsequent|source|outlet)\b",
    re.IGNORECASE,
)
_MONTH = MONTH_WORDS
_MONTH_NAME = re.compile(rf"\b(?:{'|'.join(MONTH_NAMES)})\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s$")
_CLAUSE_WORD = re.compile(r"[\w'’.&-]+")  # words with their hyphens, dots, apostrophes
_NAME_WORD = re.compile(r"(?<!^)(?<![\w'’-])[A-Z][\w'’.&-]*")  # a capitalised one, not first
_ISO_DAY = re.compile(r"\b(20\d\d|19\d\d)-(\d\d)-(\d\d)(?:T[\d:+\-.Z]*)?")
_WRITTEN_DAY = re.compile(
    rf"\b(?:({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)"
    rf"|(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+((?:19|20)\d\d))\b",
    re.IGNORECASE,
)
# Sides that are not outlets: "X vs Y", "compare X and Y", "between X and Y", "how did X and Y
# describe ...", "which came first, X or Y", "did X happen before Y".
_PAIRS = (
    re.compile(
        r"^(?:.*?\b(?:on|about|re)\s+)?(?P<a>[\w'’.&-]+(?:\s+[\w'’.&-]+){0,3}?)\s+(?:vs\.?|versus|v)"
        r"\s+(?P<b>[\w'’.&-]+(?:\s+[\w'’.&-]+){0,3}?)(?=\s+(?:on|about|over|in|for|coverage|"
        r"sales|results|reporting)\b|\s*[?,.:;]|$)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:compare|comparing|contrast|between|difference between|differences between)\s+"
        r"(?:what\s+)?(?:the\s+)?(?P<a>[\w'’.&-]+(?:\s+[\w'’.&-]+){0,3}?)(?:'s|’s)?\s+"
        r"(?:and|with|to|vs\.?|versus)\s+(?:what\s+)?(?:the\s+)?"
        r"(?P<b>[\w'’.&-]+(?:\s+[\w'’.&-]+){0,3}?)(?:'s|’s)?"
        r"(?=\s+(?:said|say|says|on|about|over|in|for|wanted|want|positions?|accounts?|"
        r"sales|reports?|coverage|views?|reactions?|told|had)\b|\s*[?,.:;]|$)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bhow (?:do|did|does|have|has)\s+(?:the\s+)?(?P<a>[\w'’.&-]+(?:\s+[\w'’.&-]+){0,3}?)"
        r"\s+and\s+(?:the\s+)?(?P<b>[\w'’.&-]+(?:\s+[\w'’.&-]+){0,3}?)\s+(?:sides?\s+)?"
        r"(?:describe|report|cover|see|view|portray|characteri[sz]e|differ|react|respond|frame)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:first|earlier|later|last)\s*[,:]?\s+(?:the\s+)?(?P<a>.{3,60}?)\s+or\s+(?:the\s+)?"
        r"(?P<b>.{3,60}?)\s*[?.]?$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:did|was|were|is|has|had|does)\s+(?:the\s+)?(?P<a>.{3,60}?)\s+"
        r"(?:(?:happen|come|take place|occur|start|begin|end)\w*\s+)?"
        r"(?:before or after|before|after|earlier than|later than|prior to)\s+(?:the\s+)?"
        r"(?P<b>.{3,60}?)\s*[?.]?$",
        re.IGNORECASE,
    ),
)


# What the side patterns catch that is no side: a time ("2002", "christmas", "the summer") or a
# phrase opening with a preposition ("in size").
_NOT_A_SIDE = re.compile(
    r"(?:the\s+)?(?:(?:early|late|mid|end of|start of|the end of|the start of)\s+)?"
    r"(?:(?:\w+\s+)?(?:19|20)\d\d|christmas|new year|easter|summer|winter|spring|autumn|"
    r"the weekend|the holidays|(?:" + MONTH_WORDS + r")(?:\s+\d{1,2})?)\s*$"
    r"|(?:in|on|at|of|for|with|to|by|from|about)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Side:
    """One side of a comparison: what to call it, what to search for, where."""

    label: str  # the outlet as the articles write it, or the side as the question words it
    query: str
    outlet: str | None = None  # search only this outlet's articles
    day: date | None = None  # the date the question gives for this side's report
    terms: frozenset[str] = frozenset()  # stems a sentence on this (non-outlet) side holds
    # A side named by a month ("the february round"): reports published in that month, whether
    # or not their sentences say the month (an article's date is its metadata, not its text).
    month: int | None = None


def outlet_sides(question: str, outlets: list[str]) -> list[Side]:
    """One side per mention of a named outlet, searched with its own clause and the clauses
    no outlet owns. A question about one outlet ("Did X report A, and did it report B?",
    "between X's report on A and its report on B") gets a side per clause: each clause is
    another of its articles."""
    mentions = _mentions(question, outlets)
    if not mentions:
        return []
    if len({outlet for _, _, outlet in mentions}) == 1:
        return _one_outlet(question, mentions)
    segments = _segments(question)
    every = mentions  # every mention is stripped from the words searched for
    mentions = _sides_named(every, segments)  # the mentions that each name a side
    own: dict[int, list[str]] = {i: [] for i in range(len(mentions))}
    days: dict[int, date | None] = {}
    shared: list[str] = []
    for at, (start, end, _) in enumerate(segments):
        inside = [i for i, (a, _, _) in enumerate(mentions) if start <= a < end]
        if not inside:
            shared.append(_strip_mentions(question[start:end], every, start))
            continue
        for i in inside:
            # Two outlets in one clause ("A by X contradicts B reported by Y"): each takes the
            # words from the mention before it to the mention after it.
            lo = mentions[i - 1][1] if i - 1 in inside else start
            hi = mentions[i + 1][0] if i + 1 in inside else end
            part = _strip_mentions(question[lo:hi], every, lo)
            days[i] = _day(part) or _day(question[start:end])
            if not _says(part):  # "..., while X and Y focus on ...": X takes the whole clause
                part = _strip_mentions(question[start:end], every, start)
            if not _says(part) and at + 1 < len(segments):
                nxt_lo, nxt_hi, _ = segments[at + 1]
                part += " " + _strip_mentions(question[nxt_lo:nxt_hi], every, nxt_lo)
            own[i].append(part)
    subject = _question_names(_strip_mentions(question, every, 0))
    return [
        Side(
            outlet,
            _clean(_about(" ".join([*own[i], *shared]), subject)),
            outlet=outlet,
            day=days.get(i),
        )
        for i, (_, _, outlet) in enumerate(mentions)
    ]


def _sides_named(
    mentions: list[tuple[int, int, str]], segments: list[tuple[int, int, bool]]
) -> list[tuple[int, int, str]]:
    """The mentions that name a side: an outlet named again in the question proper ("...,
    did the Guardian report it first?") is the side already named, not another one."""
    asking = [(a, b) for a, b, asks in segments if asks]

    def in_ask(at: int) -> bool:
        return any(a <= at < b for a, b in asking)

    described = {outlet for at, _, outlet in mentions if not in_ask(at)}
    return [m for m in mentions if not (in_ask(m[0]) and m[2] in described)]


def _one_outlet(question: str, mentions: list[tuple[int, int, str]]) -> list[Side]:
    """Sides of a question about one outlet: one per clause that describes an article."""
    outlet = mentions[0][2]
    cuts = sorted({*(s for s, _, _ in _segments(question)), *(a for a, _, _ in mentions[1:])})
    asks: list[str] = []
    clauses: list[str] = []
    for start, end in itertools.pairwise([*cuts, len(question)]):
        text = _strip_mentions(question[start:end], mentions, start)
        if _ASK.match(question[start:end]):
            asks.append(text)
        elif _says(text) or _day(text) is not None:  # "and the one of 3 Nov" is a side too
            clauses.append(text)
    if not clauses:
        clauses = [_strip_mentions(question, mentions, 0)]
    if len(clauses) == 1 and (len(mentions) > 1 or _BOTH.search(question)):
        clauses *= 2
    subject = _question_names(_strip_mentions(question, mentions, 0))
    return [
        Side(outlet, _clean(_about(" ".join([c, *asks]), subject)), outlet=outlet, day=_day(c))
        for c in clauses
    ]


def entity_sides(question: str) -> list[Side]:
    """Two sides named by the question's wording ("toyota vs nissan"), or none."""
    for pattern in _PAIRS:
        m = pattern.search(question.strip())
        if m is None:
            continue
        a, b = (m.group(g).strip(" ,'\"") for g in ("a", "b"))
        if _NOT_A_SIDE.match(a) or _NOT_A_SIDE.match(b):
            continue  # "before 2002", "compare in size with ...": a time or a phrase, no side
        terms_a, terms_b = frozenset(content_terms(a)), frozenset(content_terms(b))
        if not terms_a or not terms_b or terms_a == terms_b:
            continue
        rest_a = question[: m.start("b")] + question[m.end("b") :]
        rest_b = question[: m.start("a")] + question[m.end("a") :]
        month_a, month_b = _month_named(a), _month_named(b)
        if month_a is not None or month_b is not None:  # the month is a when, not a word to hold
            terms_a = frozenset(_undated_terms(a)) - _PRO_FORMS
            terms_b = frozenset(_undated_terms(b)) - _PRO_FORMS
            # Each side is searched with the whole question less the other side's month: "the
            # april ones" are talks too.
            rest_a, rest_b = _drop_months(question, b), _drop_months(question, a)
        return [
            Side(_month_case(a), _clean(rest_a), terms=terms_a - terms_b, month=month_a),
            Side(_month_case(b), _clean(rest_b), terms=terms_b - terms_a, month=month_b),
        ]
    return []


# "the april ones": a word standing for the other side's noun, which no sentence need hold.
_PRO_FORMS = frozenset(content_terms("one ones"))


def _month_named(side: str) -> int | None:
    """The month a side's words name ("the february round" -> 2), if exactly one."""
    months = {MONTHS[m.lower()] for m in _MONTH_NAME.findall(side)}
    return months.pop() if len(months) == 1 else None


def _month_case(side: str) -> str:
    """A side as typed, its month names capitalised ("february talks" -> "February talks")."""
    return _MONTH_NAME.sub(lambda m: m.group(0).capitalize(), side)


def _drop_months(question: str, side: str) -> str:
    """The question without the month names of `side`."""
    months = {m.lower() for m in _MONTH_NAME.findall(side)}
    return _MONTH_NAME.sub(lambda m: " " if m.group(0).lower() in months else m.group(0), question)


def _undated_terms(side: str) -> list[str]:
    """A side's content stems without its month names."""
    return content_terms(_MONTH_NAME.sub(" ", side))


def topic(question: str, outlets: list[str]) -> str:
    """What a question asks about, without the outlets it names, its dates and years and its
    words about the reporting ("between the Verge's report on 3 Nov and ..., was the coverage
    consistent?")."""
    return undated(_clean(_strip_mentions(question, _mentions(question, outlets), 0)))


def undated(query: str) -> str:
    """The query without the years it names ("... in 2022")."""
    return re.sub(r"\s+", " ", _WHEN.sub(" ", query)).strip()


def day_window(day: date) -> tuple[date, date]:
    """The days a report dated `day` may carry (time zones shift a date by one)."""
    return day - timedelta(days=1), day + timedelta(days=1)


def _mentions(question: str, outlets: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, outlet) of every mention of the named outlets, in order; a mention inside a
    longer outlet's mention is not one; "the same source" mentions the outlet named before it."""
    found: list[tuple[int, int, str]] = []
    for outlet in outlets:
        parts = re.findall(r"\w+", outlet)
        if not parts:
            continue
        pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, parts)) + r"\b", re.IGNORECASE)
        found += [(m.start(), m.end(), outlet) for m in pattern.finditer(question)]
    found.sort(key=lambda f: (f[0], -f[1]))
    kept: list[tuple[int, int, str]] = []
    for f in found:
        if not any(k[0] <= f[0] and f[1] <= k[1] for k in kept):
            kept.append(f)
    for m in _SAME.finditer(question):
        before = [k for k in kept if k[1] <= m.start()]
        if before:
            kept.append((m.start(), m.end(), before[-1][2]))
    return sorted(kept)


def _question_names(text: str) -> list[str]:
    """The names a question uses, as written: capitalised words past its first (which is
    capitalised anyway), no months or weekdays. Its own tokens, not `text.proper_words`':
    a name searched for keeps its digits and dots ("GPT-4", "U.S.")."""
    out: list[str] = []
    for word in _NAME_WORD.findall(text.strip()):
        bare = _POSSESSIVE.sub("", word).strip(".")
        low = bare.lower()
        if low in STOPWORDS | QUESTION_WORDS or low in MONTHS or low in WEEKDAY_NAMES:
            continue
        if bare and bare not in out:
            out.append(bare)
    return out


def _about(clause: str, names: list[str]) -> str:
    """A side's clause, with the question's names when it holds none of them ("..., compared to
    the season totals discussed in the Times" is about the Tyreek Hill of the first clause)."""
    held = {w.lower() for w in _CLAUSE_WORD.findall(clause)}
    held |= {_POSSESSIVE.sub("", w) for w in held}
    if not names or any(n.lower() in held for n in names):
        return clause
    return f"{clause} {' '.join(names)}"


def _says(text: str) -> bool:
    """Does a clause hold enough words to search for (two content words)?"""
    return len(content_terms(_clean(text))) >= 2


def _segments(question: str) -> list[tuple[int, int, bool]]:
    """Clauses as (start, end, asks): `asks` for the question proper (", was there a change
    ..."), which every side shares."""
    cuts = [0, *(m.start() for m in _BREAK.finditer(question)), len(question)]
    return [(a, b, bool(_ASK.match(question[a:b]))) for a, b in itertools.pairwise(cuts) if b > a]


def _strip_mentions(text: str, mentions: list[tuple[int, int, str]], offset: int) -> str:
    for a, b, _ in sorted(mentions, reverse=True):
        if offset <= a < offset + len(text):
            text = text[: a - offset] + " " + text[b - offset :]
    return text


def _clean(text: str) -> str:
    """The words to search for: no dates, quote marks or words about the reporting itself."""
    text = _FRAME.sub(" ", text)
    text = _ISO_DAY.sub(" ", text)
    text = _WRITTEN_DAY.sub(" ", text)
    return re.sub(r"\s+", " ", re.sub(r"['\"‘’“”|]+(?=\s|$)|(?<=\s)['\"‘’“”|]+", " ", text)).strip()


def _day(text: str) -> date | None:
    """The one day a clause gives for its report ("on 2023-11-24", "published October 3, 2023")."""
    days: set[date] = set()
    for m in _ISO_DAY.finditer(text):
        try:
            days.add(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            continue
    for m in _WRITTEN_DAY.finditer(text):
        month, day, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else m.group(5, 4, 6)
        try:
            days.add(date(int(year), MONTHS[month.lower()], int(day)))
        except ValueError:
            continue
    return days.pop() if len(days) == 1 else None
