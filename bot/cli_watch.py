"""`newsbot watch`: re-poll sources until Ctrl-C or SIGTERM, one line per poll on stderr."""

from __future__ import annotations

import signal
import threading
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from bot.context import AppContext
from index.api import NewsIndex, Watcher, check_local, is_web_url, parse_duration

DEFAULT_EVERY = "15m"


def register(app: typer.Typer) -> None:
    """Add the watch command to the CLI."""
    app.command()(watch)


def watch(
    ctx: typer.Context,
    sources: Annotated[
        list[str], typer.Argument(help="Feeds, sitemaps, pages (http/https), files or folders.")
    ],
    every: Annotated[
        str, typer.Option("--every", help="Time between polls: 30s, 10m, 1h...")
    ] = DEFAULT_EVERY,
) -> None:
    """Re-ingest the sources every DURATION until stopped (Ctrl-C, SIGTERM)."""
    app_ctx: AppContext = ctx.obj
    watcher = make_watcher(app_ctx.index, sources, every)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():  # a second signal: stop now (an ingest cut short is completed later)
            raise KeyboardInterrupt
        stop.set()
        typer.echo("newsbot: stopping after this poll (again to stop now)", err=True)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        watcher.run(stop)
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    typer.echo("newsbot: watch stopped", err=True)


def make_watcher(index: NewsIndex, sources: list[str], every: str) -> Watcher:
    """A watcher over `sources` that prints one timestamped line per poll to stderr."""
    try:
        seconds = parse_duration(every)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--every") from None
    targets: list[Path | str] = [s if is_web_url(s) else Path(s) for s in sources]
    check_local(targets)

    def say(line: str) -> None:
        typer.echo(f"{datetime.now().isoformat(timespec='seconds')} {line}", err=True)

    return Watcher(index.ingest, targets, every=seconds, say=say)
