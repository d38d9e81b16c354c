"""Answers as terminal text: the answer, then numbered sources with their verbatim quotes."""

from __future__ import annotations

from collections.abc import Callable

from bot.models import Answer, Citation


def split_lead(answer: Answer) -> tuple[str, str]:
    """The answer text as (short answer it leads with, the rest); ("", text) when it has none."""
    short = answer.short_answer or ""
    if short and not answer.abstained and answer.answer.startswith(short):
        return short, answer.answer[len(short) :]
    return "", answer.answer


def answer_body(
    answer: Answer, bold: Callable[[str], str] = str, escape: Callable[[str], str] = str
) -> str:
    """The answer text with its short answer in `bold`; a shaped answer's lines as bullets with
    their dates and speakers/outlets in `bold` (`escape` is applied to article text)."""
    if not answer.lines:
        short, rest = split_lead(answer)
        return (bold(escape(short)) if short else "") + escape(rest)
    head = answer.model_copy(update={"answer": answer.answer.split("\n", 1)[0], "lines": []})
    bullets = [f"• {line.as_text(bold, escape)}" for line in answer.lines]
    return "\n".join([answer_body(head, bold, escape), *bullets])


def source_line(c: Citation, *, links: bool = False) -> str:
    """'Title · Outlet · 2025-04-10 · file.txt'; with `links`, a URL source's title is a
    terminal hyperlink (OSC 8) to it, the URL still printed for terminals without them."""
    title = c.title or c.source
    if links and c.title and c.source.startswith(("http://", "https://")):
        title = f"\x1b]8;;{c.source}\x1b\\{title}\x1b]8;;\x1b\\"
    parts = [title, c.outlet or "", c.published or "", c.source if c.title else ""]
    return " · ".join(p for p in parts if p)


def render_text(answer: Answer, bold: Callable[[str], str] = str, *, links: bool = False) -> str:
    """Text for a terminal, sources numbered as in the answer; `bold` styles the short answer,
    `links` makes the titles of URL sources hyperlinks (for a TTY)."""
    lines = [answer_body(answer, bold)]
    if answer.note:
        lines += ["", f"({answer.note})"]
    if answer.conflicts:
        lines += ["", "Sources differ:"]
        for conflict in answer.conflicts:
            versions = "; ".join(f"{v.value} [{v.n}]" for v in conflict.versions)
            lines.append(f"  {conflict.about}: {versions}")
    if answer.citations:
        lines += ["", "Sources:"]
        lines += _cited(answer.citations, links=links)
    if answer.abstained and answer.related:
        lines += ["", "Related reading (not an answer):"]
        lines += _cited(answer.related, numbered=False, links=links)
    return "\n".join(lines)


def render_passages(answer: Answer) -> str:
    """The whole retrieved passages behind the last answer (chat's /sources)."""
    cited = answer.citations or answer.related
    if not cited:
        return "No sources for the last answer."
    blocks = []
    for c in cited:
        blocks.append(f"[{c.n}] {source_line(c)}\n{c.passage or c.quote}")
    return "\n\n".join(blocks)


def _cited(citations: list[Citation], *, numbered: bool = True, links: bool = False) -> list[str]:
    lines = []
    for c in citations:
        head = f"[{c.n}] " if numbered else "- "
        lines.append(head + source_line(c, links=links))
        lines.append(f"    > {c.quote}")
        if c.also_reported_by:
            lines.append(f"    also reported by: {', '.join(c.also_reported_by)}")
    return lines
