"""The watcher's schedule: durations, one line per poll, backoff for failing sources."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from index.errors import IngestLockedError
from index.ingest import IngestReport
from index.watch import Watcher, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("10m", 600), ("1h", 3600), ("1h30m", 5400), ("45", 45)]
)
def test_durations(text: str, seconds: float):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "10x", "0s", "-5m"])
def test_bad_durations_say_what_is_expected(text: str):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


class FakeIngest:
    """Stands in for NewsIndex.ingest: `down` sources yield nothing."""

    def __init__(self) -> None:
        self.down: set[str] = set()
        self.calls: list[list[str]] = []
        self.error: Exception | None = None

    def __call__(self, sources: Sequence[Path | str]) -> IngestReport:
        self.calls.append([str(s) for s in sources])
        if self.error:
            raise self.error
        report = IngestReport(added=["x"] if len(self.calls) == 1 else [], unchanged=1)
        for s in sources:
            bad = str(s) in self.down
            report.sources.append(
                {
                    "source": str(s),
                    "web": True,
                    "articles": 0 if bad else 1,
                    "reason": "HTTP 500" if bad else "",
                }
            )
            if bad:
                report.skipped.append({"source": str(s), "reason": "HTTP 500"})
        return report


def test_a_failing_source_backs_off_while_the_others_keep_their_pace():
    ingest = FakeIngest()
    ingest.down = {"http://b/feed"}
    now = [0.0]
    lines: list[str] = []
    watcher = Watcher(
        ingest, ["http://a/feed", "http://b/feed"], every=60, say=lines.append, clock=lambda: now[0]
    )
    for _ in range(6):
        watcher.poll()
        now[0] += 60
    polled_b = [i for i, call in enumerate(ingest.calls) if "http://b/feed" in call]
    assert polled_b == [0, 1, 3]  # after 1, 2, then 4 intervals
    assert all("http://a/feed" in call for call in ingest.calls)
    assert lines[0].startswith("poll 1: new 1, updated 0, unchanged 1, failed 1")
    assert "http://b/feed: HTTP 500 (next try in 1m)" in lines[0]
    assert "next try in 2m" in lines[1]
    ingest.down.clear()
    now[0] += 600
    watcher.poll()
    watcher.poll()
    assert "http://b/feed" in ingest.calls[-1]  # recovered: back to every poll


def test_a_poll_that_fails_as_a_whole_is_one_line_and_the_watch_goes_on():
    ingest = FakeIngest()
    ingest.error = IngestLockedError("another `newsbot ingest` is writing to this index")
    lines: list[str] = []
    stop = threading.Event()
    watcher = Watcher(ingest, ["http://a/feed"], every=0.01, say=lines.append)

    def stop_after_three(line: str) -> None:
        lines.append(line)
        if len(lines) >= 3:
            stop.set()

    watcher.say = stop_after_three
    thread = watcher.start(stop)
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert lines[0] == "poll 1: failed: another `newsbot ingest` is writing to this index"
    assert len(lines) >= 3
