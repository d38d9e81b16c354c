"""Citations are pure functions: numbering, one number per story, verbatim quotes, stray markers."""

from __future__ import annotations

from bot.answer.citations import (
    Used,
    build_citations,
    cited_numbers,
    normalise_space,
    strip_unknown_markers,
)
from bot.models import Citation
from index.retrieve import Passage


def passage(story: str, text: str, *, source: str | None = None, **extra) -> Passage:
    """A retrieved passage as the retriever would return it (only what citations read)."""
    fields = {
        "chunk_id": f"{story}:0000",
        "text": text,
        "article_id": story,
        "story_id": story,
        "source": source or f"{story}.txt",
        "title": f"Title of {story}",
        "outlet": "AP",
        "published": "2025-04-10",
        "start": 0,
        "end": len(text),
        "score": 0.812345,
        "fused": 0.03,
    }
    fields.update(extra)
    return Passage(**fields)


BRIDGE = passage(
    "bridge",
    "The bridge reopens on 12 May.\n  Repairs   cost 84 million euros.",
    also_reported_by=("Reuters",),
)
ORCHARD = passage("orchard", "Frost destroyed a third of the blossom.", published=None)
BRIDGE_COPY = passage("bridge", "Engineers replaced 400 cables.", source="copy.txt")


def span(p: Passage, sentence: str) -> tuple[int, int]:
    start = p.text.index(sentence)
    return start, start + len(sentence)


def test_numbers_follow_first_use_and_stories_share_one_number():
    used = [
        Used(ORCHARD, (0, len(ORCHARD.text))),
        Used(BRIDGE, span(BRIDGE, "The bridge reopens on 12 May.")),
        Used(BRIDGE_COPY, (0, len(BRIDGE_COPY.text))),  # another copy of the bridge story
        Used(ORCHARD, (0, 5)),
    ]
    citations, numbers = build_citations(used)
    assert numbers == [1, 2, 2, 1]
    assert [c.n for c in citations] == [1, 2]
    assert [c.source for c in citations] == ["orchard.txt", "bridge.txt"]
    # The story's quote is the first span used, verbatim.
    assert citations[1].quote == "The bridge reopens on 12 May."


def test_citation_carries_normalised_verbatim_quote_and_metadata():
    sentence = "Repairs   cost 84 million euros."
    (c,), numbers = build_citations([Used(BRIDGE, span(BRIDGE, sentence))])
    assert numbers == [1]
    assert c.quote == "Repairs cost 84 million euros."
    assert c.quote == normalise_space(sentence)
    assert c.quote in normalise_space(BRIDGE.text)
    assert (c.title, c.outlet, c.published) == ("Title of bridge", "AP", "2025-04-10")
    assert c.score == 0.8123
    assert c.also_reported_by == ["Reuters"]
    assert c.passage == BRIDGE.text


def test_quote_spanning_a_line_break_is_one_line():
    (c,), _ = build_citations([Used(BRIDGE, (0, len(BRIDGE.text)))])
    assert c.quote == "The bridge reopens on 12 May. Repairs cost 84 million euros."


def test_no_used_spans_no_citations():
    assert build_citations([]) == ([], [])


def test_strip_unknown_markers_drops_only_markers_pointing_nowhere():
    text = "Reopens 12 May [1]. Cost 84m [2]. Invented [9]."
    assert strip_unknown_markers(text, {1, 2}) == "Reopens 12 May [1]. Cost 84m [2]. Invented."
    assert strip_unknown_markers(text, set()) == "Reopens 12 May. Cost 84m. Invented."
    assert strip_unknown_markers("no markers", {1}) == "no markers"


def test_cited_numbers_in_order_of_first_use():
    assert cited_numbers("a [3] b [1] c [3] d [2]") == [3, 1, 2]
    assert cited_numbers("none") == []


def _citation(n: int) -> Citation:
    return Citation(n=n, source=f"s{n}.txt", quote=f"quote {n}")
