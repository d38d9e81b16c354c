"""Slack's side of HTTP mode: payload builders and a sender that signs requests like Slack does."""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID, next_ts

_ids = itertools.count(1)


def message_event(
    text: str,
    *,
    channel: str = "C_NEWS",
    user: str | None = "U_ALICE",
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    kind: str = "message",
    **extra: Any,
) -> dict[str, Any]:
    """A `message` (or, with kind="app_mention", an `app_mention`) event."""
    event: dict[str, Any] = {
        "type": kind,
        "channel": channel,
        "text": text,
        "ts": ts or next_ts(),
        "client_msg_id": f"cmid-{next(_ids)}",
        "event_ts": ts or "",
        **extra,
    }
    if kind == "message":
        event["channel_type"] = channel_type
    if user:
        event["user"] = user
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def mention_event(text: str, **kwargs: Any) -> dict[str, Any]:
    """An `app_mention` event; `text` should contain <@U_BOT>."""
    return message_event(text, kind="app_mention", **kwargs)


def event_callback(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """The Events API envelope around `event`."""
    return {
        "token": "legacy",
        "team_id": TEAM_ID,
        "api_app_id": "A_NEWSBOT",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }


@dataclass(frozen=True)
class Reply:
    """The app's HTTP response."""

    status: int
    body: str
    seconds: float


class SlackSender:
    """POSTs signed requests to the app's /slack/events, as Slack does."""

    def __init__(self, url: str, signing_secret: str) -> None:
        self.url = url
        self.verifier = SignatureVerifier(signing_secret)

    def post(
        self,
        body: str,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> Reply:
        """One request; signed unless `signature` is given."""
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        signature = signature or self.verifier.generate_signature(timestamp=stamp, body=body) or ""
        signed = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature,
            **(headers or {}),
        }
        request = urllib.request.Request(
            self.url, data=body.encode(), headers=signed, method="POST"
        )
        start = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read().decode(), time.monotonic() - start)
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read().decode(), time.monotonic() - start)

    def event(
        self, payload: dict[str, Any], *, retry_num: int | None = None, **kwargs: Any
    ) -> Reply:
        """POST an event_callback (JSON), optionally as Slack's retry number `retry_num`."""
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(json.dumps(payload), "application/json", headers=headers, **kwargs)

    def command(
        self,
        text: str,
        *,
        response_url: str,
        channel_id: str = "C_NEWS",
        user_id: str = "U_ALICE",
        command: str = "/ask",
    ) -> Reply:
        """POST a slash command (form-encoded)."""
        form = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "channel_id": channel_id,
            "channel_name": "news",
            "user_id": user_id,
            "user_name": "alice",
            "command": command,
            "text": text,
            "api_app_id": "A_NEWSBOT",
            "response_url": response_url,
            "trigger_id": f"trigger-{next(_ids)}",
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded")

    def action(
        self,
        action_id: str,
        value: str,
        *,
        response_url: str,
        user_id: str = "U_BOB",
        channel_id: str = "C_NEWS",
    ) -> Reply:
        """POST a block_actions interaction (a button click), form-encoded as `payload=`."""
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": user_id, "team_id": TEAM_ID},
            "api_app_id": "A_NEWSBOT",
            "channel": {"id": channel_id},
            "container": {"type": "message", "channel_id": channel_id},
            "trigger_id": f"trigger-{next(_ids)}",
            "response_url": response_url,
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "newsbot-feedback",
                    "value": value,
                    "action_ts": str(time.time()),
                }
            ],
        }
        return self.post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )
