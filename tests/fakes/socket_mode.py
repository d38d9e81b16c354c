"""A local websocket server playing Slack's Socket Mode endpoint: push envelopes, collect acks."""

from __future__ import annotations

import json
import threading
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve


class FakeSocketModeServer:
    """Sends `hello` to each client, lets tests push envelopes, and records what clients send back."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self._connection: ServerConnection | None = None
        self._cond = threading.Condition()
        self._server = serve(self._handle, "127.0.0.1", 0, compression=None)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The ws:// URL apps.connections.open should hand out."""
        return f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link/?ticket=test"

    def start(self) -> FakeSocketModeServer:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close connections and the listening socket."""
        self._server.shutdown()

    def _handle(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        with self._cond:
            self._connection = connection
            self._cond.notify_all()
        try:
            for message in connection:
                with self._cond:
                    self.received.append(json.loads(message))
                    self._cond.notify_all()
        except ConnectionClosed:
            pass

    def send(self, envelope: dict[str, Any], timeout: float = 10.0) -> None:
        """Push one envelope to the connected client (waiting for it to connect)."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._connection is not None, timeout):
                raise AssertionError("no Socket Mode client connected")
            assert self._connection is not None
            self._connection.send(json.dumps(envelope))

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """Block until the client acknowledged `envelope_id`; the ack."""

        def acked() -> list[dict[str, Any]]:
            return [m for m in self.received if m.get("envelope_id") == envelope_id]

        with self._cond:
            if not self._cond.wait_for(acked, timeout):
                raise AssertionError(f"envelope {envelope_id} not acked; got {self.received}")
            return acked()[0]


def events_api_envelope(
    envelope_id: str, payload: dict[str, Any], *, retry_attempt: int = 0
) -> dict[str, Any]:
    """An `events_api` envelope as Slack sends it over Socket Mode."""
    return {
        "envelope_id": envelope_id,
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": retry_attempt,
        "retry_reason": "timeout" if retry_attempt else "",
        "payload": payload,
    }
