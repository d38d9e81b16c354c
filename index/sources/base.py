"""What every source kind shares: the entries a source yields and the interface of a kind.

A source (a command-line argument) yields entries: a `Document` to store, `Unchanged` for an
article the index already holds as it is, or `Failed` with the reason, one line for the user.
A kind (file, folder, feed, sitemap, page) says whether it `claims` a probed argument and turns
it into entries; `index.sources.registry` holds the table of kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from index.clean import CleanedArticle

if TYPE_CHECKING:
    from index.sources.web import WebSession
    from index.web.fetch import Response


@dataclass(frozen=True)
class Document:
    """An article to store (or find unchanged by its hash)."""

    key: str  # identity: an absolute path or a canonical URL; the record id is derived from it
    source: str  # how citations name it: the file name or the URL
    content_hash: str  # same hash as the stored record: nothing to do
    load: Callable[[], CleanedArticle]  # the cleaned article; raises UnsupportedFileError


@dataclass(frozen=True)
class Unchanged:
    """An article the index holds as it is (a 304, or an unchanged feed item)."""

    key: str
    source: str


@dataclass(frozen=True)
class Failed:
    """A source or item that yielded nothing, and why."""

    source: str
    reason: str
    key: str = ""  # a local file that exists but cannot be read keeps its record under --prune


Entry = Document | Unchanged | Failed


@dataclass(frozen=True)
class Probe:
    """One command-line source as seen before choosing its kind."""

    arg: str
    path: Path | None = None  # a local file or folder
    response: Response | None = None  # a URL's response (200, or 304 with `remembered`)
    remembered: dict[str, Any] | None = None  # what the last run learnt about the URL


@dataclass
class Context:
    """What kinds need while expanding a source."""

    known: Callable[[str], bool]  # does the index hold the article with this key?
    web: WebSession | None = None
    max_file_bytes: int = 5 * 1024 * 1024


class SourceKind(Protocol):
    """One kind of source; register it in `index.sources.registry.KINDS`."""

    name: str

    def claims(self, probe: Probe) -> bool:
        """Is this argument (path or response) of this kind?"""
        ...

    def entries(self, probe: Probe, ctx: Context) -> Iterator[Entry]:
        """The articles of the source."""
        ...
