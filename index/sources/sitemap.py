"""Source kind `sitemap`: a sitemap, news sitemap or sitemap index (gzip too).

Parsed here with lxml: trafilatura's sitemap helper fetches the files itself, which would
bypass the polite fetcher (robots.txt, limits, conditional GET).
"""

from __future__ import annotations

import gzip
import zlib
from collections import deque
from collections.abc import Iterator
from datetime import date
from typing import Any

from dateutil import parser as dateparser
from lxml import etree

from index.sources.base import Context, Entry, Failed, Probe
from index.sources.web import Item, articles, root_name
from index.web.fetch import FetchError, Response

MAX_DEPTH = 2  # index -> sitemap -> urls; deeper nesting is not in the protocol
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class SitemapKind:
    """A URL whose response is a sitemap or sitemap index."""

    name = "sitemap"

    def claims(self, probe: Probe) -> bool:
        """Root element urlset or sitemapindex (after gunzip)."""
        if probe.response is None:
            return False
        return root_name(_body(probe.response)) in ("urlset", "sitemapindex")

    def entries(self, probe: Probe, ctx: Context) -> Iterator[Entry]:
        """Each listed article page; unchanged sitemaps (304) cost no page request."""
        assert probe.response is not None and ctx.web is not None
        queue: deque[tuple[str, Response | None, int]] = deque([(probe.arg, probe.response, 0)])
        items: list[Item] = []
        unchanged = True
        failures: list[Failed] = []
        while queue:
            url, response, depth = queue.popleft()
            if response is None:  # a child of a sitemap index
                held = ctx.web.state.get(url)
                try:
                    response = ctx.web.fetcher.get(
                        url, validators=ctx.web.state.validators(url) if held else None
                    )
                except FetchError as exc:
                    failures.append(Failed(url, exc.reason))
                    continue
            got = self._items(url, response, ctx, failures)
            if got is None:
                continue
            found, children, same = got
            items.extend(found)
            unchanged = unchanged and same
            queue.extend((child, None, depth + 1) for child in children if depth < MAX_DEPTH)
        yield from failures
        yield from articles(items, ctx, listing_unchanged=unchanged)

    def _items(
        self, url: str, response: Response, ctx: Context, failures: list[Failed]
    ) -> tuple[list[Item], list[str], bool] | None:
        """(articles, child sitemaps, unchanged?) of one sitemap file."""
        assert ctx.web is not None
        held = ctx.web.state.get(url)
        if response.not_modified and held:
            listed = [Item.from_json(i) for i in held.get("items", [])]
            return listed, list(held.get("children", [])), True
        try:
            root = etree.fromstring(
                _body(response), parser=etree.XMLParser(resolve_entities=False, no_network=True)
            )
        except (etree.XMLSyntaxError, ValueError) as exc:
            failures.append(Failed(url, f"malformed sitemap XML: {exc}"))
            return None
        items: list[Item] = []
        children: list[str] = []
        for node in root:
            if not isinstance(node.tag, str):
                continue
            loc = (node.findtext("{*}loc") or "").strip()
            if not loc.startswith(("http://", "https://")):
                continue
            if etree.QName(node).localname == "sitemap":
                children.append(loc)
            else:
                items.append(_item(node, loc))
        ctx.web.state.stage(
            url,
            {
                "kind": self.name,
                "etag": response.validators.etag,
                "last_modified": response.validators.last_modified,
                "items": [i.as_json() for i in items],
                "children": children,
            },
        )
        if not items and not children:
            failures.append(Failed(url, "the sitemap lists no pages"))
        return items, children, False


def _item(node: Any, loc: str) -> Item:
    published = _day(node.findtext(f"{_NEWS}news/{_NEWS}publication_date"))
    return Item(
        url=loc,
        stamp=(node.findtext("{*}lastmod") or "").strip(),
        published=published,
        title=(node.findtext(f"{_NEWS}news/{_NEWS}title") or "").strip(),
        outlet=(node.findtext(f"{_NEWS}news/{_NEWS}publication/{_NEWS}name") or "").strip(),
    )


def _day(text: str | None) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return dateparser.isoparse(text.strip()).date()
    except (ValueError, OverflowError):
        return None


def _body(response: Response) -> bytes:
    body = response.body
    if body[:2] == b"\x1f\x8b":  # sitemap.xml.gz
        try:
            # Capped like any page: a small gzip must not expand without bound.
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            return inflater.decompress(body, 50 * 1024 * 1024)
        except (zlib.error, gzip.BadGzipFile):
            return b""
    return body


KIND = SitemapKind()
