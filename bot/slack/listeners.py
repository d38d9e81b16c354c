"""Bolt listeners: which Slack events are questions, and handing them to the responder."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.settings import Settings
from bot.slack import blocks, mrkdwn
from bot.slack.dedupe import RecentKeys, message_keys
from bot.slack.feedback import FeedbackStore, Vote
from bot.slack.history import BotIdentity, is_from_a_bot
from bot.slack.responder import Question, Responder

logger = logging.getLogger(__name__)

USAGE = "Ask me about the news articles, e.g. `/ask who led the US delegation in Istanbul?`"
NOT_HERE = "I only answer in the channels I'm set up for; try a direct message."
_USER_SUBTYPES = {None, "thread_broadcast", "file_share"}


def _me(context: BoltContext) -> BotIdentity:
    return BotIdentity(user_id=context.bot_user_id, bot_id=context.bot_id)


class Listeners:
    """The app's event, command and action listeners; each returns quickly after the ack."""

    def __init__(
        self, *, settings: Settings, responder: Responder, feedback: FeedbackStore, seen: RecentKeys
    ) -> None:
        self._settings = settings
        self._responder = responder
        self._feedback = feedback
        self._seen = seen
        self._allowed = set(settings.slack_allowed_channels)

    def register(self, app: App) -> None:
        """Attach the listeners to `app`."""
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.command("/ask")(self.on_ask)
        app.action(blocks.FEEDBACK_UP)(self.on_feedback)
        app.action(blocks.FEEDBACK_DOWN)(self.on_feedback)

    def _allows(self, channel: str) -> bool:
        # Direct messages are private to the asker; the allowlist is about shared channels.
        return not self._allowed or channel in self._allowed or channel.startswith("D")

    def on_mention(self, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """@newsbot in a channel: answer in a thread under the question."""
        me = _me(context)
        if is_from_a_bot(event) or me.wrote(event) or not event.get("user"):
            return
        channel, user = event["channel"], event["user"]
        if not self._allows(channel):
            logger.info("ignoring a mention in %s: not in slack_allowed_channels", channel)
            self._responder.say(client, channel=channel, user=user, text=NOT_HERE)
            return
        self._answer_message(event, client, me, follow_up=False)

    def on_message(self, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """Direct messages, and follow-ups in the bot's threads."""
        me = _me(context)
        if event.get("subtype") not in _USER_SUBTYPES or is_from_a_bot(event):
            return
        if me.wrote(event) or not event.get("user"):
            return
        if event.get("channel_type") == "im":
            self._answer_message(event, client, me, follow_up=False)
            return
        thread_ts = event.get("thread_ts")
        if not thread_ts or thread_ts == event.get("ts"):
            return  # top-level chatter in a channel: only a mention is a question
        if mrkdwn.mentions(str(event.get("text", "")), me.user_id):
            return  # the app_mention copy of this message is the one answered
        if self._settings.slack_thread_followups_need_mention or not self._allows(event["channel"]):
            return
        self._answer_message(event, client, me, follow_up=True)

    def _answer_message(
        self, event: dict[str, Any], client: WebClient, me: BotIdentity, *, follow_up: bool
    ) -> None:
        if not self._seen.claim(*message_keys(event)):
            logger.info("skipping message %s: already answered", event.get("ts"))
            return
        channel, ts, thread_ts = event["channel"], event["ts"], event.get("thread_ts")
        text = mrkdwn.question_from(str(event.get("text", "")), me.user_id)
        if not text:
            self._responder.say(client, channel=channel, thread_ts=thread_ts or ts, text=USAGE)
            return
        question = Question(
            text=text,
            channel=channel,
            user=event.get("user"),
            reply_thread_ts=thread_ts or ts,
            question_ts=ts,
            history_thread_ts=thread_ts if thread_ts != ts else None,
            follow_up=follow_up,
        )
        self._responder.submit(question, client, me)

    def on_ask(
        self, ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        """/ask QUESTION: ack at once, then post the answer in the channel."""
        text = mrkdwn.question_from(str(command.get("text", "")), context.bot_user_id)
        channel, user = command["channel_id"], command.get("user_id")
        if not text:
            ack(text=USAGE)
            return
        if not self._allows(channel):
            ack(text=NOT_HERE)
            return
        if not self._seen.claim(f"trigger:{command.get('trigger_id', '')}"):
            ack()
            return
        ack(text=f":eyes: Looking into: {mrkdwn.escape(mrkdwn.truncate(text, 200))}")
        question = Question(
            text=text,
            channel=channel,
            user=user,
            reply_thread_ts=None,
            asked_by=user,
            response_url=command.get("response_url"),
        )
        self._responder.submit(question, client, _me(context))

    def on_feedback(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        """👍/👎 on an answer: store the vote and thank the voter privately."""
        ack()
        vote: Vote = "up" if action.get("action_id") == blocks.FEEDBACK_UP else "down"
        user = (body.get("user") or {}).get("id")
        channel = (body.get("channel") or {}).get("id")
        try:
            self._feedback.record_vote(
                answer_id=str(action.get("value", "")), vote=vote, user=user, channel=channel
            )
            text = f"Thanks for the feedback {'👍' if vote == 'up' else '👎'}"
        except Exception:
            logger.exception("storing a %s vote failed", vote)
            text = ":warning: Sorry, I couldn't save your feedback. The error is logged."
        if body.get("response_url"):
            self._responder.respond(
                body["response_url"], response_type="ephemeral", replace_original=False, text=text
            )
