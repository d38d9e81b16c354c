"""Command-line sources before any work: URL or path, and missing paths. Imports nothing heavy,
as every command (`ask` too) reaches it through `index.api`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

WEB_SCHEMES = ("http", "https")


def is_web_url(text: str) -> bool:
    """True for an `http://` or `https://` argument (anything else is a local path)."""
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.lower() in WEB_SCHEMES


def check_local(args: Sequence[Path | str]) -> None:
    """Raise FileNotFoundError for a local argument that does not exist (before any work)."""
    for arg in args:
        if not (isinstance(arg, str) and is_web_url(arg)) and not Path(arg).exists():
            raise FileNotFoundError(f"{arg}: no such file or folder")
