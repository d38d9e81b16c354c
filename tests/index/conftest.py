"""Fixtures shared by the index tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.news_site import NewsSite, clear_proxies, news_site


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[NewsSite]:
    """A loopback news site for one test (no proxy from the developer's shell in between)."""
    clear_proxies(monkeypatch)
    with news_site() as s:
        yield s
