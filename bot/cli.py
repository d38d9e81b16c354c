"""The `newsbot` command: settings from env/.env, flags on top; errors as one line."""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer
from pydantic import ValidationError

from bot import cli_answer, cli_index, cli_slack, cli_watch
from bot.context import AppContext
from index.api import NewsbotError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Answers questions about a collection of news articles, with verbatim sources.",
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    ctx.obj = AppContext(debug=debug)


cli_index.register(app)
cli_answer.register(app)
cli_slack.register(app)
cli_watch.register(app)


def main() -> None:
    """Entry point of the console script."""
    debug = "--debug" in sys.argv[1:]
    try:
        code = app(standalone_mode=False)  # a command's typer.Exit(n) comes back as n
        if isinstance(code, int) and code:
            raise SystemExit(code)
    except NewsbotError as exc:
        if debug:
            raise
        typer.echo(f"newsbot: {exc}", err=True)
        raise SystemExit(1) from None
    except FileNotFoundError as exc:
        if debug:
            raise
        typer.echo(f"newsbot: {exc}", err=True)
        raise SystemExit(2) from None
    except ValidationError as exc:  # a bad NEWSBOT_* value (env or .env)
        if debug:
            raise
        for error in exc.errors():
            field = "_".join(str(part) for part in error["loc"])
            name = field if field.isupper() else f"NEWSBOT_{field.upper()}"  # PORT, SLACK_...
            typer.echo(f"newsbot: invalid {name}={error.get('input')!r}: {error['msg']}", err=True)
        raise SystemExit(2) from None
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        raise SystemExit(130) from None
    except Exception as exc:
        # typer bundles its own click: recognise usage errors by behaviour, not by class.
        exit_code = getattr(exc, "exit_code", None)
        if isinstance(exit_code, int) and callable(getattr(exc, "show", None)):
            exc.show()  # type: ignore[attr-defined]
            raise SystemExit(exit_code) from None
        if isinstance(exit_code, int) and type(exc).__name__ in {"Exit", "NoArgsIsHelpError"}:
            raise SystemExit(exit_code) from None
        if debug:
            raise
        message = str(exc)
        message = message if len(message) <= 300 else message[:300] + "…"
        typer.echo(
            f"newsbot: unexpected error: {type(exc).__name__}: {message} (rerun with --debug)",
            err=True,
        )
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
