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


def source_line(c: Citation) -> str:
    """'Title · Outlet · 2025-04-10 · file.txt'."""
    parts = [c.title or c.source, c.outlet or "", c.published or "", c.source if c.title else ""]
    return " · ".join(p for p in parts if p)


def render_text(answer: Answer, bold: Callable[[str], str] = str) -> str:
    """Text for a terminal, sources numbered as in the answer; `bold` styles the short answer."""
    short, rest = split_lead(answer)
    lines = [(bold(short) if short else "") + rest]
    if answer.note:
        lines += ["", f"({answer.note})"]
    if answer.conflicts:
        lines += ["", "Sources differ:"]
        for conflict in answer.conflicts:
            versions = "; ".join(f"{v.value} [{v.n}]" for v in conflict.versions)
            lines.append(f"  {conflict.about}: {versions}")
    if answer.citations:
        lines += ["", "Sources:"]
        lines += _cited(answer.citations)
    if answer.abstained and answer.related:
        lines += ["", "Related reading (not an answer):"]
        lines += _cited(answer.related, numbered=False)
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


def _cited(citations: list[Citation], *, numbered: bool = True) -> list[str]:
    lines = []
    for c in citations:
        head = f"[{c.n}] " if numbered else "- "
        lines.append(head + source_line(c))
        lines.append(f"    > {c.quote}")
        if c.also_reported_by:
            lines.append(f"    also reported by: {', '.join(c.also_reported_by)}")
    return lines
