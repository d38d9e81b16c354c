"""Source kind `page`: a single article page."""

from __future__ import annotations

from collections.abc import Iterator

from index.sources.base import Context, Entry, Probe, Unchanged
from index.sources.web import is_html, page_entry


class PageKind:
    """A URL whose response is an HTML page."""

    name = "page"

    def claims(self, probe: Probe) -> bool:
        """An HTML response."""
        return probe.response is not None and is_html(probe.response)

    def entries(self, probe: Probe, ctx: Context) -> Iterator[Entry]:
        """The page's article."""
        assert probe.response is not None and ctx.web is not None
        held = probe.remembered
        if probe.response.not_modified and held:
            yield Unchanged(str(held["key"]), probe.arg)
            return
        yield page_entry(probe.response, ctx, held=held)


KIND = PageKind()
