"""A Slack thread as conversation history: fetch it, read it as `Turn`s, remember the bot's threads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.models import Turn
from bot.slack import blocks, mrkdwn
from bot.slack.dedupe import RecentKeys

MAX_TURNS = 20  # older turns rarely matter to a follow-up and would only grow the prompt
MAX_MESSAGES = 1000
_USER_SUBTYPES = {None, "thread_broadcast", "file_share"}


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is in this workspace (from auth.test)."""

    user_id: str | None
    bot_id: str | None

    def wrote(self, message: dict[str, Any]) -> bool:
        """True if the bot itself posted `message`."""
        user, bot = message.get("user"), message.get("bot_id")
        return bool((user and user == self.user_id) or (bot and bot == self.bot_id))


def is_from_a_bot(message: dict[str, Any]) -> bool:
    """True for messages posted by any bot or integration (never answered: no bot loops)."""
    return bool(message.get("bot_id") or message.get("subtype") == "bot_message")


def fetch_thread(client: WebClient, channel: str, thread_ts: str) -> list[dict[str, Any]]:
    """All messages of a thread, oldest first (conversations.replies, paginated)."""
    messages: list[dict[str, Any]] = []
    cursor: str | None = None
    while len(messages) < MAX_MESSAGES:
        page = client.conversations_replies(channel=channel, ts=thread_ts, limit=200, cursor=cursor)
        messages += page.get("messages") or []
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    return sorted(messages, key=lambda m: float(m.get("ts", 0)))


def build_history(
    messages: list[dict[str, Any]], *, me: BotIdentity, before_ts: str | None
) -> list[Turn]:
    """The thread's exchanges before `before_ts`: user questions paired with the bot's answers."""
    turns: list[Turn] = []
    pending: str | None = None
    limit = float(before_ts) if before_ts else float("inf")
    for message in messages:
        if float(message.get("ts", 0)) >= limit:
            break
        if me.wrote(message):
            answer = blocks.posted_answer(message)
            if answer.startswith(":warning:"):
                continue
            question = pending or blocks.posted_question(message) or ""
            turns.append(Turn(question=question, answer=answer))
            pending = None
        elif not is_from_a_bot(message) and message.get("subtype") in _USER_SUBTYPES:
            if pending:
                turns.append(Turn(question=pending))
            pending = mrkdwn.question_from(str(message.get("text", "")), me.user_id) or None
    if pending:
        turns.append(Turn(question=pending))
    return turns[-MAX_TURNS:]


class BotThreads:
    """Which threads the bot has answered in, so follow-ups there need no mention; thread-safe."""

    def __init__(self) -> None:
        self._answered = RecentKeys(ttl=7 * 24 * 3600)
        # Threads found to hold no answer of ours: skip re-fetching them for every reply.
        self._other = RecentKeys(ttl=3600)

    @staticmethod
    def _key(channel: str, thread_ts: str) -> str:
        return f"{channel}:{thread_ts}"

    def remember(self, channel: str, thread_ts: str) -> None:
        """Note that the bot has answered in this thread."""
        self._answered.add(self._key(channel, thread_ts))
        self._other.discard(self._key(channel, thread_ts))

    def mark_not_ours(self, channel: str, thread_ts: str) -> None:
        """Note that this thread holds no answer of the bot's."""
        self._other.add(self._key(channel, thread_ts))

    def known(self, channel: str, thread_ts: str) -> bool | None:
        """True: the bot answered here; False: it did not; None: unknown, look at the thread."""
        key = self._key(channel, thread_ts)
        if key in self._answered:
            return True
        return False if key in self._other else None
