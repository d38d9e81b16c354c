"""Disagreeing sources: the same fact given different values by different articles.

Two candidate answer sentences from different articles are compared on what the question asks:
near-identical wordings (wire copies, altered copies) are diffed word by word, and the differing
names, dates or numbers are the versions; differently worded reports are compared on the dates
or numbers they give. Spelling variants of one name ("Darchiev" / "Darchiyev") are not a conflict.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from dateutil.parser import parserinfo

from bot.answer.text import DATE_RE, NUMBER_RE, STOPWORDS, unabbreviate

_TOKEN = re.compile(r"[\w’'.-]+")
_MONTH_INFO = parserinfo()  # month names and abbreviations, case-insensitive
NEAR_COPY = 0.7  # word-set Jaccard above which two sentences are copies of one wording
MAX_VALUE_WORDS = 5  # a differing span longer than this is rewording, not a value
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}


@dataclass(frozen=True)
class Version:
    """One value as one sentence gives it."""

    value: str
    index: int  # which candidate sentence


@dataclass(frozen=True)
class Finding:
    """What the comparison of two candidate sentences found."""

    kind: str  # "conflict" or "spelling"
    versions: tuple[Version, Version]


def compare(
    a: str, b: str, answer_kind: str, ignore: frozenset[str] = frozenset()
) -> Finding | None:
    """Compare two sentences (indices 0 and 1) on the values the question asks for.

    `ignore`: words that may differ without meaning anything (e.g. the outlets' names in a
    dateline: "(AFP)" vs "(Reuters)").
    """
    ta, tb = _tokens(a), _tokens(b)
    la, lb = set(map(str.lower, ta)), set(map(str.lower, tb))
    if len(la & lb) / max(1, len(la | lb)) >= NEAR_COPY:
        return _diff_copies(ta, tb, answer_kind, {w.lower() for w in ignore})
    if answer_kind == "date":
        return _disjoint(_dates(a), _dates(b))
    if answer_kind in {"number", "money", "duration"}:
        return _disjoint(_numbers(a), _numbers(b))
    return _name_variants(ta, tb)


def find_conflict(
    sentences: Sequence[str],
    articles: Sequence[str],
    stories: Sequence[str],
    answer_kind: str,
    ignore: frozenset[str] = frozenset(),
) -> tuple[int, int, Finding] | None:
    """The first pair of sentences that disagree (or spell a name apart).

    Only copies of one story are compared: two stories may well report different values of
    different things (two repairs, two meetings) without contradicting each other.
    """
    spelling: tuple[int, int, Finding] | None = None
    for i, j in itertools.combinations(range(len(sentences)), 2):
        if articles[i] == articles[j] or stories[i] != stories[j]:
            continue
        found = compare(sentences[i], sentences[j], answer_kind, ignore)
        if found is None:
            continue
        if found.kind == "conflict":
            return i, j, found
        spelling = spelling or (i, j, found)
    return spelling


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower().strip(".,"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def spelled_alike(x: str, y: str) -> bool:
    """'Darchiev' ~ 'Darchiyev', 'Türkiye' ~ 'Turkey': one name written two ways."""
    x, y = _fold(x).removesuffix("'s"), _fold(y).removesuffix("'s")
    if x == y:
        return True
    if x[:1] != y[:1] or x.startswith(y) or y.startswith(x):  # Russia / Russian: inflection
        return False
    return difflib.SequenceMatcher(None, x, y).ratio() >= 0.75


def _tokens(text: str) -> list[str]:
    text = unabbreviate(text).replace("’", "'")
    return [t.strip(".,'") for t in _TOKEN.findall(text) if t.strip(".,'")]


def _salient(words: Sequence[str], first: bool) -> bool:
    """Holds a name, a number or a date word (a capital that only starts the sentence does not count)."""
    for k, w in enumerate(words):
        if any(c.isdigit() for c in w) or w.lower() in _NUMBER_WORDS:
            return True
        if w[:1].isupper() and not (first and k == 0) and w.lower() not in STOPWORDS:
            return True
    return False


def _diff_copies(ta: list[str], tb: list[str], kind: str, ignore: set[str]) -> Finding | None:
    matcher = difflib.SequenceMatcher(None, [t.lower() for t in ta], [t.lower() for t in tb])
    spelling: Finding | None = None
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "replace":
            continue
        wa, wb = ta[a0:a1], tb[b0:b1]
        if max(len(wa), len(wb)) > MAX_VALUE_WORDS:
            continue
        if {w.lower() for w in wa + wb} <= ignore:
            continue  # "(AFP)" vs "(Reuters)": who carried it, not what happened
        if kind in {"date", "number", "money", "duration"} and not (_numeric(wa) and _numeric(wb)):
            continue
        if not (_salient(wa, a0 == 0) and _salient(wb, b0 == 0)):
            continue
        versions = (Version(" ".join(wa), 0), Version(" ".join(wb), 1))
        if len(wa) == len(wb) and all(spelled_alike(x, y) for x, y in zip(wa, wb, strict=True)):
            spelling = spelling or Finding("spelling", versions)
            continue
        return Finding("conflict", versions)
    return spelling


def _numeric(words: Sequence[str]) -> bool:
    text = " ".join(words)
    return bool(_dates(text) or _numbers(text) or DATE_RE.search(text))


def _name_variants(ta: list[str], tb: list[str]) -> Finding | None:
    names_a = {t for t in ta if t[:1].isupper() and len(t) > 3}
    names_b = {t for t in tb if t[:1].isupper() and len(t) > 3}
    for x in sorted(names_a - names_b):
        for y in sorted(names_b - names_a):
            if spelled_alike(x, y):
                return Finding("spelling", (Version(x, 0), Version(y, 1)))
    return None


def _disjoint(xs: dict[str, str], ys: dict[str, str]) -> Finding | None:
    """Values keyed by normal form; a conflict when the two sides share none."""
    if xs and ys and not set(xs) & set(ys):
        return Finding("conflict", (Version(xs[min(xs)], 0), Version(ys[min(ys)], 1)))
    return None


def _dates(text: str) -> dict[str, str]:
    out = {}
    for match in DATE_RE.finditer(text):
        words = match.group().replace(".", "").split()
        month = next((m for m in map(_MONTH_INFO.month, words) if m), None)
        day = next(
            (int(re.sub(r"\D", "", w)) for w in words if re.match(r"\d{1,2}(?:st|nd|rd|th)?$", w)),
            None,
        )
        if month and day:
            out[f"{month:02d}-{day:02d}"] = match.group()
    return out


def _numbers(text: str) -> dict[str, str]:
    out = {}
    for match in NUMBER_RE.finditer(text):
        word = match.group().lower().replace(",", "")
        if word in _NUMBER_WORDS:
            out[str(_NUMBER_WORDS[word])] = match.group()
        elif re.fullmatch(r"\d+(?:\.\d+)?", word) and not re.fullmatch(r"(?:19|20)\d\d", word):
            out[word] = match.group()
    return out
