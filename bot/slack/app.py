"""The bolt App factory: newsbot's listeners wired to an answerer, a Web API client and storage."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from bot.models import Answerer
from bot.settings import Settings
from bot.slack.client import build_client
from bot.slack.dedupe import DeduplicateEvents, RecentKeys
from bot.slack.feedback import FeedbackStore, default_path
from bot.slack.history import BotThreads
from bot.slack.listeners import Listeners
from bot.slack.pools import WorkerPools
from bot.slack.responder import Responder

SEEN_TTL = 3600.0  # Slack retries an event for a few minutes; an hour leaves a wide margin


def create_app(
    *,
    settings: Settings,
    answerer: Answerer,
    client: WebClient | None = None,
    feedback: FeedbackStore | None = None,
    pools: WorkerPools | None = None,
) -> App:
    """A bolt App answering mentions, DMs, /ask and thread follow-ups with `answerer`.

    Up to `pools.size` answers run at once, so the answerer must be thread-safe. Whoever
    passes `pools` shuts them down; without it the app makes its own, which live as long as
    the process.
    """
    client = client or build_client(settings)
    feedback = feedback or FeedbackStore(default_path(settings.home))
    pools = pools or WorkerPools()
    seen = RecentKeys(ttl=SEEN_TTL)
    app = App(
        name="newsbot",
        logger=logging.getLogger("newsbot.slack.bolt"),
        client=client,
        # An explicit "" keeps bolt from reading SLACK_SIGNING_SECRET from the environment itself.
        signing_secret=settings.slack_signing_secret or "",
        # serve() checks the token at start-up with a clear message; bolt's own check would
        # raise a generic BoltError here and make building an app a network call.
        token_verification_enabled=False,
        # Listeners only sort events and hand answers to the answer pool: a few threads keep
        # every ack fast (commands and buttons ack inside their listener).
        listener_executor=pools.listeners,
    )
    app.use(DeduplicateEvents(seen))
    responder = Responder(
        answerer=answerer, feedback=feedback, threads=BotThreads(), pool=pools.answers
    )
    Listeners(settings=settings, responder=responder, feedback=feedback, seen=seen).register(app)
    return app
