"""Point tiktoken and NLTK at the data llama-index-core ships, so nothing is downloaded."""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _static_dir() -> Path | None:
    # Found without importing llama_index.core, which alone takes over a second.
    spec = importlib.util.find_spec("llama_index.core")
    if spec is None or spec.origin is None:  # pragma: no cover - a hard dependency
        return None
    return Path(spec.origin).parent / "_static"


def use_bundled_tiktoken_cache() -> None:
    """Set TIKTOKEN_CACHE_DIR to llama-index-core's bundled BPE files unless the user set it."""
    static = _static_dir()
    if static is not None and "TIKTOKEN_CACHE_DIR" not in os.environ:
        os.environ["TIKTOKEN_CACHE_DIR"] = str(static / "tiktoken_cache")


def nltk_data_dir() -> str | None:
    """The NLTK data folder bundled with llama-index-core (holds the Punkt sentence model)."""
    static = _static_dir()
    return str(static / "nltk_cache") if static is not None else None
