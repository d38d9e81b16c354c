"""The Chroma side: client (embedded or server), collection naming, and the two collections.

The only module that speaks Chroma's query language (`where` filters, include lists, paging).

`chunks` holds one record per chunk (verbatim text, vector, article metadata).
`docs` holds one record per source file (content hash, state, story, article vector); a source's
record turns `complete` only after all of its chunks are written, which is what makes a killed
ingest recoverable.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from index.errors import StoreUnavailableError

Metadata = Mapping[str, str | int | float | bool]

PAGE = 5000  # records per read: well under SQLite's 32,766 bound variables
_NAME_OK = re.compile(r"[^a-zA-Z0-9._-]+")


def pages(collection: Any, include: list[str]) -> Iterator[dict[str, Any]]:
    """Every record of a Chroma collection, as `get` results of PAGE records each.

    Paged because one unbounded get binds every id as an SQL variable and fails past SQLite's
    limit (32,766) with "too many SQL variables", i.e. at ~33k records.
    """
    offset = 0
    while True:
        got = collection.get(include=include, limit=PAGE, offset=offset)
        yield got
        offset += len(got["ids"])
        if len(got["ids"]) < PAGE:
            return


def collection_name(prefix: str, shaping: Mapping[str, object]) -> str:
    """Name the collection after what shaped its vectors, so changed settings never mix.

    >>> collection_name("news", {"model": "all-MiniLM-L6-v2", "chunk": 200})[:22]
    'news-all-MiniLM-L6-v2-'
    """
    digest = hashlib.sha1(repr(sorted(shaping.items())).encode()).hexdigest()[:10]
    model = _NAME_OK.sub("-", str(shaping.get("model", "model")).rsplit("/", 1)[-1])[:40]
    name = f"{_NAME_OK.sub('-', prefix)[:40]}-{model}-{digest}".strip("-._")
    return name if len(name) >= 3 else f"nb-{name}"


def embedded_store_exists(home: Path) -> bool:
    """Is there an embedded store under `home` (its SQLite file), without opening it?"""
    return (home / "chroma" / "chroma.sqlite3").is_file()


def open_client(*, home: Path, chroma_url: str | None) -> Any:
    """Open the embedded store under `home`, or the Chroma server at `chroma_url`."""
    # Telemetry off before chromadb is imported: it reads this at import time in some versions.
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not chroma_url:
        path = home / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
    try:
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    except Exception as exc:  # chromadb raises plain ValueError/ConnectionError on connect
        raise StoreUnavailableError(
            f"cannot reach the Chroma server at {chroma_url} ({type(exc).__name__}); "
            "start it (`chroma run --path DIR`) or unset NEWSBOT_CHROMA_URL"
        ) from exc


@contextmanager
def reaching(where: str) -> Iterator[None]:
    """Turn a lost connection to the store into one clear StoreUnavailableError.

    chromadb's HTTP client raises httpx transport errors when the server is down, and simply
    works again once it is back, so callers need no reconnect logic, only this message.
    """
    try:
        yield
    except StoreUnavailableError:
        raise
    except Exception as exc:
        if _is_connection_error(exc):
            raise StoreUnavailableError(
                f"cannot reach the Chroma server at {where} ({type(exc).__name__}); "
                "start it (`chroma run --path DIR`) or unset NEWSBOT_CHROMA_URL"
            ) from exc
        raise


def reopen_embedded(old: Any, home: Path) -> Any:
    """A fresh embedded client after another process wrote to the store.

    An embedded Chroma is one process's store: a reader in another process (the Slack bot while
    `newsbot ingest` runs) can fail with "Error finding id" until it reloads. chromadb shares one
    System per path between its clients; `close()` on the last of them stops that System, so
    the next client starts a fresh one (tests/index/test_store.py checks this on upgrades).
    """
    with suppress(Exception):  # a half-broken client only needs to go away
        old.close()
    return open_client(home=home, chroma_url=None)


def is_store_error(exc: BaseException) -> bool:
    """An error raised by chromadb itself (not a bug of ours, not a lost connection)."""
    return type(exc).__module__.startswith("chromadb")


class Collections:
    """The chunk and document collections of one index, with the few operations ingest needs."""

    def __init__(self, client: Any, name: str, *, create: bool = True) -> None:
        self.name = name
        self.client = client
        meta = {"hnsw:space": "cosine"}
        try:
            if create:
                self.chunks = client.get_or_create_collection(name, metadata=meta)
                self.docs = client.get_or_create_collection(f"{name}.docs", metadata=meta)
                self.meta = client.get_or_create_collection(f"{name}.meta")
            else:
                self.chunks = client.get_collection(name)
                self.docs = client.get_collection(f"{name}.docs")
                self.meta = client.get_or_create_collection(f"{name}.meta")
        except Exception as exc:
            if _is_connection_error(exc):
                raise StoreUnavailableError(f"cannot reach the Chroma store: {exc}") from exc
            raise

    # ---- documents -------------------------------------------------------------------
    def all_docs(self) -> dict[str, dict[str, Any]]:
        """Every source record, keyed by record id."""
        return {
            i: dict(m or {})
            for got in pages(self.docs, ["metadatas"])
            for i, m in zip(got["ids"], got["metadatas"], strict=True)
        }

    def put_docs(
        self, doc_ids: Sequence[str], metas: Sequence[Metadata], vectors: np.ndarray
    ) -> None:
        """Create or replace source records in one write (each write is a synced commit)."""
        if doc_ids:
            self.docs.upsert(
                ids=list(doc_ids),
                metadatas=[dict(m) for m in metas],
                embeddings=np.asarray(vectors, dtype=np.float32),
            )

    def doc_vector(self, doc_id: str) -> np.ndarray:
        """The article vector stored with one source record."""
        got = self.docs.get(ids=[doc_id], include=["embeddings"])
        return np.asarray(got["embeddings"][0], dtype=np.float32)

    def nearest_docs(
        self, vectors: np.ndarray, n: int, *, complete: Callable[[str], bool] | None = None
    ) -> list[dict[str, float]]:
        """For each vector, the cosine to its `n` nearest complete source records, by id.

        `complete` tells which records are complete when the caller knows better than the
        stored state (an ingest whose last records are not turned `complete` in Chroma yet).
        """
        hits = self.docs.query(
            query_embeddings=np.asarray(vectors, dtype=np.float32),
            n_results=n,
            include=["distances"] if complete else ["distances", "metadatas"],
        )
        metas = hits["metadatas"] or [[None] * len(ids) for ids in hits["ids"]]

        def done(rid: str, meta: Any) -> bool:
            return complete(rid) if complete else (meta or {}).get("state") == "complete"

        return [
            {rid: 1.0 - float(d) for rid, d, m in zip(ids, dists, row, strict=True) if done(rid, m)}
            for ids, dists, row in zip(hits["ids"], hits["distances"], metas, strict=True)
        ]

    def mark_pending(self, doc_id: str, meta: Metadata) -> None:
        """Turn a source record `pending` (vector kept): the first step of removing it."""
        self.docs.update(ids=[doc_id], metadatas=[{**meta, "state": "pending"}])

    def delete_docs(self, doc_ids: Sequence[str]) -> None:
        """Delete source records (not their chunks)."""
        if doc_ids:
            self.docs.delete(ids=list(doc_ids))

    # ---- chunks ----------------------------------------------------------------------
    def add_chunks(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        vectors: np.ndarray,
        metas: Sequence[Metadata],
    ) -> None:
        """Write chunks; upsert, so a re-run after a crash never duplicates an id."""
        batch = 1000  # stay under Chroma's max batch size on every backend
        for lo in range(0, len(ids), batch):
            hi = lo + batch
            self.chunks.upsert(
                ids=list(ids[lo:hi]),
                documents=list(texts[lo:hi]),
                embeddings=np.asarray(vectors[lo:hi], dtype=np.float32),
                metadatas=[dict(m) for m in metas[lo:hi]],
            )

    def delete_article_chunks(self, *article_ids: str) -> None:
        """Delete every chunk of these articles (partial leftovers included), in one write."""
        ids = sorted(set(article_ids))
        for lo in range(0, len(ids), 500):
            self.chunks.delete(where=_of_articles(ids[lo : lo + 500]))

    def nearest_chunks(
        self, vector: np.ndarray, n: int, articles: Sequence[str] | None = None
    ) -> list[tuple[str, str, dict[str, Any], float]]:
        """The `n` chunks nearest to `vector` (of `articles` only, if given): id, text,
        metadata, cosine similarity."""
        got = self.chunks.query(
            query_embeddings=np.asarray([vector], dtype=np.float32),
            n_results=n,
            include=["documents", "metadatas", "distances"],
            where=_of_articles(list(articles)) if articles else None,
        )
        return [
            (cid, text, dict(meta or {}), 1.0 - float(dist))
            for cid, text, meta, dist in zip(
                got["ids"][0],
                got["documents"][0],
                got["metadatas"][0],
                got["distances"][0],
                strict=True,
            )
        ]

    def chunks_by_id(self, ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any], np.ndarray]]:
        """Text, metadata and vector of the given chunks (absent ids are left out)."""
        if not ids:
            return {}
        got = self.chunks.get(ids=list(ids), include=["documents", "metadatas", "embeddings"])
        return {
            cid: (text, dict(meta or {}), np.asarray(emb, dtype=np.float32))
            for cid, text, meta, emb in zip(
                got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
            )
        }

    def chunk_texts(self, article_ids: Sequence[str] | None) -> tuple[list[str], list[str]]:
        """Ids and texts of the chunks of some articles (None: of all)."""
        ids: list[str] = []
        texts: list[str] = []
        if article_ids is None:
            batches: Iterator[dict[str, Any]] = pages(self.chunks, ["documents"])
        else:
            wanted = list(article_ids)
            batches = (
                self.chunks.get(where=_of_articles(wanted[lo : lo + 200]), include=["documents"])
                for lo in range(0, len(wanted), 200)
            )
        for got in batches:
            ids.extend(got["ids"])
            texts.extend(got["documents"])
        return ids, texts

    # ---- generation: changes whenever an ingest changed anything -----------------------
    def generation(self) -> str:
        """Opaque marker of the index's current contents (readers rebuild caches on change)."""
        got = self.meta.get(ids=["state"], include=["metadatas"])
        metas = got.get("metadatas") or []
        return str(metas[0].get("generation", "")) if metas and metas[0] else ""

    def bump_generation(self) -> str:
        """Mark the contents as changed."""
        import uuid

        generation = uuid.uuid4().hex
        self._put_state(generation, dirty=False)
        return generation

    def is_dirty(self) -> bool:
        """Did an ingest start changing the contents and die before bumping the generation?"""
        got = self.meta.get(ids=["state"], include=["metadatas"])
        metas = got.get("metadatas") or []
        return bool(metas and metas[0] and metas[0].get("dirty"))

    def mark_dirty(self) -> None:
        """Before an ingest's first change: a new generation is owed even if the run is killed."""
        self._put_state(self.generation(), dirty=True)

    def _put_state(self, generation: str, *, dirty: bool) -> None:
        self.meta.upsert(
            ids=["state"],
            embeddings=np.ones((1, 1), dtype=np.float32),
            metadatas=[{"generation": generation, "dirty": dirty}],
        )

    def count_chunks(self) -> int:
        """How many chunks the index holds."""
        return int(self.chunks.count())


def _of_articles(article_ids: Sequence[str]) -> dict[str, Any]:
    """A `where` filter matching the records of these articles."""
    if len(article_ids) == 1:
        return {"article_id": article_ids[0]}
    return {"article_id": {"$in": list(article_ids)}}


def _is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    try:
        import httpx

        if isinstance(exc, httpx.TransportError):
            return True
    except ImportError:  # pragma: no cover - httpx comes with chromadb
        pass
    text = f"{type(exc).__name__} {exc}".lower()
    return any(k in text for k in ("connection refused", "connecterror", "unreachable"))
