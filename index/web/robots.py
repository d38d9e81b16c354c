"""robots.txt per host, fetched once and parsed by the standard library's robotparser."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from urllib.robotparser import RobotFileParser

from index.web.urls import host_of

log = logging.getLogger(__name__)
MAX_CRAWL_DELAY = 60.0  # a robots.txt asking for more would stall a watch poll for hours


class RobotsCache:
    """Answers "may newsbot fetch this URL?" from each host's robots.txt."""

    def __init__(self, get: Callable[[str], tuple[int, bytes]], user_agent: str) -> None:
        self._get = get  # url -> (status, body); status 0 when the host cannot be reached
        self._agent = user_agent.split("/")[0]
        self._parsers: dict[str, RobotFileParser] = {}
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}

    def allowed(self, url: str) -> bool:
        """May we fetch `url`?"""
        return self._parser(url).can_fetch(self._agent, url)

    def crawl_delay(self, url: str) -> float:
        """The host's Crawl-delay for newsbot, in seconds (0 when none)."""
        delay = self._parser(url).crawl_delay(self._agent)
        return min(float(delay or 0), MAX_CRAWL_DELAY)

    def _parser(self, url: str) -> RobotFileParser:
        host = host_of(url)
        with self._lock:
            parser = self._parsers.get(host)
            host_lock = self._host_locks.setdefault(host, threading.Lock())
        if parser is not None:
            return parser
        with host_lock:  # one fetch per host, however many workers ask; other hosts go on
            parser = self._parsers.get(host)
            if parser is None:
                parser = self._load(host)
                with self._lock:
                    self._parsers[host] = parser
            return parser

    def _load(self, host: str) -> RobotFileParser:
        parser = RobotFileParser(f"{host}/robots.txt")
        status, body = self._get(f"{host}/robots.txt")
        # The conventions of robotparser.read(): 401/403 forbid everything, other 4xx allow
        # everything; an unreachable host or a 5xx allows too (the page fetch reports the error).
        if status in (401, 403):
            parser.parse(["User-agent: *", "Disallow: /"])
        elif 200 <= status < 300:
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
        else:
            log.debug("no robots.txt at %s (status %s): all allowed", host, status)
            parser.parse([])
        return parser
