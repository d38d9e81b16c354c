"""What the top lines of an article say about it: title, publication date, outlet.

Every parser here reads one line (already whitespace-normalised). Dates come only from
metadata lines, bare date lines and datelines near the top, never from a sentence of the body:
"met on April 10 in Istanbul" dates an event, not the article.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.months import MONTH_WORDS, MONTHS

# How many non-empty lines from the top may carry publication metadata.
HEAD_LINES = 8

_MONTH = f"(?:{MONTH_WORDS})\\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TIME = (
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*(?:gmt|utc|[a-z]{2,4}t))?(?:\s*[+-]\d{1,2}(?::?\d{2})?)?)?"
)
_DATE_RE = re.compile(
    _WEEKDAY
    + r"(?:(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?:T[\d:.]+(?:Z|[+-][\d:]+)?)?"
    + rf"|(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dm>{_MONTH}),?\s+(?P<dy>\d{{4}})"
    + rf"|(?P<mm>{_MONTH})\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}}))"
    + _TIME,
    re.IGNORECASE,
)
_META_LABEL_RE = re.compile(
    r"(?:last\s+|first\s+)?(?:updated?|published|posted|modified|dated?)(?:\s+(?:on|at))?"
    r"\s*[:|–—-]?\s*",
    re.IGNORECASE,
)
# "ISTANBUL, April 10, 2025 (BSS/AFP)- ..." or "LONDON (Reuters) - ...": a place in capitals,
# then a date and/or an agency in parentheses.
_DATELINE_PLACE_RE = re.compile(r"([A-Z][A-Z.'’ -]*[A-Z.])(?:,\s*|\s+)")
_AGENCY_PAREN_RE = re.compile(r"\s*\(([A-Za-z][A-Za-z0-9 &/.-]{0,38})\)")
_BARE_PLACE_RE = re.compile(r"[A-Z][A-Z.'’ -]{1,40}")
_AGENCY_LINE_RE = re.compile(r"[A-Za-z]{2,10}(?:\s*/\s*[A-Za-z]{2,10}){0,3}")
KNOWN_AGENCIES = frozenset(
    {
        "AA", "AFP", "ANADOLU", "ANI", "ANSA", "ANTARA", "AP", "APP", "BERNAMA", "BSS", "DPA",
        "EFE", "IANS", "IRNA", "KUNA", "KYODO", "MENA", "PTI", "QNA", "REUTERS", "RIA", "SPA",
        "TASS", "UNB", "UPI", "WAFA", "WAM", "XINHUA", "YONHAP",
    }
)  # fmt: skip
_TERMINAL = ".!?"
_CLOSERS = "\"'”’)»]"


@dataclass(frozen=True)
class MetaLine:
    """A metadata line such as "Update: 2025-02-28 18:42 GMT"; `rest` is any text glued after it."""

    published: datetime.date
    rest: str


@dataclass(frozen=True)
class Byline:
    """A credit line: "By Elizabeth Lopatto | The Verge | Published 2023-10-06", "By Jane Doe"."""

    author: str | None
    outlet: str | None
    published: datetime.date | None


_BY_RE = re.compile(r"^(?:by|words by|written by|reporting by)\s+(?P<who>[^|•·]{2,80})$", re.I)
_AT_PLACE_RE = re.compile(r"\s+(?:at|in)\s+[A-Z][\w'’.\- ]*$")
_NAME_WORD_RE = re.compile(r"^(?:[A-Z][\w'’.\-]*|and|&|de|van|von|al|bin|la)$")


def parse_byline(line: str) -> Byline | None:
    """Parse a byline or a pipe/bullet-separated credit line; None for anything else.

    A credit line has two or more parts split by "|", "•" or "·", one of them a byline ("By X")
    or a labelled date ("Published 2023-10-06"); the first other part is the outlet.
    """
    parts = [p.strip() for p in re.split(r"\s[|•·]\s", line.strip()) if p.strip()]
    author = outlet = None
    published = None
    for part in parts:
        by = _BY_RE.match(part)
        # "By Barney Ronay at Old Trafford": the place the reporter writes from is not a name.
        who = _AT_PLACE_RE.sub("", by.group("who")) if by else ""
        if by and author is None and _looks_like_names(who):
            author = who.strip()
            continue
        meta = parse_meta_line(part)
        if meta is not None and not meta.rest and published is None:
            published = meta.published
            continue
        if published is None and parse_date_line(part) is not None:
            published = parse_date_line(part)
            continue
        if outlet is None and len(parts) > 1 and len(part.split()) <= 8:
            outlet = part
    if len(parts) == 1:
        return Byline(author, None, None) if author else None
    if author is None and published is None:
        return None
    return Byline(author, outlet, published)


def _looks_like_names(text: str) -> bool:
    words = text.replace(",", " ").split()
    return 0 < len(words) <= 8 and all(_NAME_WORD_RE.match(w) for w in words)


@dataclass(frozen=True)
class Dateline:
    """The opening of a wire story: "ISTANBUL, April 10, 2025 (BSS/AFP)-"."""

    place: str
    published: datetime.date | None
    agency: str | None


def parse_date_prefix(text: str) -> tuple[datetime.date, int] | None:
    """Parse a date (with optional weekday and time) at the start of `text`; return it and its end."""
    match = _DATE_RE.match(text)
    if match is None:
        return None
    groups = match.groupdict()
    try:
        if groups["iy"]:
            day = datetime.date(int(groups["iy"]), int(groups["im"]), int(groups["id"]))
        elif groups["dy"]:
            month = MONTHS[groups["dm"].rstrip(".").lower()]
            day = datetime.date(int(groups["dy"]), month, int(groups["dd"]))
        else:
            month = MONTHS[groups["mm"].rstrip(".").lower()]
            day = datetime.date(int(groups["my"]), month, int(groups["md"]))
    except ValueError:  # e.g. 2025-02-30
        return None
    return day, match.end()


def parse_date_line(line: str) -> datetime.date | None:
    """Return the date when the whole line is a date, e.g. "10 Apr 2025, 14:25"."""
    parsed = parse_date_prefix(line.strip())
    if parsed is None or line.strip()[parsed[1] :].strip(" ,.|"):
        return None
    return parsed[0]


def parse_meta_line(line: str) -> MetaLine | None:
    """Parse "Published On: 10 Apr 2025, 14:25" or " date 2025-02-28 <title>"; None otherwise."""
    text = line.strip()
    label = _META_LABEL_RE.match(text)
    if label is None:
        return None
    parsed = parse_date_prefix(text[label.end() :])
    if parsed is None:
        return None
    day, end = parsed
    return MetaLine(day, text[label.end() + end :].strip(" ,|–—-"))


def parse_dateline(line: str) -> Dateline | None:
    """Parse the dateline that opens a wire story; None unless it carries a date or an agency."""
    place = _DATELINE_PLACE_RE.match(line)
    if place is None:
        return None
    rest = line[place.end() :]
    published = None
    parsed = parse_date_prefix(rest)
    if parsed is not None:
        published, end = parsed
        rest = rest[end:]
    agency = _AGENCY_PAREN_RE.match(rest)
    if published is None and agency is None:
        return None
    return Dateline(place.group(1), published, agency.group(1).strip() if agency else None)


def is_bare_dateline(line: str) -> bool:
    """True for a line that is only a place in capitals, e.g. "ISTANBUL"."""
    return (
        _BARE_PLACE_RE.fullmatch(line) is not None
        and len(line.split()) <= 4
        and agency_line(line) is None
    )


def agency_line(line: str) -> str | None:
    """Return the agency when the line is only a news agency, e.g. "BSS" or "BSS/AFP"."""
    text = line.strip()
    if _AGENCY_LINE_RE.fullmatch(text) is None:
        return None
    parts = [part.strip().upper() for part in text.split("/")]
    return text if all(part in KNOWN_AGENCIES for part in parts) else None


def looks_like_sentence(line: str) -> bool:
    """True for a line that reads as running prose rather than a headline or a label."""
    words = len(line.split())
    ends = line.rstrip(_CLOSERS)[-1:] in _TERMINAL
    return words >= 25 or (words >= 8 and ends)


def looks_like_headline(line: str) -> bool:
    """True for a short line that can serve as a title."""
    words = len(line.split())
    return 0 < words <= 30 and len(line) <= 200 and not looks_like_sentence(line)


def is_metadata(line: str) -> bool:
    """True for a header line that only carries metadata (date, agency, bare dateline)."""
    meta = parse_meta_line(line)
    return (
        (meta is not None and not meta.rest)
        or parse_byline(line) is not None
        or parse_date_line(line) is not None
        or agency_line(line) is not None
        or is_bare_dateline(line)
    )


def _head(lines: Sequence[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip()][:HEAD_LINES]


def find_published(lines: Sequence[str]) -> datetime.date | None:
    """Publication date from metadata lines or a dateline near the top; None when none is given."""
    for line in _head(lines):
        byline = parse_byline(line)
        if byline is not None and byline.published is not None:
            return byline.published
        meta = parse_meta_line(line)
        if meta is not None:
            return meta.published
        day = parse_date_line(line)
        if day is not None:
            return day
        dateline = parse_dateline(line)
        if dateline is not None and dateline.published is not None:
            return dateline.published
    return None


def find_outlet(lines: Sequence[str]) -> str | None:
    """Outlet or agency named near the top: a dateline's "(BSS/AFP)", else a bare "BSS" line."""
    head = _head(lines)
    for line in head:
        byline = parse_byline(line)
        if byline is not None and byline.outlet is not None:
            return byline.outlet
    for line in head:
        dateline = parse_dateline(line)
        if dateline is not None and dateline.agency is not None:
            return dateline.agency
    for line in head:
        agency = agency_line(line)
        if agency is not None:
            return agency
    return None


def find_author(lines: Sequence[str]) -> str | None:
    """Author named by a byline near the top, e.g. "By Elizabeth Lopatto | The Verge | ..."."""
    for line in _head(lines):
        byline = parse_byline(line)
        if byline is not None and byline.author is not None:
            return byline.author
    return None


def find_title(lines: Sequence[str]) -> str | None:
    """First headline-like line, skipping metadata; a " date 2025-02-28 " prefix is cut off."""
    for line in _head(lines):
        meta = parse_meta_line(line)
        if meta is not None:
            line = meta.rest
        if not line or is_metadata(line):
            continue
        return line if looks_like_headline(line) else None
    return None


def title_from_text(line: str, limit: int = 120) -> str:
    """A title made from the opening line when the text has no headline, cut at a word boundary."""
    line = line.lstrip("-–—•*· ")  # a list bullet is not part of a title
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
