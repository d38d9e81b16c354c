"""Source kind `feed`: an RSS 2.0, RSS 1.0 or Atom feed; each item's link is an article page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import feedparser

from index.sources.base import Context, Entry, Failed, Probe
from index.sources.web import Item, articles, root_name

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
FEED_ROOTS = ("rss", "feed", "rdf")


class FeedKind:
    """A URL whose response is a feed."""

    name = "feed"

    def claims(self, probe: Probe) -> bool:
        """Feed content type, or an XML document whose root is rss/feed/RDF."""
        response = probe.response
        if response is None:
            return False
        return response.content_type in FEED_TYPES or root_name(response.body) in FEED_ROOTS

    def entries(self, probe: Probe, ctx: Context) -> Iterator[Entry]:
        """Each item's article page; an unchanged feed (304) costs no page request."""
        assert probe.response is not None and ctx.web is not None
        response = probe.response
        if response.not_modified and probe.remembered:
            items = [Item.from_json(i) for i in probe.remembered.get("items", [])]
            yield from articles(items, ctx, listing_unchanged=True)
            return
        parsed = feedparser.parse(response.body)
        if not parsed.entries:
            problem = parsed.get("bozo_exception")
            reason = f"malformed feed XML: {problem}" if problem else "the feed lists no items"
            yield Failed(probe.arg, reason)
            return
        outlet = str(parsed.feed.get("title", "")).strip()
        items = [item for entry in parsed.entries if (item := _item(entry, outlet)) is not None]
        ctx.web.state.stage(
            probe.arg,
            {
                "kind": self.name,
                "etag": response.validators.etag,
                "last_modified": response.validators.last_modified,
                "items": [i.as_json() for i in items],
            },
        )
        if not items:
            yield Failed(probe.arg, "no item of the feed links to an article")
        yield from articles(items, ctx, listing_unchanged=False)


def _item(entry: Any, outlet: str) -> Item | None:
    link = str(entry.get("link") or "").strip()
    if not link.startswith(("http://", "https://")):
        return None
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    return Item(
        url=link,
        stamp=str(entry.get("updated") or entry.get("published") or ""),
        published=_day(published),
        title=str(entry.get("title", "")),
        outlet=outlet,
    )


def _day(parsed: time.struct_time | None) -> date | None:
    return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday) if parsed else None


KIND = FeedKind()
