"""URL rules for web sources: which arguments are URLs, canonical forms, tracking parameters."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import courlan
import lxml.html
from lxml import etree

from index.sources.args import WEB_SCHEMES, is_web_url

__all__ = ["WEB_SCHEMES", "canonical_url", "host_of", "is_web_url", "normalize"]


def normalize(url: str) -> str:
    """One spelling per article: lower-case host, no fragment, no utm_*/fbclid/... parameters.

    >>> normalize("https://Example.com/a?utm_source=rss&id=3#top")
    'https://example.com/a?id=3'
    """
    try:
        # courlan (trafilatura's URL library) knows the tracking parameters of the wild.
        return str(courlan.normalize_url(url, strict=True))
    except ValueError:
        return url


def canonical_url(html: str | bytes, base: str) -> str:
    """The page's `<link rel=canonical>` (http/https only), else `base`; normalized."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return normalize(base)
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rels and href:
            target = urljoin(base, href)
            if urlsplit(target).scheme in WEB_SCHEMES:
                return normalize(target)
    return normalize(base)


def host_of(url: str) -> str:
    """`scheme://host:port` of a URL: the unit of politeness (robots.txt, limits)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
