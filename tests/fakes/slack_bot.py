"""A running bot under test: the real app behind the real HTTP server, and the fakes around it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import Answerer
from bot.slack.feedback import FeedbackStore
from bot.slack.servers import HttpServer
from tests.fakes.answerer import FakeAnswerer
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_events import SlackSender, event_callback, message_event


@dataclass
class RunningBot:
    """The real app behind the real HTTP server, and the fakes around it."""

    server: HttpServer
    sender: SlackSender
    answerer: Answerer
    api: FakeSlackApi
    feedback: FeedbackStore

    def settle(self) -> None:
        """Send a DM and wait for its answer: with workers=1, everything sent before is done."""
        event = message_event("settle?", channel="D_SETTLE", channel_type="im", user="U_SETTLE")
        assert self.sender.event(event_callback(event)).status == 200
        self.api.wait_for_post(channel="D_SETTLE", thread_ts=event["ts"])

    @property
    def fake(self) -> FakeAnswerer:
        """The answerer, when it is the FakeAnswerer."""
        assert isinstance(self.answerer, FakeAnswerer), "the bot runs a real answerer"
        return self.answerer

    def questions(self) -> list[str]:
        """Questions the fake answerer got, without settle()'s."""
        return [q for q in self.fake.questions() if q != "settle?"]
