"""A loopback news site for web-source tests: pages, feeds, sitemaps, and every way to fail.

Routes are set per test (`site.page(...)`, `site.route(...)`); the server answers conditional
GETs from each route's ETag/Last-Modified and records every request (path + headers).
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import pytest


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = True  # send ETag + Last-Modified and answer 304 to a matching request
    delay: float = 0.0  # seconds before answering (timeouts)
    length: int | None = None  # a Content-Length to claim (oversized pages)


@dataclass(frozen=True)
class Request:
    """One request the site received."""

    path: str
    headers: dict[str, str]


class NewsSite:
    """A threaded HTTP server on 127.0.0.1, port 0."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.0: one request per connection, so no handler thread (and socket) outlives
            # a test on a keep-alive connection the client forgot.
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                site._answer(self)

            def log_message(self, *args: object) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> NewsSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def page(self, path: str, html: str, **kwargs: object) -> str:
        return self.route(path, Route(html.encode(), **kwargs))  # type: ignore[arg-type]

    def fetched(self, path: str) -> list[Request]:
        """Requests for `path` (any query string)."""
        with self._lock:
            return [r for r in self.requests if r.path.split("?")[0] == path]

    def bodies_sent(self, path: str) -> int:
        """How many times `path` answered 200 with its body (not 304)."""
        return sum(1 for r in self.fetched(path) if r.headers.get("x-answered") == "200")

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?")[0]
        headers = {k.lower(): v for k, v in handler.headers.items()}
        route = self.routes.get(path)
        if route is None:
            route = Route(b"not found", status=404, content_type="text/plain")
        if route.delay:
            time.sleep(route.delay)
        etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
        modified = format_datetime(datetime(2025, 4, 10, 8, 0, tzinfo=UTC), usegmt=True)
        not_modified = (
            route.validators and route.status == 200 and headers.get("if-none-match") == etag
        )
        status = 304 if not_modified else route.status
        with self._lock:
            self.requests.append(Request(handler.path, {**headers, "x-answered": str(status)}))
        handler.send_response(status)
        if route.validators and route.status == 200:
            handler.send_header("ETag", etag)
            handler.send_header("Last-Modified", modified)
        for key, value in route.headers.items():
            handler.send_header(key, value)
        if status == 304:
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_header("Content-Type", route.content_type)
        handler.send_header("Content-Length", str(route.length or len(route.body)))
        handler.end_headers()
        with suppress(OSError):
            handler.wfile.write(route.body)


def clear_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback requests must not go through a proxy set in the developer's shell."""
    for key in list(os.environ):
        if key.lower() in ("http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.delenv(key)


@contextmanager
def news_site() -> Iterator[NewsSite]:
    """A running site, stopped afterwards."""
    site = NewsSite().start()
    try:
        yield site
    finally:
        site.stop()


def closed_port_url() -> str:
    """A loopback URL nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    canonical: str | None = None,
    published: str | None = None,
    author: str | None = None,
    site_name: str = "Harbour Herald",
    furniture: bool = True,
) -> str:
    """A news page with (by default) navigation, a cookie banner, ads and related stories."""
    meta = [f'<meta property="og:site_name" content="{escape(site_name)}">']
    meta.append(f'<meta property="og:title" content="{escape(title)}">')
    if canonical:
        meta.append(f'<link rel="canonical" href="{escape(canonical)}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    if author:
        meta.append(f'<meta name="author" content="{escape(author)}">')
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    nav = cookie = ads = related = ""
    if furniture:
        nav = (
            "<nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li>"
            "<li><a href='/sport'>Sport</a></li><li><a href='/weather'>Weather</a></li></ul></nav>"
        )
        cookie = (
            "<div id='cookie-banner' class='cookie-consent'><p>We use cookies to improve your "
            "experience on our site. Accept all cookies?</p><button>Accept</button></div>"
        )
        ads = "<div class='advertisement ad-slot'><p>Advertisement</p><p>Buy cheap flights now to sunny places with our partner deals!</p></div>"
        related = (
            "<aside class='related'><h2>Related stories</h2><ul>"
            "<li><a href='/x'>Mayor opens new library in the old town hall</a></li>"
            "<li><a href='/y'>Storm warning issued for the whole coast tonight</a></li></ul></aside>"
        )
    return (
        f"<!DOCTYPE html><html><head><title>{escape(title)} | {escape(site_name)}</title>"
        f"{''.join(meta)}</head><body>{cookie}{nav}<main><article><h1>{escape(title)}</h1>"
        f"{body}</article>{ads}</main>{related}<footer><p>© 2025 {escape(site_name)}. All rights "
        "reserved. Contact us. Privacy policy.</p></footer></body></html>"
    )


def rss(items: list[tuple[str, str, str]], *, title: str = "Harbour Herald") -> str:
    """An RSS 2.0 feed of (title, link, RFC 822 date) items."""
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link>"
        f"<guid>{escape(link)}</guid><pubDate>{date}</pubDate></item>"
        for t, link, date in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.invalid/</link>"
        f"<description>news</description>{entries}</channel></rss>"
    )


def publish_feed(site: NewsSite, articles: dict[str, tuple[str, list[str]]], date: str) -> str:
    """Serve each article (path -> title, paragraphs) as a page with its canonical link, and an
    RSS feed of them dated `date` at /feed.xml; returns the feed's URL."""
    items = []
    for path, (title, paragraphs) in articles.items():
        url = site.page(path, article_html(title, paragraphs, canonical=site.url(path)))
        items.append((title, url, date))
    return site.route("/feed.xml", Route(rss(items).encode(), content_type="application/rss+xml"))


def atom(items: list[tuple[str, str, str]], *, title: str = "Valley Times") -> str:
    """An Atom feed of (title, link, ISO date) entries."""
    entries = "".join(
        f'<entry><title>{escape(t)}</title><link rel="alternate" href="{escape(link)}"/>'
        f"<id>{escape(link)}</id><updated>{date}</updated></entry>"
        for t, link, date in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:x</id><updated>2025-04-10T00:00:00Z</updated>"
        f"{entries}</feed>"
    )


def sitemap(urls: list[tuple[str, str]], *, news: bool = False) -> str:
    """A sitemap of (loc, date) urls; `news`: a news sitemap with publication dates."""
    rows = []
    for loc, date in urls:
        extra = (
            f"<news:news><news:publication><news:name>Coast Courier</news:name>"
            f"<news:language>en</news:language></news:publication>"
            f"<news:publication_date>{date}</news:publication_date>"
            f"<news:title>t</news:title></news:news>"
            if news
            else f"<lastmod>{date}</lastmod>"
        )
        rows.append(f"<url><loc>{escape(loc)}</loc>{extra}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{''.join(rows)}</urlset>"
    )


def sitemap_index(locs: list[str]) -> str:
    """A sitemap index pointing at `locs`."""
    rows = "".join(f"<sitemap><loc>{escape(loc)}</loc></sitemap>" for loc in locs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>'
    )
