"""Turn a saved HTML news page into a CleanedArticle: main text via trafilatura, then line cleaning."""

from __future__ import annotations

import dataclasses
import datetime
import re

import lxml.html
import trafilatura
from lxml import etree

from index.clean import CleanedArticle, clean_article

# Elements whose text is never article prose, for the fallback path without trafilatura's result.
_NON_TEXT_TAGS = ("script", "style", "noscript", "template", "nav", "footer", "aside", "form")
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
        "blockquote", "pre", "figcaption", "dd", "dt",
    }
)  # fmt: skip


_TITLE_OPEN = re.compile(r"<title\b[^>]*>", re.IGNORECASE)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.IGNORECASE)
_TITLE_END = re.compile(r"[\r\n<]")


def clean_html(raw_html: str, *, url: str | None = None) -> CleanedArticle:
    """Extract and clean the article of an HTML page (already decoded)."""
    if not raw_html.strip():
        return CleanedArticle(text="", title="", published=None, outlet=None)
    raw_html = close_title(raw_html)
    doc = trafilatura.bare_extraction(
        raw_html,
        url=url,
        with_metadata=True,
        include_comments=False,  # reader comments are not the article
        # Dates only from the page's markup and URL: a date mentioned in the body dates an event.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(doc, "text", None) or ""
    if not text.strip():
        return clean_article(_fallback_text(raw_html))

    sitename = _strip(getattr(doc, "sitename", None))
    title = _title_without_site(_strip(getattr(doc, "title", None)) or "", sitename)
    # trafilatura ends each paragraph with one newline; make them blank-line separated so that
    # clean_article never mistakes a paragraph for a hard-wrapped continuation of the one before.
    paragraphs = "\n\n".join(line for line in text.splitlines() if line.strip())
    cleaned = clean_article(f"{title}\n\n{paragraphs}" if title else paragraphs)
    return dataclasses.replace(
        cleaned,
        published=_parse_date(getattr(doc, "date", None)) or cleaned.published,
        # An agency named in the text ("(BSS/AFP)") says more about the story than the site name.
        outlet=cleaned.outlet or sitename,
        author=_strip(getattr(doc, "author", None)) or cleaned.author,
    )


def close_title(raw_html: str) -> str:
    """Close a `<title>` left open, at its line's end or the next tag.

    HTML parsers read everything after an unclosed `<title>` as its text (RCDATA), so the whole
    page would come out as one title of raw markup.
    """
    opening = _TITLE_OPEN.search(raw_html)
    if opening is None or _TITLE_CLOSE.search(raw_html, opening.end()):
        return raw_html
    end = _TITLE_END.search(raw_html, opening.end())
    cut = end.start() if end else len(raw_html)
    return f"{raw_html[:cut]}</title>{raw_html[cut:]}"


def _fallback_text(raw_html: str) -> str:
    """Page text with one line per block element, for pages trafilatura finds no article in."""
    try:
        root = lxml.html.fromstring(raw_html)
    except (etree.ParserError, ValueError):
        return raw_html
    title = root.findtext(".//title") or ""
    for element in list(root.iter(*_NON_TEXT_TAGS)):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n\n" + (element.tail or "")
    body = root.find("body")
    text = (body if body is not None else root).text_content()
    return f"{title.strip()}\n\n{text}" if title.strip() else text


def _title_without_site(title: str, sitename: str | None) -> str:
    """Drop a trailing " | Site" from a <title>, as sites append their name to headlines."""
    if sitename:
        pattern = rf"\s+[|–—-]\s+{re.escape(sitename)}\s*$"
        stripped = re.sub(pattern, "", title, flags=re.IGNORECASE)
        if stripped:
            return stripped
    return title


def _parse_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _strip(value: str | None) -> str | None:
    return " ".join(value.split()) if value else None
