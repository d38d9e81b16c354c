"""What the last ingest learnt about each URL: validators for conditional GET, the article it
led to (page) or the items it listed (feed, sitemap). One JSON file per collection.

Entries are staged during a run and written only by `commit` once the run's articles are in the
index, and only for pages whose article is held: a run killed half-way leaves the previous
file, so the next run fetches again instead of trusting a 304 for an article it never stored.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from index.web.fetch import Validators

log = logging.getLogger(__name__)
Entry = dict[str, Any]


class WebState:
    """Per-URL state, read once, staged in memory, saved atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._saved = self._read(path)
        self._staged: dict[str, Entry] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _read(path: Path) -> dict[str, Entry]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, url: str) -> Entry | None:
        """The latest entry for `url` (staged this run, else saved)."""
        with self._lock:
            return self._staged.get(url) or self._saved.get(url)

    def validators(self, url: str) -> Validators | None:
        """Validators of the copy we hold, for a conditional GET."""
        entry = self.get(url)
        if not entry:
            return None
        return Validators(entry.get("etag"), entry.get("last_modified"))

    def stage(self, url: str, entry: Entry) -> None:
        """Remember `entry` for `url` once the run commits."""
        with self._lock:
            self._staged[url] = entry

    def commit(self, held: Callable[[str], bool]) -> None:
        """Save staged entries; a page's only when `held(its article key)`."""
        with self._lock:
            for url, entry in self._staged.items():
                if entry.get("kind") != "page" or held(str(entry.get("key"))):
                    self._saved[url] = entry
            self._staged.clear()
            data = dict(self._saved)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data), encoding="utf-8")
            tmp.replace(self.path)
        except OSError as exc:
            log.warning("cannot save web state to %s: %s", self.path, exc)
