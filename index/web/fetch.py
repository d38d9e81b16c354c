"""A polite HTTP client for web sources.

Every request: a User-Agent naming newsbot, robots.txt obeyed (with its Crawl-delay), at most
`host_concurrency` requests in flight per host and `host_delay` seconds between their starts,
a timeout, a cap on the (decoded) body size, a redirect limit with loop detection, and only
http/https at every hop. Conditional GET: pass the validators of the last fetch and a 304 comes
back as a `Response` with `not_modified` and no body. Failures raise `FetchError` whose message
is the reason a user reads ("HTTP 404 Not Found", "timed out after 20 s", "redirect loop").
Redirects are followed here rather than by httpx so each hop is checked (scheme, robots.txt).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from index.errors import NewsbotError
from index.web.options import FetchOptions
from index.web.robots import RobotsCache
from index.web.urls import WEB_SCHEMES, host_of

_REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(NewsbotError):
    """A URL that could not be fetched; the message is the reason."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(reason)
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class Validators:
    """What a server said identifies the version we hold (for conditional GET)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """`If-None-Match` / `If-Modified-Since` for the next request."""
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True)
class Response:
    """A fetched URL: 200 with a body, or 304 (`not_modified`) without one."""

    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    content_type: str = ""  # MIME type, lower case, without parameters
    charset: str | None = None
    body: bytes = b""
    validators: Validators = field(default_factory=Validators)

    @property
    def not_modified(self) -> bool:
        """The server says our copy is current (HTTP 304)."""
        return self.status == 304


class _HostGate:
    """At most `limit` requests in flight to one host, starts at least `delay` apart."""

    def __init__(self, limit: int, delay: float) -> None:
        self._slots = threading.BoundedSemaphore(max(1, limit))
        self._lock = threading.Lock()
        self._next = 0.0
        self.delay = delay

    def __enter__(self) -> None:
        self._slots.acquire()
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.delay
        if start > now:
            time.sleep(start - now)

    def __exit__(self, *exc: object) -> None:
        self._slots.release()


class Fetcher:
    """Fetches URLs politely; thread-safe, so one fetcher serves a pool of workers."""

    def __init__(self, options: FetchOptions | None = None, *, client: httpx.Client | None = None):
        self.options = options or FetchOptions()
        self._client = client or httpx.Client(
            timeout=self.options.timeout,
            follow_redirects=False,
            max_redirects=self.options.max_redirects,
            headers={"User-Agent": self.options.user_agent},
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
        )
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()
        self._robots = RobotsCache(self._raw_get, self.options.user_agent)

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def get(self, url: str, *, validators: Validators | None = None) -> Response:
        """GET `url` (conditionally, given validators); raises FetchError with the reason."""
        try:
            return self._follow(url, validators)
        except (ValueError, httpx.InvalidURL) as exc:  # "http://[::1/x", a bad Location...
            raise FetchError(url, f"invalid URL: {exc}") from None

    def _follow(self, url: str, validators: Validators | None) -> Response:
        seen = [url]
        current = url
        while True:
            self._check_allowed(url, current)
            response = self._once(url, current, validators)
            if isinstance(response, Response):
                return response
            target = urljoin(current, response)
            if target in seen:
                raise FetchError(url, f"redirect loop ({current} -> {target})")
            if len(seen) > self.options.max_redirects:
                raise FetchError(
                    url, f"too many redirects (more than {self.options.max_redirects})"
                )
            seen.append(target)
            current = target

    def _check_allowed(self, url: str, current: str) -> None:
        if urlsplit(current).scheme.lower() not in WEB_SCHEMES:
            raise FetchError(url, f"only http and https URLs are fetched, not {current}")
        if not self._robots.allowed(current):
            raise FetchError(url, f"disallowed by robots.txt ({current})")

    def _gate(self, url: str) -> _HostGate:
        host = host_of(url)
        with self._gates_lock:
            gate = self._gates.get(host)
        if gate is None:  # robots.txt is read outside the lock: one slow host stalls no other
            delay = max(self.options.host_delay, self._robots.crawl_delay(url))
            with self._gates_lock:
                gate = self._gates.setdefault(host, _HostGate(self.options.host_concurrency, delay))
        return gate

    def _once(self, url: str, current: str, validators: Validators | None) -> Response | str:
        """One request: a Response, or the Location to follow."""
        headers = validators.headers() if validators else {}
        with self._gate(current):
            try:
                with self._client.stream("GET", current, headers=headers) as reply:
                    if reply.status_code in _REDIRECTS:
                        location = reply.headers.get("location")
                        if not location:
                            raise FetchError(url, f"HTTP {reply.status_code} without a Location")
                        return location
                    if reply.status_code == 304:
                        return Response(url, current, 304, validators=validators or Validators())
                    if reply.status_code >= 400 or reply.status_code < 200:
                        phrase = reply.reason_phrase or ""
                        raise FetchError(url, f"HTTP {reply.status_code} {phrase}".strip())
                    body = self._read(url, reply)
            except httpx.TimeoutException:
                raise FetchError(url, f"timed out after {self.options.timeout:g} s") from None
            except httpx.ConnectError as exc:
                text = str(exc)
                reason = "connection refused" if "refused" in text.lower() else text
                raise FetchError(url, f"cannot connect: {reason}") from None
            except httpx.HTTPError as exc:
                raise FetchError(url, f"{type(exc).__name__}: {exc}") from None
        mime, _, params = reply.headers.get("content-type", "").partition(";")
        charset = None
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"' ").lower()
        return Response(
            url,
            current,
            reply.status_code,
            mime.strip().lower(),
            charset,
            body,
            Validators(reply.headers.get("etag"), reply.headers.get("last-modified")),
        )

    def _read(self, url: str, reply: httpx.Response) -> bytes:
        limit = self.options.max_bytes
        declared = reply.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, _too_large(int(declared), limit))
        parts: list[bytes] = []
        size = 0
        for part in reply.iter_bytes():  # decoded: a small gzip bomb cannot pass the cap
            size += len(part)
            if size > limit:
                raise FetchError(url, _too_large(size, limit, more=True))
            parts.append(part)
        return b"".join(parts)

    def _raw_get(self, url: str) -> tuple[int, bytes]:
        """GET for robots.txt: status and a bounded body; redirects followed by httpx."""
        try:
            reply = self._client.get(url, follow_redirects=True)
        except httpx.HTTPError:
            return 0, b""
        return reply.status_code, reply.content[: self.options.max_bytes]


def _too_large(size: int, limit: int, *, more: bool = False) -> str:
    over = "more than " if more else ""
    return f"page too large ({over}{size / 1e6:.1f} MB > {limit / 1e6:.1f} MB; NEWSBOT_WEB_MAX_MB)"
