"""The one surface `bot/` uses: build or open an index, ingest files and URLs, keep them fresh
(`Watcher`), report stats, search.

`bot/` imports nothing else under `index/` (tests/test_boundaries.py): the types it needs are
re-exported here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from index.clean import CLEANER_VERSION
from index.config import IndexConfig
from index.datefilter import DateFilter, filter_from_question
from index.embed import Embedder, describe_encoder, make_embedder
from index.errors import (
    EmbeddingModelError,
    IndexNotBuiltError,
    IngestLockedError,
    NewsbotError,
    StoreUnavailableError,
    UnsupportedFileError,
)
from index.months import MONTH_NAMES, MONTH_WORDS, MONTHS, WEEKDAY_NAMES
from index.passage import Passage
from index.report import IngestReport
from index.sentences import sentence_spans
from index.sources.args import check_local, is_web_url
from index.store import (
    Collections,
    collection_name,
    embedded_store_exists,
    is_store_error,
    open_client,
    reaching,
    reopen_embedded,
)
from index.watch import Watcher, parse_duration
from index.web.options import FetchOptions

__all__ = [
    "MONTHS",
    "MONTH_NAMES",
    "MONTH_WORDS",
    "WEEKDAY_NAMES",
    "EmbeddingModelError",
    "FetchOptions",
    "IndexConfig",
    "IndexNotBuiltError",
    "IngestLockedError",
    "IngestReport",
    "NewsIndex",
    "NewsbotError",
    "Passage",
    "StoreUnavailableError",
    "UnsupportedFileError",
    "Watcher",
    "check_local",
    "is_web_url",
    "parse_duration",
    "sentence_spans",
]

if TYPE_CHECKING:
    from index.catalog import Catalog
    from index.ingest import Progress
    from index.retrieve import Retriever
    from index.sources.web import WebSession

log = logging.getLogger(__name__)
CHUNKER_VERSION = "3"  # 3: per-sentence vectors in chunk metadata


class _LoadOnUse:
    """Stands in for an object built on first attribute access (once)."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._built: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._built is None:
            self._built = self._build()
        return getattr(self._built, name)


