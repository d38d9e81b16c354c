"""Remembering what was already handled: a thread-safe TTL key set and the event de-dup middleware."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

logger = logging.getLogger(__name__)


class RecentKeys:
    """A set of strings that forgets each one `ttl` seconds after it was added; thread-safe."""

    def __init__(
        self, *, ttl: float, max_size: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._max_size = max_size
        self._clock = clock
        self._expiry: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def _purge(self, now: float) -> None:
        # Keys are kept in insertion order and share one TTL, so the oldest expire first.
        while self._expiry:
            key, expires = next(iter(self._expiry.items()))
            if expires > now and len(self._expiry) <= self._max_size:
                break
            del self._expiry[key]

    def claim(self, *keys: str | None) -> bool:
        """Add `keys`; True only if none of them was already present (first sighting wins)."""
        wanted = [k for k in keys if k]
        with self._lock:
            now = self._clock()
            self._purge(now)
            fresh = not any(k in self._expiry for k in wanted)
            for key in wanted:
                self._expiry.pop(key, None)
                self._expiry[key] = now + self._ttl
            return fresh

    def add(self, key: str) -> None:
        """Remember `key` (again) for another `ttl` seconds."""
        self.claim(key)

    def discard(self, key: str) -> None:
        """Forget `key`."""
        with self._lock:
            self._expiry.pop(key, None)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            self._purge(self._clock())
            return key in self._expiry


def message_keys(event: dict[str, Any]) -> tuple[str | None, str | None]:
    """Keys naming one user message however it reaches us (app_mention or its `message` copy)."""
    channel, ts, client_msg_id = event.get("channel"), event.get("ts"), event.get("client_msg_id")
    return (
        f"msg:{client_msg_id}" if client_msg_id else None,
        f"ts:{channel}:{ts}" if channel and ts else None,
    )


class DeduplicateEvents(Middleware):
    """Acknowledges, and drops, an Events API delivery whose `event_id` was already seen.

    Slack re-sends an event (HTTP `X-Slack-Retry-Num`, or a re-delivered Socket Mode envelope)
    when it did not see our ack in time; the first delivery is already being answered.
    """

    def __init__(self, seen: RecentKeys) -> None:
        self._seen = seen

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse:
        """Drop repeated deliveries; pass everything else on."""
        event_id = req.body.get("event_id") if req.body.get("type") == "event_callback" else None
        if event_id and not self._seen.claim(f"event:{event_id}"):
            retry = req.headers.get("x-slack-retry-num", ["-"])[0]
            logger.info("skipping repeated delivery of event %s (retry %s)", event_id, retry)
            return BoltResponse(status=200, body="")
        return next()
