"""`newsbot ingest` and `newsbot stats`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bot.context import AppContext
from index.api import check_local, is_web_url

if TYPE_CHECKING:
    from index.api import IngestReport


def register(app: typer.Typer) -> None:
    """Add the index commands to the CLI."""
    app.command()(ingest)
    app.command()(stats)


def ingest(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files or folders of .txt/.md/.html articles, or http(s) URLs of RSS/Atom "
            "feeds, sitemaps or article pages."
        ),
    ],
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove articles whose files vanished from these paths.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object.")
    ] = False,
) -> None:
    """Add or update articles; unchanged files and pages cost no embedding work."""
    app_ctx: AppContext = ctx.obj
    sources: list[Path | str] = [p if is_web_url(p) else Path(p) for p in paths]
    check_local(sources)
    with _progress() as progress:
        report = app_ctx.index.ingest(sources, prune=prune, progress=progress)
    for skip in report.skipped:
        typer.echo(f"skipped {skip['source']}: {skip['reason']}", err=True)
    if as_json:
        typer.echo(json.dumps(report.as_dict()))
    else:
        typer.echo(_summary(report))
    if report.empty_web_sources:  # what landed stays; the exit code says a source gave nothing
        raise typer.Exit(1)


def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Documents, chunks, tokens, stories, embedding model and store location."""
    app_ctx: AppContext = ctx.obj
    data = app_ctx.index.stats()
    if as_json:
        typer.echo(json.dumps(data))
        return
    for key, value in data.items():
        if isinstance(value, dict):  # e.g. the encoder: "encoder onnxruntime, reason ..."
            value = ", ".join(f"{k} {v}" for k, v in value.items() if v not in (None, {}))
        typer.echo(f"{key:>16}: {value}")


def _summary(report: IngestReport) -> str:
    lines = [
        f"added {len(report.added)}, updated {len(report.updated)}, unchanged {report.unchanged}, "
        f"removed {len(report.removed)}, skipped {len(report.skipped)}, "
        f"duplicates {len(report.duplicates)}",
        f"stories {report.stories}, chunks embedded {report.chunks_embedded}, "
        f"{report.seconds:.1f} s",
    ]
    if report.recovered:
        lines.append(
            f"rolled back {report.recovered} half-written article(s) of an interrupted run"
        )
    for dup in report.duplicates:
        lines.append(f"duplicate: {dup['source']} = {dup['duplicate_of']} (stored once)")
    return "\n".join(lines)


class _progress:
    """A rich progress bar on stderr when it is a terminal; otherwise nothing."""

    def __enter__(self) -> Any:
        if not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._bar = Progress(
            TextColumn("ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task("", total=None)

        def update(done: int, total: int, source: str) -> None:
            self._bar.update(
                self._task, completed=done, total=total or None, description=source[-40:]
            )

        return update

    def __exit__(self, *exc: object) -> None:
        if getattr(self, "_bar", None) is not None:
            self._bar.stop()
