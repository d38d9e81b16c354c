"""What a reader derives from the catalog once per index generation: articles, stories, dates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from index.catalog import Catalog
from index.lexical import LexicalIndex

# What retrieval reads of a source record; MinHash, paths and hashes are the ingest's business.
_WORDS = re.compile(r"\w+")
FIELDS = ("article_id", "story_id", "chunks", "published_day", "source", "outlet")


def live_articles(catalog: Catalog) -> set[str]:
    """Ids of the articles readers may see (one version per source)."""
    return {str(m["article_id"]) for m in catalog.visible().values()}


@dataclass
class Snapshot:
    """The visible records of one generation, indexed for retrieval."""

    generation: str
    by_article: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    by_story: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    effective_day: dict[str, int] = field(default_factory=dict)
    by_outlet: dict[str, list[str]] = field(default_factory=dict)  # folded outlet name -> articles
    outlet_names: dict[str, str] = field(default_factory=dict)  # folded -> as first written
    lexical: LexicalIndex | None = None
    chunk_count: int = 0

    @classmethod
    def of(cls, generation: str, catalog: Catalog) -> Snapshot:
        """Index the records readers see."""
        snap = cls(generation)
        for full in catalog.visible().values():
            meta = {f: full[f] for f in FIELDS if f in full}
            snap.by_article.setdefault(str(meta["article_id"]), []).append(meta)
            snap.by_story.setdefault(str(meta["story_id"]), []).append(meta)
        for article, metas in snap.by_article.items():
            name = " ".join(_WORDS.findall(str(metas[0].get("outlet") or "").casefold()))
            if len(name.replace(" ", "")) >= 3:
                snap.by_outlet.setdefault(name, []).append(article)
                snap.outlet_names.setdefault(name, str(metas[0].get("outlet")))
        snap.chunk_count = sum(
            int(metas[0].get("chunks") or 0) for metas in snap.by_article.values()
        )
        for story in snap.by_story.values():
            days = [int(m.get("published_day") or 0) for m in story]
            dated = [d for d in days if d]
            # An undated copy of a dated story is dated by the story (never by file mtime).
            for meta in story:
                own = int(meta.get("published_day") or 0)
                snap.effective_day[str(meta["article_id"])] = own or (min(dated) if dated else 0)
        return snap

    def outlet_articles(self, question: str) -> list[str]:
        """Articles of the outlets a question names ("according to The Verge", "TechCrunch
        reported"): whole words, case-folded; outlets of fewer than 3 letters never match."""
        return [a for name in self._named(question) for a in self.by_outlet[name]]

    def named_outlets(self, text: str) -> list[str]:
        """The outlets a text names, as the articles write them, in order of first mention; a
        name inside a longer one ("The Age" in "The Age of AI Weekly") counts only as the longer.

        >>> snap = Snapshot("g", by_outlet={"the verge": ["a"]}, outlet_names={"the verge": "The Verge"})
        >>> snap.named_outlets("did the verge say so?")
        ['The Verge']
        """
        return [self.outlet_names.get(name, name) for name in self._named(text)]

    def articles_of(self, outlets: list[str]) -> list[str]:
        """Articles of these outlets (names matched case-folded, whole words)."""
        wanted = {" ".join(_WORDS.findall(o.casefold())) for o in outlets}
        return [a for name in wanted for a in self.by_outlet.get(name, [])]

    def _named(self, text: str) -> list[str]:
        folded = f" {' '.join(_WORDS.findall(text.casefold()))} "
        spans: list[tuple[int, int, str]] = []
        for name in self.by_outlet:
            at = folded.find(f" {name} ")
            if at >= 0:
                spans.append((at, at + len(name) + 2, name))
        spans.sort(key=lambda s: (s[0], -s[1]))
        kept: list[tuple[int, int, str]] = []
        for span in spans:
            if not any(k[0] <= span[0] and span[1] <= k[1] for k in kept):
                kept.append(span)
        return [name for _, _, name in kept]

    def has_dates(self) -> bool:
        """Does any visible article have a date?"""
        return any(self.effective_day.values())

    def also_reported_by(
        self, story_id: str, source: str, own_outlet: str | None
    ) -> tuple[str, ...]:
        """Other outlets (or sources) carrying the story."""
        names: list[str] = []
        for meta in self.by_story.get(story_id, []):
            if meta.get("source") == source:
                continue
            outlet = str(meta.get("outlet") or "")
            name = outlet if outlet and outlet != own_outlet else str(meta.get("source"))
            if name not in names:
                names.append(name)
        return tuple(names)
