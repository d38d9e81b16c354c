"""`newsbot slack`: check the credentials, build the app, and serve it in Socket Mode or HTTP mode."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.models import Answerer
from bot.settings import Settings
from bot.slack.app import create_app
from bot.slack.client import build_client, check_auth, check_settings
from bot.slack.feedback import FeedbackStore
from bot.slack.pools import WorkerPools
from bot.slack.servers import HttpServer, SocketModeServer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Service:
    """A running bot: the connection to Slack and the threads answering."""

    server: HttpServer | SocketModeServer
    pools: WorkerPools

    def stop(self) -> None:
        """Stop taking events, then let the answers already under way finish."""
        self.server.stop()
        self.pools.shutdown()


def start_server(
    settings: Settings,
    answerer: Answerer,
    *,
    port: int | None = None,
    host: str = "0.0.0.0",
    client: WebClient | None = None,
    feedback: FeedbackStore | None = None,
    workers: int = 8,
) -> Service:
    """Check the tokens, build the app and start receiving events; raises SlackConfigError."""
    socket_mode = check_settings(settings)
    client = client or build_client(settings)
    bot = check_auth(client)
    pools = WorkerPools(workers)
    app = create_app(
        settings=settings, answerer=answerer, client=client, feedback=feedback, pools=pools
    )
    server: HttpServer | SocketModeServer
    if socket_mode:
        server = SocketModeServer(app, app_token=settings.slack_app_token or "")
        where = "Socket Mode"
    else:
        http = HttpServer(app, host=host, port=settings.port if port is None else port)
        server, where = http, f"HTTP mode on {http.url}"
    try:
        server.start()
    except BaseException:
        pools.shutdown()
        raise
    logger.info("newsbot answers in Slack as %s (%s) in %s", bot["user_id"], bot["team"], where)
    return Service(server, pools)


def serve(settings: Settings, answerer: Answerer, *, port: int | None = None) -> None:
    """Run the Slack bot until interrupted (Ctrl-C raises KeyboardInterrupt after a clean stop)."""
    service = start_server(settings, answerer, port=port)
    try:
        threading.Event().wait()
    finally:
        service.stop()
