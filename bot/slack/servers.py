"""The two ways Slack reaches the app: HTTP (waitress + bolt's WSGI adapter) and Socket Mode."""

from __future__ import annotations

import threading
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.errors import SlackApiError
from waitress import wasyncore
from waitress.server import create_server

from bot.slack.client import app_token_error
from bot.slack.errors import SlackConfigError

EVENTS_PATH = "/slack/events"  # events, slash commands and interactivity all arrive here


class HttpServer:
    """bolt's WSGI adapter under waitress: a threaded HTTP server for Slack's signed requests."""

    def __init__(self, app: App, *, host: str, port: int, threads: int = 16) -> None:
        self._map: dict[Any, Any] = {}
        try:
            self._server = create_server(
                SlackRequestHandler(app, path=EVENTS_PATH),
                map=self._map,
                host=host,
                port=port,
                threads=threads,
                ident="newsbot",
                # Slack's payloads are a few KB; refuse anything that could only be abuse.
                max_request_body_size=1024 * 1024,
            )
        except OSError as err:
            raise SlackConfigError(
                f"cannot listen on {host}:{port} ({err.strerror}); choose another port with --port or PORT"
            ) from err
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port actually listened on (useful with port 0)."""
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        """The events URL on this host."""
        return f"http://{self._server.effective_host}:{self.port}{EVENTS_PATH}"

    def _loop(self) -> None:
        # waitress's own run() cannot be stopped from another thread without racing its
        # select(); polling one round at a time lets stop() end the loop cleanly instead.
        while not self._stopping.is_set():
            wasyncore.loop(timeout=1.0, map=self._map, count=1)
        self._server.task_dispatcher.shutdown()
        wasyncore.close_all(self._map)

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._loop, name="newsbot-http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._stopping.set()
        self._server.pull_trigger()  # wake the poll now rather than after its timeout
        if self._thread is not None:
            self._thread.join(timeout=10)


class SocketModeServer:
    """bolt's Socket Mode handler (slack_sdk's built-in websocket client) for the app-level token."""

    def __init__(self, app: App, *, app_token: str) -> None:
        self._handler = SocketModeHandler(app, app_token=app_token)

    def start(self) -> None:
        """Open the websocket (apps.connections.open, then connect) and receive in the background."""
        try:
            self._handler.connect()
        except SlackApiError as err:
            self._handler.close()
            raise app_token_error(err) from err

    def stop(self) -> None:
        """Close the websocket and the handler's threads."""
        self._handler.close()
