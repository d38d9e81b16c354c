"""Answering one question in Slack, after the ack: 👀, history, answer, post, record; or a warning."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.models import Answer, Answerer, Turn
from bot.slack import blocks
from bot.slack.client import retry_handlers
from bot.slack.feedback import FeedbackStore
from bot.slack.history import BotIdentity, BotThreads, build_history, fetch_thread
from index.api import NewsbotError

logger = logging.getLogger(__name__)

WORKING_REACTION = "eyes"
_NOT_POSTABLE = {"not_in_channel", "channel_not_found"}  # /ask in a channel the bot has not joined


@dataclass(frozen=True)
class Question:
    """One question to answer and where the answer goes."""

    text: str
    channel: str
    user: str | None
    reply_thread_ts: str | None  # thread to answer in; None posts at top level (/ask)
    question_ts: str | None = None  # the user's message, which gets the 👀 while we work
    history_thread_ts: str | None = None  # thread whose earlier messages are the history
    follow_up: bool = False  # answer only if the bot has already answered in that thread
    asked_by: str | None = None  # /ask: shown above the answer
    response_url: str | None = None  # /ask: fallback for posting, and where errors go


class Responder:
    """Runs answering jobs on the answer pool, so slow answers never delay Slack's acks."""

    def __init__(
        self, *, answerer: Answerer, feedback: FeedbackStore, threads: BotThreads, pool: Executor
    ) -> None:
        self._answerer = answerer
        self._feedback = feedback
        self._threads = threads
        self._pool = pool

    def submit(self, question: Question, client: WebClient, me: BotIdentity) -> None:
        """Answer `question` in the background."""
        self._pool.submit(self._run, question, client, me)

    def say(self, client: WebClient, **message: Any) -> None:
        """Post a short message in the background (chat.postMessage or, with `user`, ephemeral)."""
        self._pool.submit(self._say, client, message)

    def respond(self, response_url: str, **payload: Any) -> None:
        """Send to a response_url in the background."""
        self._pool.submit(self._guarded, _respond, response_url, payload)

    def _say(self, client: WebClient, message: dict[str, Any]) -> None:
        method = client.chat_postEphemeral if "user" in message else client.chat_postMessage
        self._guarded(method, **message)

    @staticmethod
    def _guarded(func: Any, *args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except Exception:
            logger.exception("Slack call %s failed", getattr(func, "__name__", func))

    def _run(self, q: Question, client: WebClient, me: BotIdentity) -> None:
        history: list[Turn] | None = None
        if q.follow_up:
            history = self._follow_up_history(q, client, me)
            if history is None:
                return
        with self._working(client, q):
            try:
                if history is None:
                    history = self._thread_history(q, client, me)
                answer = self._answerer.answer(q.text, history=history)
                self._post_answer(q, client, answer)
            except Exception as exc:
                logger.exception("answering %r in %s failed", q.text, q.channel)
                self._warn(q, client, exc)

    def _follow_up_history(
        self, q: Question, client: WebClient, me: BotIdentity
    ) -> list[Turn] | None:
        """History of the bot's thread a follow-up is in; None if the thread is not the bot's."""
        channel, thread_ts = q.channel, q.history_thread_ts or ""
        if self._threads.known(channel, thread_ts) is False:
            return None
        try:
            messages = fetch_thread(client, channel, thread_ts)
        except Exception:
            # Unknown whose thread this is: a reply or warning there could be noise.
            logger.exception("reading thread %s in %s failed", thread_ts, channel)
            return None
        if not any(me.wrote(m) for m in messages):
            self._threads.mark_not_ours(channel, thread_ts)
            return None
        return build_history(messages, me=me, before_ts=q.question_ts)

    def _thread_history(self, q: Question, client: WebClient, me: BotIdentity) -> list[Turn]:
        """History of the thread a question was asked in; empty without one or when unreadable."""
        if not q.history_thread_ts:
            return []
        try:
            messages = fetch_thread(client, q.channel, q.history_thread_ts)
        except SlackApiError as err:
            # E.g. missing_scope for a private channel: still answer, just without the thread.
            logger.warning(
                "reading thread %s failed (%s); answering without history",
                q.history_thread_ts,
                err.response.get("error"),
            )
            return []
        return build_history(messages, me=me, before_ts=q.question_ts)

    @contextmanager
    def _working(self, client: WebClient, q: Question) -> Iterator[None]:
        """👀 on the question while the answer is being made."""
        if q.question_ts:
            self._react(client.reactions_add, q)
        try:
            yield
        finally:
            if q.question_ts:
                self._react(client.reactions_remove, q)

    @staticmethod
    def _react(method: Any, q: Question) -> None:
        try:
            method(channel=q.channel, timestamp=q.question_ts, name=WORKING_REACTION)
        except SlackApiError as err:
            # Progress is a nicety: a missing scope or a duplicate must not cost the answer.
            logger.warning("%s failed: %s", method.__name__, err.response.get("error"))

    def _post_answer(self, q: Question, client: WebClient, answer: Answer) -> None:
        answer_id = uuid.uuid4().hex
        message = blocks.render_answer(answer, answer_id=answer_id, asked_by=q.asked_by)
        message_ts = self._post(q, client, message)
        thread_ts = q.reply_thread_ts or message_ts
        if thread_ts:
            self._threads.remember(q.channel, thread_ts)
        try:
            self._feedback.record_answer(
                answer_id=answer_id,
                question=q.text,
                answer=answer.answer,
                abstained=answer.abstained,
                channel=q.channel,
                thread_ts=thread_ts,
                message_ts=message_ts,
                asked_by=q.user,
            )
        except Exception:
            logger.exception("storing answer %s for feedback failed", answer_id)

    @staticmethod
    def _post(q: Question, client: WebClient, message: blocks.SlackMessage) -> str | None:
        """Post the answer; its ts, or None when it went through /ask's response_url."""
        try:
            response = client.chat_postMessage(
                channel=q.channel,
                thread_ts=q.reply_thread_ts,
                text=message.text,
                blocks=message.blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
            return str(response["ts"])
        except SlackApiError as err:
            if not (q.response_url and err.response.get("error") in _NOT_POSTABLE):
                raise
        _respond(
            q.response_url,
            {"response_type": "in_channel", "text": message.text, "blocks": message.blocks},
        )
        return None

    def _warn(self, q: Question, client: WebClient, exc: BaseException) -> None:
        """Tell the asker that answering failed: in the thread, or privately for /ask."""
        # newsbot's own errors say what is wrong and hold no secrets ("cannot reach the Chroma
        # server at ..."); anything else is named by its class only.
        reason = str(exc) if isinstance(exc, NewsbotError) else type(exc).__name__
        text = blocks.render_warning(reason).text
        if q.response_url:
            self._guarded(_respond, q.response_url, {"response_type": "ephemeral", "text": text})
        else:
            self._guarded(
                client.chat_postMessage, channel=q.channel, thread_ts=q.reply_thread_ts, text=text
            )


def _respond(url: str | None, payload: dict[str, Any]) -> None:
    """POST `payload` to a Slack response_url; raises when Slack refuses it."""
    if not url:
        raise ValueError("no response_url to respond to")
    response = WebhookClient(url, retry_handlers=retry_handlers()).send_dict(payload)
    if response.status_code != 200:
        raise RuntimeError(f"response_url answered {response.status_code}: {response.body}")
