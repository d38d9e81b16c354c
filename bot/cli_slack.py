"""`newsbot slack` and `newsbot feedback`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bot.context import AppContext


def register(app: typer.Typer) -> None:
    """Add the Slack commands to the CLI."""
    app.command()(slack)
    app.command()(feedback)


def slack(
    ctx: typer.Context,
    port: Annotated[
        int | None, typer.Option(help="HTTP-mode port (default: env PORT, else 3000).")
    ] = None,
) -> None:
    """Run the Slack bot: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on /slack/events."""
    from bot.slack.serve import serve

    app_ctx: AppContext = ctx.obj
    answerer = app_ctx.answerer
    # Load the index, model and caches before connecting, so the first question is fast and a
    # missing index is reported at start-up rather than in Slack.
    app_ctx.index.stats()
    answerer.answer("warm-up")
    try:
        serve(app_ctx.settings, answerer, port=port)
    except KeyboardInterrupt:
        typer.echo("newsbot: stopped", err=True)


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
