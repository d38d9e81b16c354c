"""The one surface `bot/` uses: build or open an index, ingest files, report stats, search."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from filelock import FileLock, Timeout

from index.clean import CLEANER_VERSION
from index.config import IndexConfig
from index.datefilter import DateFilter, filter_from_question
from index.embed import Embedder, describe_encoder, make_embedder
from index.errors import IndexNotBuiltError, IngestLockedError
from index.store import (
    Collections,
    collection_name,
    is_store_error,
    open_client,
    reaching,
    reopen_embedded,
)

if TYPE_CHECKING:
    from index.ingest import IngestReport, Progress
    from index.retrieve import Passage, Retriever

log = logging.getLogger(__name__)
CHUNKER_VERSION = "3"  # 3: per-sentence vectors in chunk metadata


class NewsIndex:
    """Articles in Chroma: `ingest` writes, `stats` and `search` read."""

    def __init__(
        self, config: IndexConfig, *, embedder: Embedder | None = None, client: Any = None
    ) -> None:
        self.config = config
        self._embedder = embedder
        self._client = client

    @cached_property
    def embedder(self) -> Embedder:
        """The embedding model (loaded on first use)."""
        return self._embedder or make_embedder(
            self.config.embed_model, models_dir=self.models_dir, encoder=self.config.encoder
        )

    @cached_property
    def query_embedder(self) -> Embedder:
        """The encoder for questions: same weights, but onnxruntime when possible (no torch)."""
        if self._embedder is not None:
            return self._embedder
        self.collections()  # "run newsbot ingest" comes before any model work
        from index.embed import make_query_embedder

        return make_query_embedder(self.config.embed_model, self.models_dir)

    @property
    def models_dir(self) -> Path:
        """Where the model graphs built for this data directory live."""
        return self.config.home / "models"

    @cached_property
    def retriever(self) -> Retriever:
        """Hybrid retriever over this index (raises IndexNotBuiltError before any ingest)."""
        from index.retrieve import Retriever

        return Retriever(
            self.collections(), self.query_embedder, lexical_dir=self.config.home / "lexical"
        )

    def search(
        self,
        question: str,
        *,
        k: int = 5,
        since: date | None = None,
        until: date | None = None,
        query_vector: np.ndarray | None = None,
        per_story: int = 2,
        novelty: float = 0.3,
    ) -> list[Passage]:
        """Passages for a question; dates named in the question narrow the search.

        At most `per_story` passages of one story, each adding more than `novelty` (a share of
        its words) to those already chosen.
        """
        dates: DateFilter | None = None
        if since or until:
            dates = DateFilter(since=since, until=until)
        else:
            dates = filter_from_question(question)
        kwargs: dict[str, Any] = {
            "k": k,
            "dates": dates,
            "query_vector": query_vector,
            "per_story": per_story,
            "novelty": novelty,
        }
        with reaching(self.location):
            try:
                return self.retriever.search(question, **kwargs)
            except Exception as exc:
                if self.config.chroma_url or self._client is not None or not is_store_error(exc):
                    raise
                # Another process (an ingest) wrote to the embedded store: reload and retry once.
                log.info("embedded store changed by another process (%s); reopening", exc)
                self._reopen()
                return self.retriever.search(question, **kwargs)

    def _reopen(self) -> None:
        self.__dict__["client"] = reopen_embedded(self.__dict__.get("client"), self.config.home)
        self.__dict__.pop("retriever", None)

    @cached_property
    def collection_name(self) -> str:
        """Chroma collection name, derived from everything that shaped the vectors."""
        return collection_name(
            self.config.collection_prefix,
            {
                "model": self.config.embed_model,
                "chunk": self.config.chunk_tokens,
                "overlap": self.config.chunk_overlap,
                "cleaner": CLEANER_VERSION,
                "chunker": CHUNKER_VERSION,
            },
        )

    @property
    def location(self) -> str:
        """Where the store lives: a folder or a server URL."""
        return self.config.chroma_url or str(self.config.home / "chroma")

    @cached_property
    def client(self) -> Any:
        """The Chroma client (embedded or HTTP)."""
        return self._client or open_client(home=self.config.home, chroma_url=self.config.chroma_url)

    def collections(self, *, create: bool = False) -> Collections:
        """The chunk and document collections; IndexNotBuiltError if absent and not `create`."""
        with reaching(self.location):
            if not create:
                existing = {getattr(c, "name", c) for c in self.client.list_collections()}
                if self.collection_name not in existing:
                    raise IndexNotBuiltError(
                        f"no index '{self.collection_name}' at {self.location}: "
                        "run `newsbot ingest PATH` first"
                    )
            return Collections(self.client, self.collection_name, create=create)

    def ingest(
        self, paths: Sequence[Path], *, prune: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Add/update/prune articles; one ingest per index at a time."""
        lock_dir = self.config.home / "locks"
        lock_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_dir / f"{self.collection_name}.lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout as exc:
            raise IngestLockedError(
                "another `newsbot ingest` is writing to this index; wait for it to finish"
            ) from exc
        from index.ingest import Ingestor

        try:
            ingestor = Ingestor(
                self.collections(create=True),
                self.embedder,
                chunk_tokens=self.config.chunk_tokens,
                chunk_overlap=self.config.chunk_overlap,
                max_file_bytes=self.config.max_file_bytes,
                records_cache=self.config.home / "records" / f"{self.collection_name}.json",
            )
            with reaching(self.location):
                report = ingestor.run(paths, prune=prune, progress=progress)
                self._prepare_queries(ingestor.records)
            return report
        finally:
            lock.release()

    def _prepare_queries(self, records: dict[str, dict[str, Any]]) -> None:
        """Build what questions need (lexical index, query encoder, catalog) now, not on the
        first ask; `records` are the source records as the ingest left them."""
        from index.embed import ensure_encoder_graph
        from index.retrieve import Retriever

        if self._embedder is None:  # an injected embedder encodes the questions itself
            ensure_encoder_graph(self.config.embed_model, self.models_dir)
        Retriever(
            self.collections(), self.embedder, lexical_dir=self.config.home / "lexical"
        ).rebuild_lexical(records)

    def stats(self) -> dict[str, Any]:
        """Counts and configuration of the index."""
        cols = self.collections()
        with reaching(self.location):
            records = [m for m in cols.all_docs().values() if m.get("state") == "complete"]
            chunks = cols.count_chunks()
        articles = {m.get("article_id"): m for m in records}
        return {
            "documents": len(records),
            "articles": len(articles),
            "chunks": chunks,
            "tokens": sum(int(m.get("tokens", 0)) for m in articles.values()),
            "stories": len({m.get("story_id") for m in records}),
            "dated": sum(1 for m in articles.values() if m.get("published")),
            "embedding_model": self.config.embed_model,
            "encoder": describe_encoder(
                self.config.embed_model, self.models_dir, self.config.encoder
            ),
            "collection": self.collection_name,
            "store": self.location,
        }
