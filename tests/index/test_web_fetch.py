"""The polite fetcher against a loopback site: validators, robots.txt, limits, failures."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from index.web.fetch import Fetcher, FetchError, Validators
from index.web.options import FetchOptions
from index.web.urls import canonical_url, normalize
from tests.fakes.news_site import NewsSite, Route, closed_port_url


@pytest.fixture
def fetcher() -> Iterator[Callable[..., Fetcher]]:
    """fetcher(**options): a Fetcher with quick defaults, closed after the test."""
    made: list[Fetcher] = []

    def make(**options: object) -> Fetcher:
        made.append(Fetcher(FetchOptions(**{"timeout": 2.0, "host_delay": 0.0, **options})))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for f in made:
        f.close()


def test_user_agent_names_newsbot_and_a_304_has_no_body(
    site: NewsSite, fetcher: Callable[..., Fetcher]
):
    url = site.page("/a.html", "<html><body><p>hello</p></body></html>")
    first = fetcher().get(url)
    assert first.status == 200 and b"hello" in first.body
    assert first.content_type == "text/html" and first.charset == "utf-8"
    assert first.validators.etag and first.validators.last_modified
    again = fetcher().get(url, validators=first.validators)
    assert again.not_modified and again.body == b""
    sent = site.fetched("/a.html")
    assert all(r.headers["user-agent"].startswith("newsbot/") for r in sent)
    assert sent[-1].headers["if-none-match"] == first.validators.etag


def test_robots_txt_disallow_is_obeyed_without_requesting_the_page(
    site: NewsSite, fetcher: Callable[..., Fetcher]
):
    site.route(
        "/robots.txt", Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    )
    url = site.page("/private/a.html", "<html><body>secret</body></html>")
    with pytest.raises(FetchError, match=r"robots\.txt"):
        fetcher().get(url)
    assert site.fetched("/private/a.html") == []
    assert fetcher().get(site.page("/public.html", "<p>ok</p>")).status == 200


def test_each_failure_is_one_reason(site: NewsSite, fetcher: Callable[..., Fetcher]):
    site.route("/missing-is-404", Route(b"", status=404))
    site.route("/boom", Route(b"oops", status=500, content_type="text/plain"))
    site.route("/slow", Route(b"late", delay=3.0))
    site.route("/huge", Route(b"x" * 2_000_000))
    site.route("/liar", Route(b"x" * 10, length=10, headers={}))
    site.route("/loop-a", Route(status=302, headers={"Location": "/loop-b"}, validators=False))
    site.route("/loop-b", Route(status=302, headers={"Location": "/loop-a"}, validators=False))
    site.route("/ftp", Route(status=301, headers={"Location": "ftp://example.invalid/x"}))
    small = fetcher(max_bytes=1_000_000, timeout=1.0)
    cases = {
        site.url("/nothing-here"): "HTTP 404",
        site.url("/boom"): "HTTP 500",
        site.url("/slow"): "timed out",
        site.url("/huge"): "too large",
        site.url("/loop-a"): "redirect loop",
        site.url("/ftp"): "only http and https",
        closed_port_url(): "connection refused",
        "http://[::1/x": "invalid URL",
    }
    for url, reason in cases.items():
        with pytest.raises(FetchError, match=reason) as info:
            small.get(url)
        assert "\n" not in str(info.value)


def test_redirects_are_followed_within_the_limit(site: NewsSite, fetcher: Callable[..., Fetcher]):
    site.page("/final.html", "<p>arrived</p>")
    for i in range(3):
        target = "/final.html" if i == 2 else f"/hop{i + 1}"
        site.route(f"/hop{i}", Route(status=301, headers={"Location": target}, validators=False))
    got = fetcher().get(site.url("/hop0"))
    assert got.final_url == site.url("/final.html") and b"arrived" in got.body
    with pytest.raises(FetchError, match="too many redirects"):
        fetcher(max_redirects=2).get(site.url("/hop0"))


def test_per_host_concurrency_and_delay(site: NewsSite, fetcher: Callable[..., Fetcher]):
    site.route("/slowish", Route(b"<p>x</p>", delay=0.2, validators=False))
    polite = fetcher(host_concurrency=2, host_delay=0.05)

    def one() -> None:
        polite.get(site.url("/slowish"))

    began = time.monotonic()
    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 4 requests of 0.2 s, 2 at a time: at least two rounds.
    assert time.monotonic() - began >= 0.4


def test_robots_crawl_delay_spaces_requests(site: NewsSite, fetcher: Callable[..., Fetcher]):
    site.route("/robots.txt", Route(b"User-agent: *\nCrawl-delay: 1\n", content_type="text/plain"))
    site.page("/p.html", "<p>x</p>", validators=False)
    polite = fetcher()
    began = time.monotonic()
    for _ in range(2):
        polite.get(site.url("/p.html"))
    assert time.monotonic() - began >= 1.0  # robotparser reads whole seconds


def test_canonical_urls_drop_tracking_parameters():
    html = (
        '<html><head><link rel="canonical" href="/story/7?utm_source=rss&amp;id=7"></head></html>'
    )
    assert canonical_url(html, "http://127.0.0.1:1/s?x=1") == "http://127.0.0.1:1/story/7?id=7"
    assert (
        canonical_url("<html><body>no link</body></html>", "http://h/a?utm_medium=x")
        == "http://h/a"
    )
    assert normalize("https://Example.com/a?fbclid=1#top") == "https://example.com/a"


def test_validators_make_conditional_headers():
    assert Validators("abc", "Thu").headers() == {
        "If-None-Match": "abc",
        "If-Modified-Since": "Thu",
    }
    assert Validators().headers() == {}