class NewsIndex:
    """Articles in Chroma: `ingest` writes, `stats` and `search` read."""

    def __init__(
        self, config: IndexConfig, *, embedder: Embedder | None = None, client: Any = None
    ) -> None:
        self.config = config
        self._embedder = embedder
        self._injected_client = client  # a caller's client is never reopened
        self._client: Any = client
        self._retriever: Retriever | None = None

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
        return self._load_query_embedder()

    def _load_query_embedder(self) -> Embedder:
        from index.embed import make_query_embedder

        return make_query_embedder(self.config.embed_model, self.models_dir)

    def _open_for_questions(self) -> tuple[Collections, Embedder]:
        """The store and the question encoder, opened side by side when the encoder's graph is
        built: onnxruntime sets its session up outside the GIL while chromadb imports and
        starts, which takes most of a cold `newsbot ask` (bench/cold_ask.py)."""
        from index.embed import encoder_graph_built

        if (
            self._embedder is not None
            or "query_embedder" in self.__dict__
            or not encoder_graph_built(self.config.embed_model, self.models_dir)
        ):
            return self.collections(), self.query_embedder
        with ThreadPoolExecutor(1, thread_name_prefix="newsbot-encoder") as pool:
            loading = pool.submit(self._load_query_embedder)
            cols = self.collections()  # IndexNotBuiltError: the encoder is dropped unused
            self.__dict__["query_embedder"] = loading.result()
        return cols, self.query_embedder

    @property
    def models_dir(self) -> Path:
        """Where the model graphs built for this data directory live."""
        return self.config.home / "models"

    @property
    def retriever(self) -> Retriever:
        """Hybrid retriever over this index (raises IndexNotBuiltError before any ingest)."""
        if self._retriever is None:
            from index.retrieve import Retriever

            cols, embedder = self._open_for_questions()
            self._retriever = Retriever(
                cols,
                embedder,
                lexical_dir=self.lexical_dir,
                catalog_path=self.catalog_path,
            )
        return self._retriever

    @property
    def lexical_dir(self) -> Path:
        """Where the lexical (BM25) indexes live."""
        return self.config.home / "lexical"

    @property
    def catalog_path(self) -> Path:
        """The source records the last ingest saved (see `index.catalog`)."""
        return self.config.home / "records" / f"{self.collection_name}.json"

    def search(
        self,
        question: str,
        *,
        k: int = 5,
        since: date | None = None,
        until: date | None = None,
        per_story: int = 2,
        novelty: float = 0.3,
        outlets: Sequence[str] | None = None,
    ) -> list[Passage]:
        """Passages for a question; dates named in the question narrow the search.

        The index embeds the question itself. At most `per_story` passages of one story, each
        adding more than `novelty` (a share of its words) to those already chosen; each passage
        carries the cosine of every sentence to the question (`sentence_similarity`).
        `outlets`: search only the articles of these outlets (names as `named_outlets` gives
        them, matched case-folded); an outlet the index does not hold has no passages.
        """
        dates: DateFilter | None = None
        if since or until:
            dates = DateFilter(since=since, until=until)
        else:
            dates = filter_from_question(question)
        kwargs: dict[str, Any] = {
            "k": k,
            "dates": dates,
            "per_story": per_story,
            "novelty": novelty,
            "outlets": outlets,
        }
        with reaching(self.location):
            try:
                return self.retriever.search(question, **kwargs)
            except Exception as exc:
                reopenable = not self.config.chroma_url and self._injected_client is None
                if not reopenable or not is_store_error(exc):
                    raise
                # Another process (an ingest) wrote to the embedded store: reload and retry once.
                log.info("embedded store changed by another process (%s); reopening", exc)
                self._reopen()
                return self.retriever.search(question, **kwargs)

    def named_outlets(self, text: str) -> list[str]:
        """Outlets of the indexed articles that `text` names, in order of first mention.

        >>> news.named_outlets("did techcrunch and the verge agree?")  # doctest: +SKIP
        ['TechCrunch', 'The Verge']
        """
        with reaching(self.location):
            return self.retriever.snapshot().named_outlets(text)

    def _reopen(self) -> None:
        self._client = reopen_embedded(self._client, self.config.home)
        self._retriever = None

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

    @property
    def client(self) -> Any:
        """The Chroma client (embedded or HTTP), opened on first use."""
        if self._client is None:
            self._client = open_client(home=self.config.home, chroma_url=self.config.chroma_url)
        return self._client

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
        self,
        paths: Sequence[Path | str],
        *,
        prune: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Add/update/prune articles of files, folders and http(s) URLs (feeds, sitemaps,
        pages); one ingest per index at a time."""
        from filelock import FileLock, Timeout  # here: questions never take the lock

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

        web = self._web_session() if any(is_web_url(str(p)) for p in paths) else None
        try:
            ingestor = Ingestor(
                cast("Collections", _LoadOnUse(lambda: self.collections(create=True))),
                self._ingest_embedder(),
                chunk_tokens=self.config.chunk_tokens,
                chunk_overlap=self.config.chunk_overlap,
                max_file_bytes=self.config.max_file_bytes,
                records_cache=self.catalog_path,
                trust_sealed=self._owns_store,
                store_absent=self._store_absent,
                web=web,
            )
            with reaching(self.location):
                report = ingestor.run(paths, prune=prune, progress=progress)
                self._prepare_queries(ingestor.catalog, ingestor.generation)
            return report
        finally:
            lock.release()
            if web is not None:
                web.close()

    @property
    def _embedded(self) -> bool:
        """Is the store an embedded one this index opens itself (no server, no given client)?"""
        return not self.config.chroma_url and self._injected_client is None

    @property
    def _store_absent(self) -> bool:
        """An embedded store this index would open itself, not made yet: it holds nothing."""
        return self._embedded and not embedded_store_exists(self.config.home)

    @property
    def _owns_store(self) -> bool:
        """An embedded store this index opens itself, and it is there: only newsbot's ingests
        write to it, one at a time (the ingest lock), so their saved records can stand for it
        (a store deleted by hand is not stood for)."""
        return self._embedded and embedded_store_exists(self.config.home)

    def _web_session(self) -> WebSession:
        """A fetcher and this collection's per-URL state (validators, feed items)."""
        from index.sources.web import WebSession
        from index.web.fetch import Fetcher
        from index.web.state import WebState

        state = WebState(self.config.home / "web" / f"{self.collection_name}.json")
        return WebSession(Fetcher(self.config.fetch), state)

    def _prepare_queries(self, catalog: Catalog, generation: str) -> None:
        """Build what questions need (query encoder, lexical index) now, not on the first ask;
        `catalog`: the source records as the ingest left them, in `generation`."""
        from index.embed import ensure_encoder_graph
        from index.prepare import LexicalWriter

        if self._embedder is None:  # an injected embedder encodes the questions itself
            ensure_encoder_graph(self.config.embed_model, self.models_dir)
        cols = cast("Collections", _LoadOnUse(self.collections))  # only if the index is behind
        LexicalWriter(cols, self.lexical_dir / self.collection_name).update(catalog, generation)

    def _ingest_embedder(self) -> Embedder:
        """The model, loaded on its first use: an ingest with nothing new (an unchanged feed,
        a watch poll) does not pay the 1-2 s load."""
        if self._embedder is not None or "embedder" in self.__dict__:
            return self.embedder
        return cast("Embedder", _LoadOnUse(lambda: self.embedder))

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
