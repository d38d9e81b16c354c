"""Citations as pure functions: numbering, one per story, verbatim quotes, stray-marker stripping."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.models import Citation
from index.api import Passage

_MARKER = re.compile(r"\s*\[(\d+)\]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Used:
    """A span of a passage that an answer rests on."""

    passage: Passage
    span: tuple[int, int]  # inside passage.text
    score: float = 0.0
    group: str | None = None  # what shares one number; default: the passage's story


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace to one space and trim."""
    return _SPACE.sub(" ", text).strip()


def build_citations(used: Sequence[Used]) -> tuple[list[Citation], list[int]]:
    """Number sources in order of first use, one number per story.

    Returns the citations and, for each item of `used`, the number it cites. Two spans of one
    story share the story's number; the quote holds the first span used.
    """
    citations: list[Citation] = []
    numbers: list[int] = []
    by_story: dict[str, int] = {}
    for item in used:
        p = item.passage
        key = item.group or p.story_id
        n = by_story.get(key)
        if n is None:
            n = len(citations) + 1
            by_story[key] = n
            a, b = item.span
            citations.append(
                Citation(
                    n=n,
                    source=p.source,
                    title=p.title,
                    outlet=p.outlet,
                    published=p.published,
                    quote=normalise_space(p.text[a:b]),
                    score=round(float(p.score), 4),
                    also_reported_by=list(p.also_reported_by),
                    passage=p.text,
                )
            )
        numbers.append(n)
    return citations, numbers


def strip_unknown_markers(text: str, known: set[int]) -> str:
    """Remove [n] markers that point at no citation (e.g. invented by an LLM)."""
    return _MARKER.sub(lambda m: m.group(0) if int(m.group(1)) in known else "", text)


def cited_numbers(text: str) -> list[int]:
    """The citation numbers a text uses, in order of first use."""
    return list(dict.fromkeys(int(m) for m in _MARKER.findall(text)))
