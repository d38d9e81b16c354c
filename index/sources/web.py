"""What the web kinds share: the session (fetcher + state), article pages fetched in parallel.

An article page becomes a `Document` keyed by its canonical URL. Its state (validators, body
hash, the feed's date stamp for it) lets the next run skip it: without any request when the feed
lists it with the same stamp (or the feed itself is unchanged), with a 304 otherwise.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from index.dedupe import bytes_hash, content_hash
from index.errors import NewsbotError
from index.load import decode
from index.sources.base import Context, Document, Entry, Failed, Unchanged
from index.web.fetch import Fetcher, FetchError, Response
from index.web.state import WebState
from index.web.urls import canonical_url, normalize

log = logging.getLogger(__name__)
HTML_TYPES = ("text/html", "application/xhtml+xml")
_ROOT_RE = re.compile(rb"<(?![?!])([A-Za-z_][\w:.-]*)")
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class WebSession:
    """The HTTP client and per-URL state one ingest (or one watch) uses."""

    fetcher: Fetcher
    state: WebState
    workers: int = 8  # article pages fetched at once (the per-host limit still applies)

    def close(self) -> None:
        """Close the connections."""
        self.fetcher.close()


@dataclass(frozen=True)
class Item:
    """An article link listed by a feed or sitemap, with what the listing says about it."""

    url: str
    stamp: str = ""  # the listing's updated/lastmod text: same stamp, same page
    published: date | None = None
    title: str = ""
    outlet: str = ""

    def as_json(self) -> dict[str, Any]:
        """For the state file."""
        return {
            **dataclasses.asdict(self),
            "published": self.published.isoformat() if self.published else "",
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Item:
        """Back from the state file."""
        day = data.get("published") or ""
        return cls(
            url=str(data.get("url", "")),
            stamp=str(data.get("stamp", "")),
            published=date.fromisoformat(day) if day else None,
            title=str(data.get("title", "")),
            outlet=str(data.get("outlet", "")),
        )


def root_name(body: bytes) -> str:
    """Local name of the first XML/HTML element ("rss", "feed", "urlset", "html"...)."""
    found = _ROOT_RE.search(body[:4096])
    return found.group(1).decode("ascii", "replace").split(":")[-1].lower() if found else ""


def is_html(response: Response) -> bool:
    """An HTML page, by content type, else by its first element."""
    if response.content_type in HTML_TYPES:
        return True
    return (
        response.content_type in ("", "text/plain", "application/octet-stream")
        and root_name(response.body) == "html"
    )


def articles(items: Iterable[Item], ctx: Context, *, listing_unchanged: bool) -> Iterator[Entry]:
    """Entries for the article pages of a feed or sitemap, fetched in parallel, in order."""
    assert ctx.web is not None
    web = ctx.web
    unique: list[Item] = []
    seen: set[str] = set()
    for item in items:
        url = normalize(item.url)
        if url not in seen:
            seen.add(url)
            unique.append(dataclasses.replace(item, url=url))

    def one(item: Item) -> Entry:
        return article(item, ctx, listing_unchanged=listing_unchanged)

    yield from ordered_map(one, unique, workers=web.workers)


def article(item: Item, ctx: Context, *, listing_unchanged: bool = False) -> Entry:
    """Fetch one article page (conditionally when we hold it) and make it an entry."""
    assert ctx.web is not None
    state = ctx.web.state
    held = state.get(item.url)
    if not (held and held.get("kind") == "page" and ctx.known(str(held.get("key")))):
        held = None  # never stored (or lost since): fetch it whole
    if held and (listing_unchanged or (item.stamp and item.stamp == held.get("stamp"))):
        return Unchanged(str(held["key"]), item.url)
    try:
        response = ctx.web.fetcher.get(
            item.url, validators=state.validators(item.url) if held else None
        )
    except FetchError as exc:
        return Failed(item.url, exc.reason)
    if held and response.not_modified:
        state.stage(item.url, {**held, "stamp": item.stamp})
        return Unchanged(str(held["key"]), item.url)
    return page_entry(response, ctx, item, held=held)


def page_entry(
    response: Response,
    ctx: Context,
    item: Item | None = None,
    *,
    held: dict[str, Any] | None = None,
) -> Entry:
    """A fetched HTML page as a document keyed by its canonical URL."""
    assert ctx.web is not None
    url = response.url
    if not is_html(response):
        kind = response.content_type or "unknown"
        return Failed(url, f"not an HTML page, feed or sitemap (content type '{kind}')")
    body_hash = bytes_hash(response.body)
    entry = {
        "kind": "page",
        "etag": response.validators.etag,
        "last_modified": response.validators.last_modified,
        "body": body_hash,
        "stamp": item.stamp if item else "",
    }
    if held and held.get("body") == body_hash:  # same bytes (no validators): nothing to parse
        ctx.web.state.stage(url, {**held, **entry})
        return Unchanged(str(held["key"]), url)
    from index.html import clean_html  # here: trafilatura is only loaded when a page changed

    try:
        text = _decode(response)
        key = canonical_url(text, response.final_url)
        cleaned = clean_html(text, url=key)
    except NewsbotError as exc:
        return Failed(url, str(exc))
    except Exception as exc:  # a page that breaks the extractor is bad input, not a crash
        log.debug("extraction failed for %s", url, exc_info=True)
        return Failed(url, f"cannot extract the article: {type(exc).__name__}: {exc}")
    if len(cleaned.text.split()) < 5:
        return Failed(url, "no article text found on the page")
    if item is not None:  # the page's own metadata first; the listing's only where it has none
        cleaned = dataclasses.replace(
            cleaned,
            published=cleaned.published or item.published,
            outlet=cleaned.outlet or item.outlet or None,
        )
    identity = content_hash(
        "\n".join([cleaned.text, cleaned.title, str(cleaned.published), cleaned.outlet or ""])
    )
    ctx.web.state.stage(url, {**entry, "key": key})
    return Document(key=key, source=key, content_hash=identity, load=lambda: cleaned)


def _decode(response: Response) -> str:
    if response.charset:
        try:
            return response.body.decode(response.charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(response.body)[0]


def ordered_map(
    fn: Callable[[T], R], items: list[T], *, workers: int, ahead: int = 64
) -> Iterator[R]:
    """`map(fn, items)` on a thread pool, in order, at most `ahead` results waiting."""
    if not items:
        return
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="newsbot-fetch")
    pending: deque[Future[R]] = deque()
    try:
        for x in items:
            pending.append(pool.submit(fn, x))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)
