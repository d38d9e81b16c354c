"""Strip page furniture from an article's text, keeping every article sentence verbatim.

Cleaning only drops whole lines and normalises whitespace; it never edits a word, so a quote
taken from `CleanedArticle.text` is a substring of the source modulo whitespace.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from index import metadata

# Bump whenever the output of clean_article changes: it is part of the Chroma collection name.
CLEANER_VERSION = "3"  # 2: bylines and credit lines, photo captions, subscribe lines; 3: credit
# lines under a headline that reads as a sentence ("Devices are on sale."), "By X at Place" bylines

# A line that is exactly one of these starts the page's trailing block (related stories, lists).
_TRAILING_MARKERS = frozenset(
    {
        "similar news", "latest news", "latest", "recommended", "most viewed", "most read",
        "most popular", "related news", "related articles", "related stories", "more news",
        "more stories", "top news", "top stories", "trending", "trending now", "you may also like",
        "you might also like", "read next", "editor's picks", "also read", "more from this section",
    }
)  # fmt: skip
# Lines dropped on their own wherever they appear (share bars, ad slots).
_DROP_LINES = frozenset(
    {
        "advertisement", "sponsored", "share", "share this article", "share on facebook",
        "share on twitter", "print", "email", "facebook", "twitter", "whatsapp", "linkedin",
    }
)  # fmt: skip
# Every ASCII byte but A-Z and a-z, exactly the ASCII characters str.isalpha accepts.
_ASCII_NON_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_BULLET_RE = re.compile(r"^(?:[•·▪►»*–—-]+|\d{1,2}[.)])\s*")
_LINK_LINE_RE = re.compile(
    r"(?i)^(?:read more|read also|also read|see also|also see|related|recommended|more on this)"
    r"\s*[:|»>–—-]"
)
_RELATIVE_TIME_RE = re.compile(
    r"(?i)^(?:updated|published|posted)?\s*\d+\s+(?:minutes?|mins?|hours?|hrs?|days?)\s+ago$"
)
# Leaked server-side template code, e.g. "Quark.Models.Entities.Ancestor?.Title?.ToUpper...".
_TEMPLATE_RE = re.compile(r"\b\w+(?:\??\.\w+){2,}(?:\?\.|\(\))|\{\{|\}\}|<%|%>|@Model\b")
# "WORLD Trump cuts short..." followed by "Trump cuts short...": a section-labelled teaser.
_SECTION_LABEL_RE = re.compile(r"([A-Z]{3,}(?: [A-Z]{3,})?) (\S.*)")
# Photo captions and credits, newsletter and subscribe prompts: never article content.
_CAPTION_RE = re.compile(
    r"(?i)^(?:\(?(?:photo|image|picture|photograph|caption|credit|video|graphic)s?"
    r"(?:\s+(?:caption|credit|source|by))?\s*[:|)]|image copyright\b|getty images$)"
    r"|(?i:(?:/|\|\s*)(?:getty images|reuters|ap photo|afp(?: via getty images)?|shutterstock|"
    r"epa|alamy)\)?\.?$)"
)
_SUBSCRIBE_RE = re.compile(
    r"(?i)^(?:sign up|subscribe|join)\b.{0,80}(?:newsletter|inbox|updates|subscribe|free)"
    r"|^(?:follow us|share this|click here|download (?:our|the) app)\b"
)
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))
_TERMINAL = ".!?:;\"'”’)»"


@dataclass(frozen=True)
class CleanedArticle:
    """An article with furniture removed: title first, then body paragraphs joined by blank lines."""

    text: str
    title: str
    published: datetime.date | None
    outlet: str | None
    removed: tuple[str, ...] = ()
    author: str | None = None


def clean_article(raw: str) -> CleanedArticle:
    """Clean a plain-text or markdown article (already decoded)."""
    removed: list[str] = []
    lines = _cut_trailing_block(paragraph_lines(raw), removed)
    start = next((i for i, line in enumerate(lines) if metadata.looks_like_sentence(line)), None)
    start = len(lines) if start is None else start
    latin = _mostly_latin(lines)
    header = [line for line in lines[:start] if _keep(line, removed, header=True, latin=latin)]
    body = [line for line in lines[start:] if _keep(line, removed, header=False, latin=latin)]
    body = _drop_trailing_headlines(body, removed)

    # Credit lines right under the first sentence-like line (a headline ending in "." or "?")
    # still describe the article.
    head = start + 1
    while head < min(len(lines), metadata.HEAD_LINES) and metadata.is_metadata(lines[head]):
        head += 1
    found = metadata.find_title(header)
    paragraphs = [found] if found else []
    placed = False
    for line in header + body:
        kept = _strip_meta(line)
        if found and _same(kept, found):
            # The headline is printed once up front; later copies (and a copy glued to a date
            # line) are furniture.
            if line == found and not placed:
                placed = True
            else:
                removed.append(line)
        elif kept:
            paragraphs.append(kept)
    return CleanedArticle(
        text="\n\n".join(paragraphs),
        title=found or metadata.title_from_text(paragraphs[0] if paragraphs else ""),
        published=metadata.find_published(lines[:head]),
        outlet=metadata.find_outlet(lines[:head]),
        removed=tuple(removed),
        author=metadata.find_author(lines[:head]),
    )


def paragraph_lines(raw: str) -> list[str]:
    """Split text into whitespace-normalised paragraph lines, rejoining hard-wrapped sentences."""
    out: list[str] = []
    previous_blank = True
    for source in raw.translate(_INVISIBLE).splitlines():
        line = _MD_HEADING_RE.sub("", " ".join(source.split()))
        if not line:
            previous_blank = True
            continue
        # A lowercase start right under an unfinished line is a wrapped sentence, not a new line.
        if out and not previous_blank and out[-1][-1] not in _TERMINAL and line[0].islower():
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        previous_blank = False
    return out


def _cut_trailing_block(lines: list[str], removed: list[str]) -> list[str]:
    """Drop everything from the first trailing-block marker on, once some article text precedes it."""
    seen_sentence = False
    for i, line in enumerate(lines):
        if seen_sentence and _starts_trailing_block(lines, i):
            removed.extend(lines[i:])
            return lines[:i]
        seen_sentence = seen_sentence or metadata.looks_like_sentence(line)
    return lines


def _starts_trailing_block(lines: Sequence[str], i: int) -> bool:
    line = lines[i]
    if _key(line) in _TRAILING_MARKERS or _TEMPLATE_RE.search(line):
        return True
    label = _SECTION_LABEL_RE.fullmatch(line)
    return bool(label and i + 1 < len(lines) and _same(label.group(2), lines[i + 1]))


def _keep(line: str, removed: list[str], *, header: bool, latin: bool) -> bool:
    """Decide whether a single line is article content; record it in `removed` if not."""
    key = _key(line)
    furniture = (
        not any(ch.isalnum() for ch in line)  # bullets, rules, stray punctuation
        or (line.isdigit() and len(line) <= 6)  # view/comment counters, also "১০"
        or key in _DROP_LINES
        or key in _TRAILING_MARKERS
        or bool(_LINK_LINE_RE.match(line) and len(line.split()) <= 30)
        or bool(_RELATIVE_TIME_RE.match(line))
        or bool(_TEMPLATE_RE.search(line) and not metadata.looks_like_sentence(line))
        or (latin and _is_stray_script(line))
        or _is_bare_meta(line)
        or metadata.parse_byline(line) is not None
        or bool(_CAPTION_RE.search(line) and len(line.split()) <= 40)
        or bool(_SUBSCRIBE_RE.match(line) and len(line.split()) <= 30)
        or (header and metadata.is_metadata(line))
    )
    if furniture:
        removed.append(line)
    return not furniture


def _drop_trailing_headlines(body: list[str], removed: list[str]) -> list[str]:
    """Drop a closing run of three or more headlines where headlines are printed twice."""
    end = len(body)
    while end > 0 and _headline_item(body[end - 1]):
        end -= 1
    run = body[end:]
    # Only repeated pairs are proof enough: an article may well end on a list of its own.
    repeats = sum(1 for a, b in itertools.pairwise(run) if _same(a, b))
    if len(run) >= 3 and end > 0 and repeats >= 2:
        removed.extend(run)
        return body[:end]
    return body


def _headline_item(line: str) -> bool:
    words = len(line.split())
    return 3 <= words <= 20 and line[-1] not in ".!?:;" and not metadata.looks_like_sentence(line)


def _is_stray_script(line: str) -> bool:
    """A short token with letters but none of them ASCII, e.g. a menu label in another script."""
    if len(line) > 20:  # checked first: this runs on every line of every article
        return False
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and not any(ch.isascii() for ch in letters)


def _mostly_latin(lines: Sequence[str]) -> bool:
    # ASCII letters counted by a regex, the (rare) other characters one by one: a loop over
    # every character took 0.1 s per 300 articles, this ~0.01 s (same verdict).
    text = "".join(lines)
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _ASCII_NON_LETTERS))
    other_letters = sum(1 for ch in _NON_ASCII.findall(text) if ch.isalpha())
    return ascii_letters >= 0.8 * (ascii_letters + other_letters)


def _is_bare_meta(line: str) -> bool:
    """A labelled metadata line with nothing else on it ("Update: 2025-02-28 18:42 GMT")."""
    meta = metadata.parse_meta_line(line)
    return meta is not None and not meta.rest


def _strip_meta(line: str) -> str:
    """Cut a metadata prefix glued to a line (" date 2025-02-28 <headline>")."""
    meta = metadata.parse_meta_line(line)
    return meta.rest if meta is not None else line


def _key(line: str) -> str:
    return _BULLET_RE.sub("", line).strip(" :|»>").casefold()


def _same(a: str, b: str) -> bool:
    """Equal up to case, quotes and list bullets ("1. Title" repeats "'Title'")."""

    def norm(s: str) -> str:
        return re.sub(r"[\W_]+", " ", _BULLET_RE.sub("", s)).strip().casefold()

    return norm(a) == norm(b) != ""
