"""Render an `Answer` as a Slack Block Kit message, within Slack's limits; pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.models import Answer, Citation
from bot.render import answer_body
from bot.slack import mrkdwn

SECTION_LIMIT = 3000  # Slack: section text at most 3,000 characters
MAX_BLOCKS = 50  # Slack: at most 50 blocks per message
TEXT_LIMIT = 3000  # our cap for the plain `text` fallback (notifications, screen readers)
QUOTE_LIMIT = 700  # keeps one source readable and many sources within the block budget
MAX_ANSWER_SECTIONS = 8

FEEDBACK_UP = "feedback_up"
FEEDBACK_DOWN = "feedback_down"

# block_ids let the history reader find the question and answer in messages the bot posted.
QUESTION_BLOCK = "newsbot-question"
ANSWER_BLOCK = "newsbot-answer"
_ASKED = " asked:* "

Block = dict[str, Any]


@dataclass(frozen=True)
class SlackMessage:
    """What chat.postMessage needs: a plain `text` fallback and the blocks."""

    text: str
    blocks: list[Block]


def _section(text: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id:
        block["block_id"] = block_id
    return block


def _context(text: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
    if block_id:
        block["block_id"] = block_id
    return block


def source_line(citation: Citation) -> str:
    """`title · outlet · date`, escaped; the title links to the source when it is a URL."""
    title = mrkdwn.truncate(citation.title.strip() or citation.source, 300)
    parts = [f"*{mrkdwn.link(citation.source, title)}*"]
    parts += [
        mrkdwn.escape(mrkdwn.truncate(p, 200)) for p in (citation.outlet, citation.published) if p
    ]
    return " · ".join(parts)


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return "> " + mrkdwn.truncate(mrkdwn.escape(flat), QUOTE_LIMIT)


def _citation_text(citation: Citation, label: str) -> str:
    text = f"{label} {source_line(citation)}\n{_quote(citation.quote)}"
    if citation.also_reported_by:
        others = ", ".join(mrkdwn.escape(o) for o in citation.also_reported_by)
        text += f"\n_Also reported by: {others}_"
    return mrkdwn.truncate(text, SECTION_LIMIT)


def _pack(items: list[str], budget: int) -> list[Block]:
    """One section per item if they fit in `budget` blocks, else several items per section."""
    if len(items) <= budget:
        return [_section(item) for item in items]
    packed: list[str] = []
    for item in items:
        if packed and len(packed[-1]) + 2 + len(item) <= SECTION_LIMIT:
            packed[-1] += "\n\n" + item
        else:
            packed.append(item)
    if len(packed) <= budget:
        return [_section(text) for text in packed]
    kept = packed[: max(budget - 1, 0)]
    dropped = sum(text.count("\n> ") for text in packed[len(kept) :])
    return [_section(text) for text in kept] + [_context(f"…and {dropped} more")]


def _conflicts(answer: Answer) -> str:
    lines = []
    for conflict in answer.conflicts:
        versions = " · ".join(f"{mrkdwn.escape(v.value)} [{v.n}]" for v in conflict.versions)
        lines.append(f"{mrkdwn.escape(conflict.about)}: {versions}")
    return mrkdwn.truncate(":warning: *Sources differ* — " + "; ".join(lines), SECTION_LIMIT)


def feedback_block(answer_id: str) -> Block:
    """The 👍/👎 buttons; both carry the answer id as their value."""

    def button(action_id: str, emoji: str) -> Block:
        return {
            "type": "button",
            "action_id": action_id,
            "value": answer_id,
            "text": {"type": "plain_text", "text": emoji, "emoji": True},
        }

    return {
        "type": "actions",
        "block_id": "newsbot-feedback",
        "elements": [button(FEEDBACK_UP, "👍"), button(FEEDBACK_DOWN, "👎")],
    }


def render_answer(answer: Answer, *, answer_id: str, asked_by: str | None = None) -> SlackMessage:
    """The Block Kit message for `answer`: text with [n] markers, sources, conflicts, feedback."""
    head: list[Block] = []
    if asked_by and mrkdwn.is_user_id(asked_by):
        question = mrkdwn.truncate(mrkdwn.escape(answer.question), SECTION_LIMIT - 40)
        head.append(_context(f"*<@{asked_by}>{_ASKED}{question}", QUESTION_BLOCK))
    if answer.abstained:
        head.append(_context(":grey_question: *The articles don't answer this.*"))
    text = answer_body(answer, lambda s: f"*{s}*", mrkdwn.escape)
    body = mrkdwn.split(text, SECTION_LIMIT)[:MAX_ANSWER_SECTIONS]
    head += [_section(text, f"{ANSWER_BLOCK}-{i}") for i, text in enumerate(body or ["…"])]
    if answer.conflicts and not answer.abstained:
        head.append(_section(_conflicts(answer)))

    tail: list[Block] = []
    if answer.note:
        tail.append(_context(mrkdwn.truncate(mrkdwn.escape(answer.note), SECTION_LIMIT)))
    tail.append(feedback_block(answer_id))

    if answer.abstained:
        title = "*Related reading* — close to the question, but not an answer:"
        items = [_citation_text(c, "•") for c in answer.related]
    else:
        title = "*Sources*"
        items = [_citation_text(c, f"*[{c.n}]*") for c in answer.citations]
    middle: list[Block] = []
    if items:
        middle = [{"type": "divider"}, _context(title)]
        middle += _pack(items, MAX_BLOCKS - len(head) - len(tail) - len(middle))
    return SlackMessage(text=fallback_text(answer), blocks=head + middle + tail)


def fallback_text(answer: Answer) -> str:
    """The plain `text` of the message: the (escaped) answer, prefixed when abstaining."""
    prefix = "The articles don't answer this. " if answer.abstained else ""
    return mrkdwn.truncate(prefix + mrkdwn.escape(answer.answer), TEXT_LIMIT)


def render_warning(reason: str) -> SlackMessage:
    """A short ":warning:" reply for when answering failed."""
    text = (
        f":warning: Sorry, I couldn't answer that ({mrkdwn.escape(reason)}). The error is logged."
    )
    return SlackMessage(text=text, blocks=[])


def posted_question(message: dict[str, Any]) -> str | None:
    """The question shown on an answer the bot posted for /ask, if any."""
    for text in _block_texts(message, QUESTION_BLOCK):
        if _ASKED in text:
            return mrkdwn.unescape(text.split(_ASKED, 1)[1])
    return None


def posted_answer(message: dict[str, Any]) -> str:
    """The answer text of a message the bot posted (its answer sections, else its text)."""
    texts = _block_texts(message, ANSWER_BLOCK)
    return mrkdwn.unescape("\n\n".join(texts) if texts else str(message.get("text", "")))


def _block_texts(message: dict[str, Any], prefix: str) -> list[str]:
    texts = []
    for block in message.get("blocks") or []:
        if not str(block.get("block_id", "")).startswith(prefix):
            continue
        if block.get("type") == "section":
            texts.append(str(block.get("text", {}).get("text", "")))
        else:
            texts += [str(e.get("text", "")) for e in block.get("elements", [])]
    return texts
