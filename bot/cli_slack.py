"""`newsbot slack` and `newsbot feedback`."""

from __future__ import annotations

import json
import threading
from typing import Annotated

import typer

from bot.cli_watch import DEFAULT_EVERY, make_watcher
from bot.context import AppContext


def register(app: typer.Typer) -> None:
    """Add the Slack commands to the CLI."""
    app.command()(slack)
    app.command()(feedback)


def slack(
    ctx: typer.Context,
    sources: Annotated[
        list[str] | None, typer.Argument(help="With --watch: feeds, sitemaps, pages, folders.")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="HTTP-mode port (default: env PORT, else 3000).")
    ] = None,
    watch: Annotated[
        bool, typer.Option("--watch", help="Also re-poll SOURCES in this process (see watch).")
    ] = False,
    every: Annotated[
        str, typer.Option("--every", help="With --watch: time between polls.")
    ] = DEFAULT_EVERY,
) -> None:
    """Run the Slack bot: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on /slack/events."""
    from bot.slack.serve import serve

    app_ctx: AppContext = ctx.obj
    if bool(sources) != watch:
        raise typer.BadParameter("give sources with --watch: newsbot slack --watch URL...")
    stop = threading.Event()
    if watch:  # a first poll builds the index; later ones run in a thread answers never wait on
        watcher = make_watcher(app_ctx.index, sources or [], every)
        watcher.poll()
        watcher.start(stop, wait_first=True)
    answerer = app_ctx.answerer
    # Load the index, model and caches before connecting, so the first question is fast and a
    # missing index is reported at start-up rather than in Slack.
    app_ctx.index.stats()
    answerer.answer("warm-up")
    try:
        serve(app_ctx.settings, answerer, port=port)
    except KeyboardInterrupt:
        typer.echo("newsbot: stopped", err=True)
    finally:
        stop.set()


def feedback(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Export the 👍/👎 clicks collected in Slack."""
    from bot.slack.feedback import FeedbackStore, default_path

    app_ctx: AppContext = ctx.obj
    path = default_path(app_ctx.settings.home)
    rows = FeedbackStore(path).export() if path.exists() else []
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        typer.echo("No feedback yet.")
        return
    for row in rows:
        vote = "👍" if row.get("vote") == "up" else "👎"
        typer.echo(
            f"{row.get('time')} {vote} {row.get('user')} in {row.get('channel')}: {row.get('question')}"
        )
