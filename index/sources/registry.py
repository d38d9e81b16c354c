"""The table of source kinds, and one run over the sources named on the command line.

Local arguments are claimed by their path (file, folder); URLs by their response, never by
their name: the content type and the document's first element say feed, sitemap or page.
Adding a kind is one module with a `KIND` and one line in `KINDS`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.sources import feed, file, folder, page, sitemap
from index.sources.args import check_local, is_web_url
from index.sources.base import Context, Document, Entry, Failed, Probe, SourceKind, Unchanged
from index.web.fetch import FetchError

# Order matters: the first kind that claims a source gets it (feeds and sitemaps are XML,
# and some servers send them as text/html).
KINDS: tuple[SourceKind, ...] = (file.KIND, folder.KIND, feed.KIND, sitemap.KIND, page.KIND)


@dataclass
class Outcome:
    """What one command-line source yielded."""

    source: str
    web: bool
    kind: str = ""
    articles: int = 0  # documents and unchanged articles
    failed: int = 0
    reason: str = ""  # the first failure's reason

    @property
    def empty(self) -> bool:
        """Nothing came of this source."""
        return self.articles == 0

    def as_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {
            "source": self.source,
            "web": self.web,
            "kind": self.kind,
            "articles": self.articles,
            "failed": self.failed,
            "reason": self.reason,
        }


@dataclass
class SourceRun:
    """Expands the sources into entries, one article once, and tallies each source."""

    args: Sequence[Path | str]
    ctx: Context
    outcomes: list[Outcome] = field(default_factory=list)

    def entries(self) -> Iterator[Entry]:
        """Every entry of every source, in order; an article reached twice comes once."""
        seen: set[str] = set()
        for arg in self.args:
            web = isinstance(arg, str) and is_web_url(arg)
            outcome = Outcome(str(arg), web)
            self.outcomes.append(outcome)
            for entry in (
                self._expand(str(arg), outcome) if web else self._local(Path(arg), outcome)
            ):
                if isinstance(entry, Failed):
                    outcome.failed += 1
                    outcome.reason = outcome.reason or entry.reason
                    yield entry
                    continue
                outcome.articles += 1
                if entry.key not in seen:
                    seen.add(entry.key)
                    yield entry

    def _local(self, path: Path, outcome: Outcome) -> Iterator[Entry]:
        probe = Probe(str(path), path=path)
        kind = next((k for k in KINDS if k.claims(probe)), None)
        if kind is None:
            yield Failed(str(path), "neither a file nor a folder")
            return
        outcome.kind = kind.name
        yield from kind.entries(probe, self.ctx)

    def _expand(self, url: str, outcome: Outcome) -> Iterator[Entry]:
        web = self.ctx.web
        if web is None:
            yield Failed(url, "web sources are not enabled here")
            return
        held = web.state.get(url)
        if held and held.get("kind") == "page" and not self.ctx.known(str(held.get("key"))):
            held = None  # the article is not in the index (any more): fetch it whole
        try:
            response = web.fetcher.get(url, validators=web.state.validators(url) if held else None)
        except FetchError as exc:
            yield Failed(url, exc.reason)
            return
        probe = Probe(url, response=response, remembered=held)
        if response.not_modified and held:
            kind = next((k for k in KINDS if k.name == held.get("kind")), None)
        else:
            kind = next((k for k in KINDS if k.claims(probe)), None)
        if kind is None:
            what = response.content_type or "unknown"
            yield Failed(url, f"not an HTML page, feed or sitemap (content type '{what}')")
            return
        outcome.kind = kind.name
        yield from kind.entries(probe, self.ctx)


__all__ = ["KINDS", "Document", "Outcome", "SourceRun", "Unchanged", "check_local"]
