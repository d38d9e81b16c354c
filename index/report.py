"""What one ingest did: the summary `newsbot ingest` prints (`--json`: one object)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class IngestReport:
    """What one ingest did; printed as the summary (`--json`: one object)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)
    recovered: int = 0
    stories: int = 0
    chunks_embedded: int = 0
    seconds: float = 0.0
    sources: list[dict[str, Any]] = field(default_factory=list)  # per argument: kind, articles

    @property
    def empty_web_sources(self) -> list[dict[str, Any]]:
        """URLs named on the command line that yielded no article (the CLI exits non-zero)."""
        return [s for s in self.sources if s.get("web") and not s.get("articles")]

    @property
    def changed(self) -> bool:
        """Did this run change what the index holds?"""
        return bool(self.added or self.updated or self.removed or self.duplicates or self.recovered)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "recovered": self.recovered,
            "stories": self.stories,
            "chunks_embedded": self.chunks_embedded,
            "seconds": round(self.seconds, 2),
            "added_sources": self.added,
            "updated_sources": self.updated,
            "removed_sources": self.removed,
            "sources": self.sources,
        }
