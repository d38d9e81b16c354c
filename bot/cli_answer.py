"""`newsbot ask`, `newsbot chat` and `newsbot eval`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from bot.context import AppContext
from bot.models import Answer
from bot.render import render_passages, render_text

CHAT_HELP = """Ask a question about the articles; follow-ups use the conversation.
  /sources  show the full passages behind the last answer
  /reset    forget the conversation
  /help     this help
  quit      leave (or Ctrl-D)"""


def register(app: typer.Typer) -> None:
    """Add the answering commands to the CLI."""
    app.command()(ask)
    app.command()(chat)
    app.command(name="eval")(eval_command)


def _day(value: str | None, flag: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date like 2025-04-10", param_hint=flag
        ) from None


def ask(
    ctx: typer.Context,
    question: Annotated[
        str, typer.Argument(help="The question, or - to read one per line from stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    k: Annotated[int | None, typer.Option("-k", min=1, help="Passages to retrieve.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only articles published on/after (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only articles published on/before (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Answer a question with its sources."""
    app_ctx: AppContext = ctx.obj
    if not question.strip():
        raise typer.BadParameter("the question is empty", param_hint="'QUESTION'")
    if k is not None:
        app_ctx.overrides["top_k"] = k
    start, end = _day(since, "--since"), _day(until, "--until")
    answerer = app_ctx.answerer
    questions = (line.strip() for line in sys.stdin) if question == "-" else iter([question])
    for q in questions:
        if not q:
            continue
        answer = answerer.answer(q, since=start, until=end)
        _emit(answer, as_json)


def chat(ctx: typer.Context) -> None:
    """Interactive chat with follow-up questions."""
    from bot.conversation import Conversation  # here: `ask` starts faster without it

    app_ctx: AppContext = ctx.obj
    answerer = app_ctx.answerer
    conversation = Conversation(answerer)
    last: Answer | None = None
    interactive = sys.stdin.isatty()
    if interactive:
        typer.echo("newsbot chat — /help for commands, quit to leave.", err=True)
    while True:
        try:
            line = input("you> " if interactive else "")
        except (EOFError, KeyboardInterrupt):
            break
        text = line.strip()
        if not text:
            continue
        command = text.lower()
        if command in {"quit", "exit", "/quit", "/exit"}:
            break
        if command == "/help":
            typer.echo(CHAT_HELP)
        elif command == "/reset":
            conversation.reset()
            last = None
            typer.echo("(conversation cleared)")
        elif command == "/sources":
            typer.echo(render_passages(last) if last else "No answer yet.")
        elif command.startswith("/"):
            typer.echo(f"unknown command {text}; /help lists them")
        else:
            last = conversation.ask(text)
            if last.standalone_question:
                typer.echo(f"(understood as: {last.standalone_question})")
            typer.echo(render_text(last, _bold(), links=sys.stdout.isatty()))
            typer.echo("")


def eval_command(
    ctx: typer.Context,
    qa_file: Annotated[Path, typer.Argument(help="JSONL questions (format of seed_qa.jsonl).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
    details: Annotated[
        bool, typer.Option("--details", help="Print each question's outcome.")
    ] = False,
) -> None:
    """Answer accuracy, source accuracy, verbatim quotes, abstention, latency."""
    from bot.evaluate import evaluate, load_qa  # here: `ask` starts faster without it

    app_ctx: AppContext = ctx.obj
    if not qa_file.exists():
        raise FileNotFoundError(f"{qa_file}: no such file")
    items = load_qa(qa_file)
    report = evaluate(app_ctx.answerer, items)
    metrics = report.metrics()
    if details:
        for o in report.outcomes:
            mark = "ok " if o.correct else "BAD"
            typer.echo(
                f"{mark} {o.item.id}: {o.item.question}\n     {o.answer.answer[:200]}", err=True
            )
    if as_json:
        typer.echo(json.dumps(metrics))
        return
    for key, value in metrics.items():
        typer.echo(f"{key:>28}: {value}")


def _emit(answer: Answer, as_json: bool) -> None:
    if as_json:
        data = answer.model_dump(
            mode="json",
            exclude={"citations": {"__all__": {"passage"}}, "related": {"__all__": {"passage"}}},
        )
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        typer.echo(render_text(answer, _bold(), links=sys.stdout.isatty()))
    sys.stdout.flush()


def _bold() -> Callable[[str], str]:
    """Bold on a terminal, plain when piped."""
    if sys.stdout.isatty():
        return lambda text: typer.style(text, bold=True)
    return str
