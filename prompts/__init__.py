"""Prompt templates, stored as `prompts/*.md` with named {placeholders}; loaded by name."""

from __future__ import annotations

import string
from functools import cache
from importlib import resources

# The one "cannot answer" sentinel: the prompts tell the LLM to say it, the answerer detects it,
# the extractive answer starts with it, and the tests look for it.
CANNOT_ANSWER = "The articles don't say"
# The whole answer text of an abstention, as every answerer writes it.
ABSTENTION = f"{CANNOT_ANSWER} — no passage in the indexed articles answers this."


@cache
def template(name: str) -> str:
    """The raw text of prompts/NAME.md."""
    return resources.files(__package__).joinpath(f"{name}.md").read_text(encoding="utf-8")


def placeholders(name: str) -> set[str]:
    """The {names} a template expects."""
    return {field for _, field, _, _ in string.Formatter().parse(template(name)) if field}


def render(name: str, **values: str) -> str:
    """Fill a template; every placeholder must be given, and nothing else."""
    expected = placeholders(name)
    if set(values) != expected:
        raise KeyError(f"prompt {name!r} expects {sorted(expected)}, got {sorted(values)}")
    return template(name).format(**values)
