"""The source records: one in-memory type (`Catalog`), one on-disk copy per generation.

A source record is Chroma's `docs` entry of one file: state, hashes, article and story ids,
MinHash. Reading every record back from Chroma (`Collections.all_docs`) took 4.9 s for 35,910
records on the 109k-chunk bench archive (cProfile of a one-file ingest): a cold `newsbot ask`,
the Slack bot's first question after each ingest, and every ingest paid it. So the ingest that
bumps the generation saves its catalog under `NEWSBOT_HOME/records/`, and the next reader or
ingest loads it when the generation still matches, reading Chroma otherwise (a killed ingest,
another machine's ingest against a shared Chroma server).

With the embedded store, only newsbot's own ingests write, one at a time: a copy is "sealed"
from the moment it is saved until an ingest is about to change the store (`unseal` leaves a
marker beside it, which the next successful save removes). A sealed copy tells the next
ingest what the store holds without opening Chroma at all, so re-polling unchanged sources
costs neither the store nor the model (issue 14).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Record = dict[str, Any]


class Catalog:
    """Source records by record id, with an article -> complete sources index."""

    def __init__(self, records: dict[str, Record] | None = None) -> None:
        self.records: dict[str, Record] = records if records is not None else {}
        self._by_article: dict[str, set[str]] = {}
        for rid, meta in self.records.items():
            self._index(rid, meta)

    def __len__(self) -> int:
        return len(self.records)

    def _index(self, rid: str, meta: Record) -> None:
        if meta.get("state") == "complete":
            self._by_article.setdefault(str(meta.get("article_id")), set()).add(rid)

    def put(self, rid: str, meta: Record) -> None:
        """Record a source's new metadata."""
        self.pop(rid)
        self.records[rid] = meta
        self._index(rid, meta)

    def pop(self, rid: str) -> Record | None:
        """Forget a source."""
        meta = self.records.pop(rid, None)
        if meta is not None:
            self._by_article.get(str(meta.get("article_id")), set()).discard(rid)
        return meta

    def is_stored(self, article_id: str, *, exclude: str | frozenset[str] = "") -> bool:
        """Does a complete source (other than `exclude`: one id or a set) hold this article?"""
        others = {exclude} if isinstance(exclude, str) else exclude
        return bool(self._by_article.get(article_id, set()) - others)

    def is_complete(self, rid: str) -> bool:
        """Is this source's record complete?"""
        return self.records.get(rid, {}).get("state") == "complete"

    def holder(self, article_id: str) -> tuple[str, Record] | None:
        """A complete source holding this article, if any."""
        for rid in sorted(self._by_article.get(article_id, ())):
            return rid, self.records[rid]
        return None

    def complete(self) -> dict[str, Record]:
        """Records of completely ingested sources."""
        return {k: m for k, m in self.records.items() if m.get("state") == "complete"}

    def visible(self) -> dict[str, Record]:
        """The records readers see: complete ones, and a source an interrupted update left
        `pending` as its previous version (whose chunks stay until the update completes), so
        readers see exactly one version of each article."""
        out: dict[str, Record] = {}
        for key, meta in self.records.items():
            if meta.get("state") == "complete":
                out[key] = meta
            elif meta.get("prev_article_id"):
                out[key] = {**meta, "state": "complete", "article_id": meta["prev_article_id"]}
        return out

    @classmethod
    def load(cls, path: Path, generation: str) -> Catalog | None:
        """The catalog saved for `generation`, or None (absent, stale or unreadable)."""
        saved = _read(path)
        if saved is None or not generation or saved[1] != generation:
            return None
        return cls(saved[0])

    @classmethod
    def load_sealed(cls, path: Path) -> tuple[Catalog, str] | None:
        """The saved catalog and its generation while no ingest has begun changing the store
        since it was saved (see `unseal`); None otherwise."""
        saved = None if _marker(path).exists() else _read(path)
        if saved is None or not saved[1]:
            return None
        return cls(saved[0]), saved[1]

    @staticmethod
    def unseal(path: Path) -> None:
        """Before an ingest's first change to the store: the saved copy may no longer be all
        the store holds (a run killed from here on leaves the marker behind)."""
        marker = _marker(path)
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError as exc:
            log.warning("cannot mark the catalog at %s as changing: %s", path, exc)
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)  # no copy is better than one taken as sealed

    def save(self, path: Path, generation: str) -> None:
        """Write atomically (a reader never sees half a file) and seal; a read-only data dir is
        only logged."""
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        data = {"generation": generation, "records": self.records}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data), encoding="utf-8")
            tmp.replace(path)
            _marker(path).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("cannot save the catalog to %s: %s", path, exc)


def _read(path: Path) -> tuple[dict[str, Record], str] | None:
    """Records and generation of a saved catalog; None if absent or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    records = data.get("records") if isinstance(data, dict) else None
    if not isinstance(records, dict):
        return None
    return records, str(data.get("generation") or "")


def _marker(path: Path) -> Path:
    """Beside a saved catalog while an ingest may be changing the store."""
    return path.with_name(f"{path.name}.changing")
