"""Terminal rendering: the answer, then numbered sources with their verbatim quotes."""

from __future__ import annotations

from bot.models import Answer, Citation, Conflict, ConflictVersion
from bot.render import render_passages, render_text, source_line
from prompts import ABSTENTION, CANNOT_ANSWER

BRIDGE = Citation(
    n=1,
    source="bridge.txt",
    title="Harbour bridge to reopen in May",
    outlet="PNA/Reuters",
    published="2025-03-03",
    quote="The Harbour bridge will reopen to traffic on 12 May.",
    score=0.78,
    also_reported_by=["AP"],
    passage="Harbour bridge to reopen in May\n\nThe Harbour bridge will reopen to traffic on 12 May.",
)
ORCHARD = Citation(
    n=2,
    source="orchard.md",
    title="Frost damages apple harvest",
    quote="A late frost destroyed about a third of the apple blossom.",
)


def test_answer_then_numbered_sources_with_quotes():
    answer = Answer(
        question="When will the bridge reopen, and what froze?",
        answer="It reopens on 12 May [1]. Frost hit the blossom [2].",
        abstained=False,
        citations=[BRIDGE, ORCHARD],
    )
    lines = render_text(answer).splitlines()
    assert lines[0] == "It reopens on 12 May [1]. Frost hit the blossom [2]."
    assert "Sources:" in lines
    rest = lines[lines.index("Sources:") + 1 :]
    assert rest[0].startswith("[1] Harbour bridge to reopen in May · PNA/Reuters · 2025-03-03")
    assert "bridge.txt" in rest[0]
    assert rest[1].strip() == "> The Harbour bridge will reopen to traffic on 12 May."
    assert rest[2].strip() == "also reported by: AP"
    # No outlet or date: nothing empty between the separators.
    assert rest[3] == "[2] Frost damages apple harvest · orchard.md"
    assert rest[4].strip() == "> A late frost destroyed about a third of the apple blossom."
    assert "Related reading" not in render_text(answer)


def test_abstention_shows_related_reading_labelled_as_not_an_answer():
    answer = Answer(
        question="Who won the league?",
        answer=ABSTENTION,
        abstained=True,
        related=[BRIDGE],
    )
    text = render_text(answer)
    assert text.startswith(CANNOT_ANSWER)
    assert "Sources:" not in text
    assert "Related reading (not an answer):" in text
    after = text.split("Related reading (not an answer):", 1)[1]
    assert "Harbour bridge to reopen in May" in after
    assert "The Harbour bridge will reopen to traffic on 12 May." in after
    assert "[1]" not in after  # related passages are not numbered like sources


def test_abstention_without_related_is_just_the_sentence():
    answer = Answer(question="q", answer=f"{CANNOT_ANSWER}.", abstained=True)
    assert render_text(answer) == f"{CANNOT_ANSWER}."


def test_conflicts_and_note_are_shown():
    answer = Answer(
        question="How long did the talks last?",
        answer="Six hours [1]. Five hours [2].",
        abstained=False,
        citations=[BRIDGE, ORCHARD],
        conflicts=[
            Conflict(
                about="duration",
                versions=[
                    ConflictVersion(value="six hours", n=1),
                    ConflictVersion(value="five hours", n=2),
                ],
            )
        ],
        note="LLM unavailable; extractive answer",
    )
    text = render_text(answer)
    assert "(LLM unavailable; extractive answer)" in text
    assert "Sources differ:" in text
    assert "duration: six hours [1]; five hours [2]" in text


def test_source_line_without_title_uses_the_source():
    bare = Citation(n=1, source="notes.txt", quote="x")
    assert source_line(bare) == "notes.txt"


def test_render_passages_shows_whole_passages():
    answer = Answer(question="q", answer="a [1]", abstained=False, citations=[BRIDGE])
    text = render_passages(answer)
    assert text.startswith("[1] Harbour bridge to reopen in May · PNA/Reuters")
    assert BRIDGE.passage in text
    empty = Answer(question="q", answer="a", abstained=True)
    assert render_passages(empty) == "No sources for the last answer."


def test_url_sources_link_their_title_on_a_terminal():
    web = Citation(
        n=1,
        source="https://news.example/story/7",
        title="Ferry doubles summer sailings",
        quote="The island ferry service will double its summer sailings.",
    )
    plain = source_line(web)
    assert plain == "Ferry doubles summer sailings · https://news.example/story/7"
    linked = source_line(web, links=True)
    assert (
        "\x1b]8;;https://news.example/story/7\x1b\\Ferry doubles summer sailings\x1b]8;;\x1b\\"
        in linked
    )
    assert linked.endswith("https://news.example/story/7")  # still visible without hyperlinks
    assert source_line(BRIDGE, links=True) == source_line(BRIDGE)  # files are not links
