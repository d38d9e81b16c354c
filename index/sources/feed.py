"""Source kind `feed`: an RSS 2.0, RSS 1.0 or Atom feed; each item's link is an article page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from typing import Any

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
        import feedparser  # here: an unchanged feed (304) is never parsed

        parsed = feedparser.parse(response.body)
        outlet = str(parsed.feed.get("title", "")).strip()
        items = [item for entry in parsed.entries if (item := _item(entry, outlet)) is not None]
        if not items:  # a feed broken part-way still gives the items before the break
            problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
            reason = f"malformed feed XML: {problem}" if problem else "no item links to an article"
            yield Failed(probe.arg, " ".join(reason.split()))
            return
        ctx.web.state.stage(
            probe.arg,
            {
                "kind": self.name,
                "etag": response.validators.etag,
                "last_modified": response.validators.last_modified,
                "items": [i.as_json() for i in items],
            },
        )
        yield from articles(items, ctx, listing_unchanged=False)


def _item(entry: Any, outlet: str) -> Item | None:
    link = str(entry.get("link") or "").strip()
    if not link.startswith(("http://", "https://")):
        return None
    # dict.get: FeedParserDict.get maps a missing "updated" to "published" (with a warning).
    published = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    return Item(
        url=link,
        # Only Atom's <updated> says when the entry last changed; RSS's pubDate stays put when a
        # story is edited, so RSS items are revalidated (conditional GET) whenever the feed changes.
        stamp=str(dict.get(entry, "updated") or ""),
        published=_day(published),
        title=str(entry.get("title", "")),
        outlet=outlet,
    )


def _day(parsed: time.struct_time | None) -> date | None:
    return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday) if parsed else None


KIND = FeedKind()
