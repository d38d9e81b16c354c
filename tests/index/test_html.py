"""HTML pages: trafilatura's main text and metadata, then the same line cleaning as plain text."""

from __future__ import annotations

import datetime
import html
from pathlib import Path

import pytest

from index.html import clean_html

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "seeds"

LEAD = (
    "ISTANBUL, April 10, 2025 (BSS/AFP)- US and Russian delegations met in Istanbul on Thursday "
    "for talks on restoring the functioning of their embassies."
)
SECOND = (
    "The talks, the second of their kind, come after President Donald Trump reached out to "
    "Russia following the start of his second term."
)
LAST = (
    "Russia's invasion of Ukraine plunged ties between Moscow and Washington to their lowest "
    "levels since the Cold War, officials in both capitals have said."
)


def _page(*, head: str = "", body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def _news_page(lead: str = LEAD) -> str:
    head = (
        "<title>US, Russia meet in Istanbul for talks on embassies | BSS</title>"
        '<meta property="og:site_name" content="BSS">'
        '<meta property="article:published_time" content="2025-04-10T14:25:00+06:00">'
    )
    body = (
        '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sports">Sports</a></nav>'
        "<article><h1>US, Russia meet in Istanbul for talks on embassies</h1>"
        f"<p>{html.escape(lead)}</p><p>{html.escape(SECOND)}</p>"
        "<p>Read More: US-Russia talks on Ukraine begin in Saudi Arabia</p>"
        f"<p>{html.escape(LAST)}</p></article>"
        "<aside><h3>Most Viewed</h3><ul><li>Afghan pacer Zia Sharifi joins Dhaka Capitals</li>"
        "<li>Forex reserves stand at $31.89b</li></ul></aside>"
        "<footer>Copyright 2025 BSS. All rights reserved.</footer>"
    )
    return _page(head=head, body=body)


def test_news_page_text_is_title_then_body() -> None:
    article = clean_html(_news_page(), url="https://www.bssnews.net/world/123")
    assert article.title == "US, Russia meet in Istanbul for talks on embassies"
    assert article.text == "\n\n".join([article.title, LEAD, SECOND, LAST])


def test_news_page_furniture_is_gone() -> None:
    text = clean_html(_news_page()).text
    for furniture in ("Read More", "Most Viewed", "Zia Sharifi", "Home", "Copyright", "| BSS"):
        assert furniture not in text


def test_news_page_metadata() -> None:
    article = clean_html(_news_page())
    assert article.published == datetime.date(2025, 4, 10)
    # The agency named in the dateline is more specific than the site name.
    assert article.outlet == "BSS/AFP"


def test_site_name_is_the_outlet_when_the_text_names_none() -> None:
    lead = "US and Russian delegations met in Istanbul on Thursday for talks on their embassies."
    assert clean_html(_news_page(lead)).outlet == "BSS"


def test_dates_in_the_body_are_not_publication_dates() -> None:
    paragraphs = "".join(
        f"<p>Round {i}: the delegations met in Istanbul on April 10, 2025 to talk about the "
        "staffing of their embassies in both capitals.</p>"
        for i in range(5)
    )
    page = _page(head="<title>Talks in Istanbul</title>", body=f"<article>{paragraphs}</article>")
    article = clean_html(page)
    assert article.text.startswith("Talks in Istanbul\n\nRound 0:")
    assert article.published is None


def test_fallback_when_trafilatura_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("index.html.trafilatura.bare_extraction", lambda *a, **k: None)
    page = _page(
        head="<title>Envoys meet</title><style>p { color: red }</style>",
        body=(
            "<nav>Home World Sports</nav><div>Envoys met in Istanbul on Thursday.<br>"
            f"They talked for six hours.</div><p>{html.escape(LAST)}</p><script>var a = 1;</script>"
        ),
    )
    article = clean_html(page)
    assert article.text == "\n\n".join(
        ["Envoys meet", "Envoys met in Istanbul on Thursday.", "They talked for six hours.", LAST]
    )


def test_empty_page() -> None:
    article = clean_html("  ")
    assert (article.text, article.title, article.published) == ("", "", None)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared data not present")
def test_seed_page_as_html_is_cleaned_like_text() -> None:
    """Seed 001 with every line as a <p>: trafilatura keeps the furniture, line cleaning drops it."""
    (path,) = SEEDS.glob("001_*.txt")
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    article = clean_html(_page(body=f"<article>{body}</article>"))
    assert article.title == "US, Russia discuss stabilizing embassy operations in Istanbul talks"
    assert article.published == datetime.date(2025, 2, 28)
    for furniture in ("Quark.Models", "LATEST NEWS", "Recommended", "Zelensky", "Mourinho"):
        assert furniture not in article.text
    assert article.text.count(article.title) == 1
    assert "‘Restoring relations and dialogue’" in article.text
    assert article.text.endswith(
        "Lavrov added that based on the outcome of the meeting, “it will be clear how quickly "
        "and effectively we can move forward.”"
    )


@pytest.mark.parametrize(
    "head", ["<title>Bridge reopens soon\n", "<TITLE lang=en>Bridge reopens soon"]
)
def test_an_unclosed_title_does_not_swallow_the_page(head: str):
    body = (
        "<p>The harbour bridge reopens on 12 May after repairs to 400 steel cables, officials "
        "said.</p><p>Traffic will be limited to two lanes for a month while crews finish.</p>"
    )
    article = clean_html(_page(head=head, body=body))
    assert "<" not in article.text and "</head>" not in article.text
    assert "reopens on 12 May after repairs" in article.text
    assert "two lanes for a month" in article.text
    assert article.title == "Bridge reopens soon"
