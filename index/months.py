"""Month and weekday names, taken from dateutil's parser table rather than typed out."""

from __future__ import annotations

from dateutil.parser import parserinfo

# "jan"/"january" -> 1 ... "sep"/"sept"/"september" -> 9.
MONTHS: dict[str, int] = {
    name.lower(): number
    for number, names in enumerate(parserinfo.MONTHS, start=1)
    for name in names
}
# The full names, "january" ... "december".
MONTH_NAMES: tuple[str, ...] = tuple(names[-1].lower() for names in parserinfo.MONTHS)
# Longest first, so a regex alternation prefers "september" to "sep".
MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
# "monday" ... "sunday".
WEEKDAY_NAMES: tuple[str, ...] = tuple(names[-1].lower() for names in parserinfo.WEEKDAYS)
