"""Slack mrkdwn text helpers: escaping, mention stripping, length-safe splitting."""

from __future__ import annotations

import re

_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
# mrkdwn has no escape for its formatting characters, so text shows look-alikes instead: `*`,
# `~` and backticks always, `_` where it could open or close italics (not inside snake_case).
_LOOKALIKES = {"*": "\u2217", "~": "\u223c", "`": "\u02cb", "_": "\u02cd"}
_MARKUP = re.compile(r"[*~`]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ORIGINALS = {v: k for k, v in _LOOKALIKES.items()}
_LOOKALIKE = re.compile("|".join(_ORIGINALS))
_ENTITY_TAIL = re.compile(r"&[a-z]{0,4}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9_]{2,}$")
_SAFE_URL = re.compile(r"^https?://[^\s|<>]+$")


def escape(text: str) -> str:
    """Make text show literally: `<!channel>` pings nobody, `*bold*` and ``` stay characters."""
    for raw, entity in _ESCAPES:
        text = text.replace(raw, entity)
    return _MARKUP.sub(lambda m: _LOOKALIKES[m.group(0)], text)


def unescape(text: str) -> str:
    """Undo `escape` (and Slack's own escaping of `&`, `<`, `>` in text Slack sends us)."""
    text = _LOOKALIKE.sub(lambda m: _ORIGINALS[m.group(0)], text)
    for raw, entity in reversed(_ESCAPES):
        text = text.replace(entity, raw)
    return text


def is_user_id(value: str | None) -> bool:
    """True for a Slack user id such as U012AB3CD (safe to wrap in `<@...>`)."""
    return bool(value and _USER_ID.match(value))


def mentions(text: str, user_id: str | None) -> bool:
    """True when `text` (as Slack sends it) @-mentions `user_id`."""
    return (
        bool(user_id) and re.search(rf"<@{re.escape(user_id or '')}(\|[^>]*)?>", text) is not None
    )


def question_from(text: str, bot_user_id: str | None) -> str:
    """The question a user typed: bot mention removed, Slack's escaping undone, spaces tidied."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    return " ".join(unescape(text).split())


def link(url: str, label: str) -> str:
    """A mrkdwn link to `url` labelled with (escaped) `label`; just the label if the URL is odd."""
    if not _SAFE_URL.match(url):
        return escape(label)
    return f"<{url.replace('&', '&amp;')}|{escape(label)}>"


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    # Never leave half an entity such as "&am" behind (escaped text is cut too).
    cut = _ENTITY_TAIL.sub("", cut)
    return cut.rstrip() + "…"


def split(text: str, limit: int) -> list[str]:
    """Split `text` into pieces of at most `limit` characters, at paragraph, line or word breaks."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            # One unbroken run of characters: cut hard, but not inside an entity.
            partial = _ENTITY_TAIL.search(window)
            cut = limit - len(partial.group(0)) if partial else limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
