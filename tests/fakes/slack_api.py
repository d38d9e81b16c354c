"""A loopback HTTP server standing in for Slack's Web API and response_urls, recording every call."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER_ID = "U_BOT"
BOT_ID = "B_BOT"
TEAM_ID = "T_TEAM"
BOT_TOKEN = "xoxb-valid"
APP_TOKEN = "xapp-valid"


_clock_lock = threading.Lock()
_last_ts = 0.0


def next_ts() -> str:
    """A fresh Slack message ts ("seconds.micros"), increasing across the whole test session."""
    global _last_ts
    with _clock_lock:
        _last_ts = max(time.time(), _last_ts + 0.000001)
        return f"{_last_ts:.6f}"


@dataclass(frozen=True)
class ApiCall:
    """One request the fake received: the Web API method (or "response_url") and its parsed body."""

    method: str
    body: dict[str, Any]
    token: str | None
    path: str


@dataclass
class _Failure:
    status: int
    error: str
    retry_after: str | None
    times: int


class FakeSlackApi:
    """Answers auth.test, chat.*, reactions.*, conversations.replies, apps.connections.open."""

    def __init__(self) -> None:
        self.bot_tokens = {BOT_TOKEN}
        self.app_tokens = {APP_TOKEN}
        self.socket_mode_url: str | None = None
        self.calls: list[ApiCall] = []
        self._cond = threading.Condition()
        self._threads: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._failures: dict[str, _Failure] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> FakeSlackApi:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    @property
    def root(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        """The Web API base URL to give WebClient / SLACK_API_URL."""
        return f"{self.root}/api/"

    def response_url(self, name: str = "r1") -> str:
        """A response_url (as in slash command and button payloads) that lands here."""
        return f"{self.root}/response/{name}"

    # -- scripting --------------------------------------------------------------------------
    def fail(
        self,
        method: str,
        *,
        error: str,
        status: int = 200,
        retry_after: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail with `error` (and HTTP `status`)."""
        with self._cond:
            self._failures[method] = _Failure(status, error, retry_after, times)

    def add_message(
        self,
        channel: str,
        thread_ts: str,
        *,
        ts: str,
        text: str,
        user: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Put a message in a thread (what conversations.replies will return)."""
        message = {"type": "message", "ts": ts, "text": text, "thread_ts": thread_ts, **extra}
        if user:
            message["user"] = user
        with self._cond:
            self._threads.setdefault((channel, thread_ts), []).append(message)
        return message

    # -- inspection -------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[ApiCall]:
        """The calls of `method` so far, in arrival order."""
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def posts(self, **match: Any) -> list[dict[str, Any]]:
        """Bodies of chat.postMessage calls whose fields equal `match` (e.g. thread_ts=...)."""
        bodies = [c.body for c in self.calls_to("chat.postMessage")]
        return [b for b in bodies if all(b.get(k) == v for k, v in match.items())]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[ApiCall]:
        """Block until `method` was called `count` times; its calls. AssertionError on timeout."""
        with self._cond:
            done = self._cond.wait_for(lambda: len(self.calls_to(method)) >= count, timeout)
            if not done:
                seen = [c.method for c in self.calls]
                raise AssertionError(
                    f"{method} called {len(self.calls_to(method))}/{count}: {seen}"
                )
            return self.calls_to(method)

    def wait_for_post(self, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        """Block until a chat.postMessage matching `match` arrives; its body."""
        with self._cond:
            if not self._cond.wait_for(lambda: self.posts(**match), timeout):
                raise AssertionError(f"no chat.postMessage with {match}: {self.posts()}")
            return self.posts(**match)[0]

    # -- the API ----------------------------------------------------------------------------
    def handle(self, path: str, body: dict[str, Any], token: str | None) -> tuple[int, Any, dict]:
        """Record the call and build (status, JSON body, headers)."""
        if path.startswith("/response/"):
            self._record(ApiCall("response_url", body, token, path))
            return 200, "ok", {}
        method = path.removeprefix("/api/")
        self._record(ApiCall(method, body, token, path))
        with self._cond:
            failure = self._failures.get(method)
            if failure and failure.times > 0:
                failure.times -= 1
                headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
                return failure.status, {"ok": False, "error": failure.error}, headers
        tokens = self.app_tokens if method == "apps.connections.open" else self.bot_tokens
        if token not in tokens:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        return 200, self._answer(method, body), {}

    def _record(self, call: ApiCall) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "team_id": TEAM_ID,
                "team": "Newsroom",
                "user": "newsbot",
                "url": "https://newsroom.slack.com/",
            }
        if method == "apps.connections.open":
            if not self.socket_mode_url:
                return {"ok": False, "error": "no_socket_mode_server"}
            return {"ok": True, "url": self.socket_mode_url}
        if method == "chat.postMessage":
            return self._post(body)
        if method == "conversations.replies":
            with self._cond:
                messages = list(self._threads.get((body["channel"], body["ts"]), []))
            if not messages:
                return {"ok": False, "error": "thread_not_found"}
            return {"ok": True, "messages": messages, "has_more": False}
        if method in ("chat.postEphemeral", "reactions.add", "reactions.remove"):
            return {"ok": True, "message_ts": next_ts()}
        return {"ok": False, "error": "unknown_method"}

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        ts = next_ts()
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": ts,
            "text": body.get("text", ""),
            "blocks": body.get("blocks") or [],
        }
        thread_ts = body.get("thread_ts") or ts
        message["thread_ts"] = thread_ts
        with self._cond:
            self._threads.setdefault((body["channel"], thread_ts), []).append(message)
        return {"ok": True, "channel": body["channel"], "ts": ts, "message": message}


def _parse(raw: bytes, content_type: str, query: str) -> dict[str, Any]:
    if "json" in content_type:
        parsed: dict[str, Any] = json.loads(raw or b"{}")
    else:
        parsed = dict(parse_qsl(raw.decode() or query, keep_blank_values=True))
        for key in ("blocks", "attachments"):
            if isinstance(parsed.get(key), str):
                parsed[key] = json.loads(parsed[key])
    return parsed


def _handler_for(api: FakeSlackApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = _parse(raw, self.headers.get("Content-Type", ""), url.query)
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") if auth else body.get("token")
            status, payload, headers = api.handle(url.path, body, token)
            data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read the recorded calls instead."""

    return Handler
