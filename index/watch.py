"""Keep an index fresh: re-ingest sources every so often until stopped (`newsbot watch`,
`newsbot slack --watch`). One log line per poll; a failing source is retried later and later
(doubling, up to 8 intervals) while the others keep their pace."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index.errors import NewsbotError

if TYPE_CHECKING:
    from index.ingest import IngestReport

log = logging.getLogger(__name__)
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PART_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)?")
MAX_BACKOFF = 8  # a failing source is retried at most every 8 intervals


def parse_duration(text: str) -> float:
    """Seconds in a duration such as `30s`, `10m`, `1h`, `1h30m` or `90` (seconds).

    >>> parse_duration("1h30m")
    5400.0
    """
    compact = text.strip().lower().replace(" ", "")
    parts = list(_PART_RE.finditer(compact))
    if not parts or "".join(p.group(0) for p in parts) != compact:
        raise ValueError(f"not a duration: {text!r} (examples: 30s, 10m, 1h)")
    seconds = sum(float(p.group(1)) * _UNITS[p.group(2) or "s"] for p in parts)
    if seconds <= 0:
        raise ValueError(f"not a positive duration: {text!r}")
    return seconds


@dataclass
class _Backoff:
    failures: int = 0
    due: float = 0.0  # monotonic time of the next attempt


@dataclass
class Watcher:
    """Polls `sources` through `ingest` every `every` seconds."""

    ingest: Callable[[Sequence[Path | str]], IngestReport]
    sources: Sequence[Path | str]
    every: float = 900.0
    say: Callable[[str], None] = log.info  # where the one line per poll goes
    clock: Callable[[], float] = time.monotonic
    polls: int = 0
    _backoff: dict[str, _Backoff] = field(default_factory=dict)

    def poll(self) -> str:
        """Ingest every source that is due; return (and say) the poll's one line."""
        self.polls += 1
        now = self.clock()
        due = [s for s in self.sources if self._backoff.get(str(s), _Backoff()).due <= now]
        started = time.perf_counter()
        if not due:
            line = f"poll {self.polls}: every source is backing off"
            self.say(line)
            return line
        try:
            report = self.ingest(due)
        except (NewsbotError, OSError) as exc:  # the store, the lock, a vanished folder...
            for source in due:
                self._failed(str(source), now)
            line = f"poll {self.polls}: failed: {exc}"
            self.say(line)
            return line
        failed = [s for s in report.sources if not s.get("articles")]
        for outcome in report.sources:
            if outcome.get("articles"):
                self._backoff.pop(str(outcome["source"]), None)
        notes = []
        for outcome in failed:
            wait = self._failed(str(outcome["source"]), now)
            notes.append(
                f"{outcome['source']}: {outcome.get('reason') or 'nothing found'}"
                f" (next try in {_human(wait)})"
            )
        line = (
            f"poll {self.polls}: new {len(report.added)}, updated {len(report.updated)}, "
            f"unchanged {report.unchanged}, failed {len(report.skipped)}"
            f" ({time.perf_counter() - started:.1f} s)"
        )
        if notes:
            line += "; " + "; ".join(notes)
        self.say(line)
        return line

    def _failed(self, source: str, now: float) -> float:
        state = self._backoff.setdefault(source, _Backoff())
        state.failures += 1
        wait = self.every * min(2 ** (state.failures - 1), MAX_BACKOFF)
        state.due = now + wait - 0.001 * self.every  # due again at the poll `wait` from now
        return wait

    def run(self, stop: threading.Event, *, wait_first: bool = False) -> None:
        """Poll now (or after one interval) and then every `every` seconds until `stop`."""
        if wait_first:
            stop.wait(self.every)
        while not stop.is_set():
            try:
                self.poll()
            except Exception:  # a bug in one poll must not end the watch; the next may pass
                log.exception("poll %d crashed", self.polls)
            stop.wait(self.every)

    def start(self, stop: threading.Event, *, wait_first: bool = False) -> threading.Thread:
        """`run` in a daemon thread (the Slack bot's), returning it."""
        thread = threading.Thread(
            target=self.run,
            args=(stop,),
            kwargs={"wait_first": wait_first},
            name="newsbot-watch",
            daemon=True,
        )
        thread.start()
        return thread


def _human(seconds: float) -> str:
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
