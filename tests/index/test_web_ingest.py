"""Web sources end to end on a real index: feeds, sitemaps, pages, 304s, failures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.api import NewsIndex
from index.config import IndexConfig
from index.web.options import FetchOptions
from tests.fakes.news_site import (
    NewsSite,
    Route,
    article_html,
    atom,
    closed_port_url,
    rss,
    sitemap,
    sitemap_index,
)
from tests.fakes.store import release_store

BRIDGE = [
    "The Harbour bridge will reopen to traffic on 12 May after two years of repairs, the city council said on Monday.",
    "Engineers replaced 400 steel cables and resurfaced the deck, council spokeswoman Ada Lind said.",
    "The repairs cost 84 million euros, twice the first estimate.",
]
FROST = [
    "A late frost destroyed about a third of the apple blossom in the Green Valley this week, growers said.",
    "The regional farmers' union asked for emergency aid of five million euros.",
    "Orchard owner Tomas Berg said he had never seen frost so late in April.",
]
CHESS = [
    "Nina Park, 16, won the national chess championship in Ridgeton on Sunday without losing a game.",
    "She beat the defending champion in the final round after a five-hour endgame.",
    "Park will represent the country at the world youth championship in August.",
]
FERRY = [
    "The island ferry service will double its summer sailings from June, the operator announced on Tuesday.",
    "Two new vessels built in Finland will join the fleet, each carrying 400 passengers.",
    "Fares will stay at this year's level, chief executive Mara Quist said.",
]


@pytest.fixture
def news(index_config: IndexConfig, embedder) -> Iterator[NewsIndex]:
    config = IndexConfig(
        home=index_config.home, fetch=FetchOptions(timeout=1.5, host_delay=0.0, max_bytes=500_000)
    )
    yield NewsIndex(config, embedder=embedder)
    release_store(config.home)


def _chunks(news: NewsIndex) -> list[tuple[str, dict]]:
    got = news.collections().chunks.get(include=["documents", "metadatas"])
    return list(zip(got["documents"], got["metadatas"], strict=True))


def _publish(site: NewsSite, path: str, title: str, paragraphs: list[str], **kw: object) -> str:
    return site.page(path, article_html(title, paragraphs, canonical=site.url(path), **kw))  # type: ignore[arg-type]


def test_a_feed_lands_clean_articles_then_an_unchanged_feed_fetches_no_page(
    news: NewsIndex, site: NewsSite
):
    bridge = _publish(
        site,
        "/news/bridge",
        "Harbour bridge to reopen in May",
        BRIDGE,
        published="2025-03-03T09:10:00Z",
        author="Ada Reporter",
    )
    frost = _publish(site, "/news/frost", "Frost damages apple harvest", FROST)  # no date on page
    feed = site.route(
        "/feed.xml",
        Route(
            rss(
                [
                    (
                        "Harbour bridge to reopen",
                        bridge + "?utm_source=rss&utm_medium=feed",
                        "Mon, 03 Mar 2025 09:10:00 GMT",
                    ),
                    ("Frost damages apple harvest", frost, "Wed, 02 Apr 2025 07:15:00 GMT"),
                ]
            ).encode(),
            content_type="application/rss+xml",
        ),
    )
    report = news.ingest([feed])
    assert sorted(report.added) == sorted([bridge, frost])  # canonical URLs, utm_* gone
    assert report.skipped == [] and report.sources[0]["kind"] == "feed"
    chunks = _chunks(news)
    text = "\n".join(doc for doc, _ in chunks)
    assert "Engineers replaced 400 steel cables" in text and "apple blossom" in text
    for furniture in (
        "cookies",
        "Advertisement",
        "cheap flights",
        "Mayor opens",
        "Weather",
        "rights reserved",
    ):
        assert furniture not in text
    meta = {m["source"]: m for _, m in chunks}
    assert meta[bridge]["title"] == "Harbour bridge to reopen in May"
    assert meta[bridge]["outlet"] == "Harbour Herald"
    records = news.collections().docs.get(include=["metadatas"])["metadatas"]
    assert {r["source"]: r["author"] for r in records}[bridge] == "Ada Reporter"
    assert meta[bridge]["published"] == "2025-03-03"  # the page's own date
    assert meta[frost]["published"] == "2025-04-02"  # the page has none: the feed's date

    before = len(site.requests)
    again = news.ingest([feed])
    assert (again.added, again.updated, again.unchanged, again.chunks_embedded) == ([], [], 2, 0)
    new_requests = site.requests[before:]
    assert [r.path for r in new_requests if r.path != "/robots.txt"] == ["/feed.xml"]
    assert new_requests[-1].headers["x-answered"] == "304"


def test_a_changed_feed_adds_new_items_and_reembeds_changed_pages(news: NewsIndex, site: NewsSite):
    bridge = _publish(site, "/b", "Harbour bridge to reopen in May", BRIDGE)
    frost = _publish(site, "/f", "Frost damages apple harvest", FROST)
    items = [
        ("b", bridge, "Mon, 03 Mar 2025 09:10:00 GMT"),
        ("f", frost, "Wed, 02 Apr 2025 07:15:00 GMT"),
    ]
    feed = site.route("/feed", Route(rss(items).encode(), content_type="application/rss+xml"))
    news.ingest([feed])

    chess = _publish(site, "/c", "Teenager wins chess title", CHESS)
    _publish(
        site,
        "/f",
        "Frost damages apple harvest",
        [*FROST, "Aid talks resume on Friday in the capital city."],
    )
    items = [*items, ("c", chess, "Sun, 06 Apr 2025 18:00:00 GMT")]
    site.route("/feed", Route(rss(items).encode(), content_type="application/rss+xml"))
    report = news.ingest([feed])
    assert report.added == [chess]
    assert report.updated == [frost]
    assert report.unchanged == 1
    assert site.bodies_sent("/b") == 1  # revalidated with a 304, never downloaded again
    assert "Aid talks resume" in "\n".join(doc for doc, _ in _chunks(news))
    assert news.stats()["documents"] == 3


def test_one_article_through_two_feeds_is_stored_once(news: NewsIndex, site: NewsSite):
    bridge = _publish(site, "/story/bridge", "Harbour bridge to reopen in May", BRIDGE)
    ferry = _publish(site, "/story/ferry", "Ferry doubles summer sailings", FERRY)
    one = site.route(
        "/rss",
        Route(
            rss([("b", bridge + "?utm_campaign=x", "Mon, 03 Mar 2025 09:10:00 GMT")]).encode(),
            content_type="application/rss+xml",
        ),
    )
    # The Atom feed links a different URL that declares the same canonical page.
    site.page(
        "/amp/bridge", article_html("Harbour bridge to reopen in May", BRIDGE, canonical=bridge)
    )
    two = site.route(
        "/atom",
        Route(
            atom(
                [
                    ("b", site.url("/amp/bridge"), "2025-03-03T09:10:00Z"),
                    ("f", ferry, "2025-04-01T10:00:00Z"),
                ]
            ).encode(),
            content_type="application/atom+xml",
        ),
    )
    report = news.ingest([one, two])
    assert sorted(report.added) == sorted([bridge, ferry])
    assert report.duplicates == []
    assert news.stats()["documents"] == 2
    assert {s["kind"] for s in report.sources} == {"feed"}


def test_sitemap_index_and_news_sitemap(news: NewsIndex, site: NewsSite):
    chess = _publish(site, "/s/chess", "Teenager wins chess title", CHESS)
    ferry = _publish(site, "/s/ferry", "Ferry doubles summer sailings", FERRY)
    site.route(
        "/sitemap-news.xml",
        Route(
            sitemap([(chess, "2025-04-06T18:00:00+00:00")], news=True).encode(),
            content_type="application/xml",
        ),
    )
    site.route(
        "/sitemap-pages.xml",
        Route(sitemap([(ferry, "2025-04-01")]).encode(), content_type="text/xml"),
    )
    index = site.route(
        "/sitemap.xml",
        Route(
            sitemap_index([site.url("/sitemap-news.xml"), site.url("/sitemap-pages.xml")]).encode(),
            content_type="application/xml",
        ),
    )
    report = news.ingest([index])
    assert sorted(report.added) == sorted([chess, ferry])
    assert report.sources[0]["kind"] == "sitemap"
    meta = {m["source"]: m for _, m in _chunks(news)}
    assert meta[chess]["published"] == "2025-04-06"  # news:publication_date
    assert meta[chess]["outlet"] == "Harbour Herald"
    again = news.ingest([index])
    assert again.unchanged == 2 and again.chunks_embedded == 0
    assert site.bodies_sent("/s/chess") == 1


def test_a_single_article_page(news: NewsIndex, site: NewsSite):
    page = _publish(site, "/one", "Ferry doubles summer sailings", FERRY, published="2025-04-01")
    report = news.ingest([page + "?utm_source=newsletter"])
    assert report.added == [page] and report.sources[0]["kind"] == "page"
    again = news.ingest([page + "?utm_source=newsletter"])
    assert again.unchanged == 1 and site.fetched("/one")[-1].headers["x-answered"] == "304"


def test_bad_sources_fail_clearly_and_good_items_still_land(news: NewsIndex, site: NewsSite):
    kept = _publish(site, "/kept", "Teenager wins chess title", CHESS)
    news.ingest([kept])
    good = _publish(site, "/good", "Harbour bridge to reopen in May", BRIDGE)
    site.route("/gone", Route(b"gone", status=404, content_type="text/plain"))
    site.route("/broken", Route(b"error", status=500, content_type="text/plain"))
    site.route("/slow", Route(article_html("Slow", FROST).encode(), delay=3.0))
    site.route("/paper.pdf", Route(b"%PDF-1.4 ...", content_type="application/pdf"))
    site.route("/huge", Route(article_html("Huge", FERRY * 4000).encode()))
    site.route("/loop", Route(status=302, headers={"Location": "/loop2"}, validators=False))
    site.route("/loop2", Route(status=302, headers={"Location": "/loop"}, validators=False))
    links = ["/good", "/gone", "/broken", "/slow", "/paper.pdf", "/huge", "/loop"]
    feed = site.route(
        "/feed.xml",
        Route(
            rss([(p, site.url(p), "Mon, 03 Mar 2025 09:10:00 GMT") for p in links]).encode(),
            content_type="application/rss+xml",
        ),
    )
    malformed = site.route(
        "/bad.xml",
        Route(
            b"<?xml version='1.0'?><rss><channel><item><title>x</ti",
            content_type="application/rss+xml",
        ),
    )
    refused = closed_port_url()
    report = news.ingest([feed, malformed, refused])

    assert report.added == [good]
    reasons = {s["source"]: s["reason"] for s in report.skipped}
    expected = {
        site.url("/gone"): "HTTP 404",
        site.url("/broken"): "HTTP 500",
        site.url("/slow"): "timed out",
        site.url("/paper.pdf"): "content type 'application/pdf'",
        site.url("/huge"): "too large",
        site.url("/loop"): "redirect loop",
        malformed: "malformed feed",
        refused: "connection refused",
    }
    for url, reason in expected.items():
        assert reason in reasons[url], (url, reasons[url])
        assert "\n" not in reasons[url]
    assert [s["source"] for s in report.empty_web_sources] == [malformed, refused]
    assert news.stats()["documents"] == 2  # the earlier article stays; the good item landed
    sources = {m["source"] for _, m in _chunks(news)}
    assert sources == {kept, good}


def test_failed_items_are_retried_on_the_next_run(news: NewsIndex, site: NewsSite):
    site.route("/later", Route(b"busy", status=503, content_type="text/plain"))
    feed = site.route(
        "/feed",
        Route(
            rss([("l", site.url("/later"), "Mon, 03 Mar 2025 09:10:00 GMT")]).encode(),
            content_type="application/rss+xml",
        ),
    )
    first = news.ingest([feed])
    assert first.added == [] and "HTTP 503" in first.skipped[0]["reason"]
    later = _publish(site, "/later", "Ferry doubles summer sailings", FERRY)
    second = news.ingest([feed])  # the feed itself answers 304
    assert second.added == [later]
