"""The writer's side of what readers load: the lexical index, brought in step by each ingest.

Readers (`index.retrieve.Retriever`) load it and keep any catch-up in memory; only the ingest
that changed the index saves it, so readers never write to the data directory.
"""

from __future__ import annotations

import logging
from pathlib import Path

from index.catalog import Catalog
from index.lexical import LexicalIndex
from index.snapshot import live_articles
from index.store import Collections

log = logging.getLogger(__name__)


def lexical_in_step(
    cols: Collections,
    folder: Path,
    generation: str,
    live: set[str],
    current: LexicalIndex | None = None,
) -> tuple[LexicalIndex, bool]:
    """`current` (else the one saved in `folder`) in step with the live articles, and whether
    it changed; only the changed articles' chunks are read from Chroma and tokenised."""
    index = current or LexicalIndex.load(folder) or LexicalIndex()
    if index.generation == generation:
        return index, False
    outcome = index.sync(live, cols.chunk_texts)
    index.generation = generation
    log.debug("lexical index %s for generation %s", outcome, generation)
    return index, True


class LexicalWriter:
    """Saves the lexical index for the generation an ingest left."""

    def __init__(self, cols: Collections, folder: Path) -> None:
        self._cols = cols
        self._folder = folder

    def update(self, catalog: Catalog, generation: str) -> None:
        """Bring the saved lexical index in step with `catalog` (the records as the ingest
        left them); a read-only data dir is only logged (readers then catch up in memory)."""
        if generation and LexicalIndex.saved_generation(self._folder) == generation:
            return  # in step already (an ingest that changed nothing): no BM25, no store
        live = live_articles(catalog)
        index, changed = lexical_in_step(self._cols, self._folder, generation, live)
        if not changed:
            return
        try:
            index.save(self._folder)
        except OSError as exc:
            log.warning("cannot save the lexical index to %s: %s", self._folder, exc)
