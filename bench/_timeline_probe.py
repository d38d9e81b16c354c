"""Run by `ingest_timeline.py`: one `newsbot` command, with marks on the encoder's timeline.

    python bench/_timeline_probe.py ingest DIR --json

Times (seconds from this script's start) when the encoder is built, when it is first given
chunks, when it last returns, and when the command ends; printed as one JSON line on stderr.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

STARTED = time.perf_counter()
marks: dict[str, float] = {}


def mark(name: str, *, first: bool = True) -> None:
    if not (first and name in marks):
        marks[name] = round(time.perf_counter() - STARTED, 3)


def main() -> None:
    """Patch the encoder's two entry points, run the CLI, print the marks."""
    import index.encoder as encoder

    built, embed = encoder.GraphEmbedder.__init__, encoder.GraphEmbedder.embed_with_sentences

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        mark("encoder_built_from")
        built(self, *args, **kwargs)
        mark("encoder_built_by")

    def embed_with_sentences(self: Any, *args: Any, **kwargs: Any) -> Any:
        mark("first_batch_to_model")
        out = embed(self, *args, **kwargs)
        mark("last_batch_back", first=False)
        return out

    encoder.GraphEmbedder.__init__ = init  # type: ignore[method-assign]
    encoder.GraphEmbedder.embed_with_sentences = embed_with_sentences  # type: ignore[method-assign]
    from bot.cli import main as cli

    sys.argv = ["newsbot", *sys.argv[1:]]
    try:
        cli()
    finally:
        mark("command_done")
        print(json.dumps(marks), file=sys.stderr)


if __name__ == "__main__":
    main()
