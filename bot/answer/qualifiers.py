"""Qualifiers: the words of a question that pick one of several similar facts.

"When was the *second* round?", "who is the *new* chief?", "what happened in *2019*?", "what
did they say in *February*?": an article often gives the first and the second round, the old and
the new chief, side by side. A qualifier of the question must be matched around the answer, and
a value the text labels with a different qualifier of the same family ("the *initial* session
held on February 27") is not the answer. No model: a fixed list of families.

Families: ordinal (first/initial/1st ... tenth, last/final), era (new/current vs
former/previous), year (1500-2099, a decade "1990s" is its own value), month (names), and plain
numbers ("older than 18"), which must be found but never conflict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from bot.answer.text import STOPWORDS, stem, words
from index.api import MONTHS

_ORDINAL_WORDS = {
    "first": "1",
    "initial": "1",
    "inaugural": "1",
    "opening": "1",
    "maiden": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "sixth": "6",
    "seventh": "7",
    "eighth": "8",
    "ninth": "9",
    "tenth": "10",
    "last": "last",
    "final": "last",
}
_ERA_WORDS = {
    "new": "new",
    "newly": "new",
    "incoming": "new",
    "current": "new",
    "former": "old",
    "previous": "old",
    "outgoing": "old",
    "ex": "old",
}
# Full names and "sept"; the three-letter forms, and with them "May", are left out: the verb
# cannot be told from the month by its spelling alone, nor "mar" or "dec" from other words.
_MONTHS = {name: str(number) for name, number in MONTHS.items() if len(name) >= 4}
_MONTH_VALUES = frozenset(("month", v) for v in _MONTHS.values())
_WORDS = "|".join(sorted([*_ORDINAL_WORDS, *_ERA_WORDS, *_MONTHS], key=len, reverse=True))
_CANDIDATE = re.compile(
    rf"(?<![\w-])(?:(?i:{_WORDS})(?![\w])|\d+(?:st|nd|rd|th)\b|\d{{4}}(?:['’]?s)?(?![\d.,]\d)"
    r"|(?<![\d.,])\d+(?:[.,]\d+)*)"
)
_MONTH_BEFORE = re.compile(rf"\b(?:{'|'.join(m.capitalize() for m in _MONTHS)})\.?\s+$")
_NUMERIC_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)$")
_YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)(['’]?s)?$")

_TIME_UNITS = frozenset(
    [
        "night",
        "day",
        "days",
        "week",
        "weeks",
        "weekend",
        "month",
        "months",
        "year",
        "years",
        "season",
        "summer",
        "winter",
        "spring",
        "autumn",
        "fall",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "time",
    ]
)

_TIME_AFTER = re.compile(rf"\s+(?:{'|'.join(_TIME_UNITS)})\b", re.IGNORECASE)

_RANGE_BEFORE = re.compile(
    r"\b(?:before|after|since|until|till|by|over|under|than|least|around|about|nearly|almost"
    r"|between|from|to|and|prior\s+to)\s+(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?$",
    re.IGNORECASE,
)

_FIRST_TIME = re.compile(r"\s+time\b", re.IGNORECASE)

Qualifiers = dict[str, frozenset[str]]


def _value(token: str) -> tuple[str, str] | None:
    """(family, value) of one token, or None."""
    low = token.lower()
    if low in _ORDINAL_WORDS:
        return "ordinal", _ORDINAL_WORDS[low]
    if token in _ERA_WORDS:  # lower case only: "New York", "Current Affairs" are names
        return "era", _ERA_WORDS[token]
    if token[:1].isupper() and low in _MONTHS:
        return "month", _MONTHS[low]
    m = _NUMERIC_ORDINAL.match(low)
    if m:
        return "ordinal", str(int(m.group(1)))
    m = _YEAR.match(low)
    if m:
        return "year", m.group(1) + ("s" if m.group(2) else "")
    if token[:1].isdigit():
        return "number", token.replace(",", "").lstrip("0") or "0"
    return None


def qualifiers(text: str) -> Qualifiers:
    """The qualifier values a text holds, by family."""
    out: dict[str, set[str]] = {}
    for m in _CANDIDATE.finditer(text):  # only the tokens that may qualify: fast on long text
        found = _value(m.group(0))
        if found is None:
            continue
        if found == ("ordinal", "last") and _TIME_AFTER.match(text, m.end()):
            continue  # "last week" dates something; it does not rank it
        if found[1] in ("1", "last") and _FIRST_TIME.match(text, m.end()):
            continue  # "for the first time since March": an idiom, not the first of a series
        before = text[max(0, m.start() - 24) : m.start()]
        if found[0] == "number" and _MONTH_BEFORE.search(before):
            continue  # the day of "October 20": the month and year carry the date
        if found[0] in FOUND and _RANGE_BEFORE.search(before):
            continue  # "before 1900", "more than 18": a range, not a label the answer must hold
        out.setdefault(found[0], set()).add(found[1])
    return {k: frozenset(v) for k, v in out.items()}


def dated(published: str | None) -> Qualifiers:
    """The month and year an article was published, as qualifiers ("in February" matches an
    article of February)."""
    if not published:
        return {}
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return {}
    return {"month": frozenset([str(day.month)]), "year": frozenset([str(day.year)])}


def merge(*parts: Mapping[str, Iterable[str]]) -> Qualifiers:
    """The union of several qualifier sets."""
    out: dict[str, set[str]] = {}
    for part in parts:
        for family, values in part.items():
            out.setdefault(family, set()).update(values)
    return {k: frozenset(v) for k, v in out.items()}


def conflicts(asked: Qualifiers, around: Qualifiers) -> bool:
    """Does `around` label its fact with another value of a family the question qualifies, and
    never with the asked one ("initial" where the question asks for the "second")? Plain
    numbers are only looked for, never in conflict: a sentence holds many."""
    for family, wanted in asked.items():
        if family == "number":
            continue
        seen = around.get(family)
        if seen and not (seen & wanted):
            return True
    return False


def matches(asked: Qualifiers, around: Qualifiers) -> bool:
    """Does `around` hold one of the asked values?"""
    return any(around.get(f, frozenset()) & wanted for f, wanted in asked.items())


FOUND = ("year", "month", "number")  # the families a text must hold, not just not contradict


def missing(asked: Qualifiers, around: Qualifiers) -> float:
    """Share of the question's years, months and numbers with no asked value in `around`
    (an ordinal or "new" often goes unsaid: "the new law" is just "the law" further on)."""
    wanted = [asked[f] for f in FOUND if f in asked]
    if not wanted:
        return 0.0
    return sum(
        1 for f in FOUND if f in asked and not (around.get(f, frozenset()) & asked[f])
    ) / len(wanted)


_NEGATION = re.compile(
    r"\b(?:not|never|no|none|nobody|nothing|neither|nor|without|non)\b|n['’]t\b", re.IGNORECASE
)


def negated_away(question: str, text: str) -> bool:
    """Does the question negate a word ("what does *not* depend on ...") that `text` states with
    no negation anywhere? The negation must bear on a word the text holds: in a long question
    it may sit in a clause the text does not speak to."""
    if _NEGATION.search(text):
        return False
    held = {stem(w) for w in words(text)}
    for m in _NEGATION.finditer(question):
        after = [w for w in words(question[m.end() :])[:3] if w.lower() not in STOPWORDS]
        if after and stem(after[0]) in held:
            return True
    return False
