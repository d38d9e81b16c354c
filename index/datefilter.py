"""Date filters: explicit --since/--until, or months and dates named in the question."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np

from index.months import MONTH_WORDS, MONTHS

# "in April", "in April 2025", "during February", "April 10", "10 April 2025".
_IN_MONTH = re.compile(
    rf"\b(in|during|since|from|after|of|on|by|before|until)\s+(?:(\d{{1,2}})\s+)?({MONTH_WORDS})\.?(?:\s+(\d{{1,2}})(?:st|nd|rd|th)?)?(?:,?\s+(\d{{4}}))?\b",
    re.IGNORECASE,
)
# A capitalised month name anywhere ("the February talks"); May/March are too often words.
_BARE_MONTH = re.compile(
    r"\b(January|February|April|June|July|August|September|October|November|December)\b"
)
_YEAR = re.compile(r"\bin\s+((?:19|20)\d{2})\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateFilter:
    """Keep articles whose (effective) date lies in [since, until] or in one of `months`.

    `include_undated`: whether articles with no known date pass (true for filters guessed from
    the question, so an undated article is never hidden by a guess).
    """

    since: date | None = None
    until: date | None = None
    months: frozenset[int] = frozenset()
    year: int | None = None
    include_undated: bool = False

    def accepts(self, day: int) -> bool:
        """Test a YYYYMMDD number (0 = undated)."""
        if day == 0:
            return self.include_undated
        year, month = day // 10000, day // 100 % 100
        if self.since and day < _num(self.since):
            return False
        if self.until and day > _num(self.until):
            return False
        if self.months and month not in self.months:
            return False
        return not (self.year and year != self.year)

    def accepts_days(self, days: np.ndarray) -> np.ndarray:
        """`accepts` over an array of YYYYMMDD numbers at once."""
        days = np.asarray(days, dtype=np.int64)
        ok = np.where(days == 0, self.include_undated, True)
        dated = days != 0
        if self.since:
            ok &= ~dated | (days >= _num(self.since))
        if self.until:
            ok &= ~dated | (days <= _num(self.until))
        if self.months:
            ok &= ~dated | np.isin(days // 100 % 100, sorted(self.months))
        if self.year:
            ok &= ~dated | (days // 10000 == self.year)
        return np.asarray(ok, dtype=bool)

    @property
    def active(self) -> bool:
        """Does this filter exclude anything?"""
        return bool(self.since or self.until or self.months or self.year)


def _num(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def filter_from_question(question: str) -> DateFilter | None:
    """The months/year a question names ("in April", "in February 2025"), if any.

    >>> filter_from_question("What was agreed in April?").months
    frozenset({4})
    """
    months: set[int] = set()
    year: int | None = None
    for match in _IN_MONTH.finditer(question):
        preposition, day, word, day_after, year_text = match.groups()
        word = word.lower()
        if word == "may" and not (day or day_after or year_text) and match.group(3) != "May":
            continue  # "may" is far more often the verb; only "in May" with a capital counts
        month = MONTHS[word]
        preposition = preposition.lower()
        if preposition in {"since", "from", "after", "by", "before", "until"}:
            # A bound, not a month: only usable with a year ("since February 2025").
            if not year_text:
                return None
            bound = date(int(year_text), month, 1)
            if preposition in {"since", "from", "after"}:
                return DateFilter(since=bound, include_undated=True)
            return DateFilter(until=_month_end(bound), include_undated=True)
        months.add(month)
        if year_text:
            year = int(year_text)
    months.update(MONTHS[m.lower()] for m in _BARE_MONTH.findall(question))
    if not months:
        found = _YEAR.search(question)
        year = int(found.group(1)) if found else None
    if not months and year is None:
        return None
    return DateFilter(months=frozenset(months), year=year, include_undated=True)


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
