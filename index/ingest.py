"""Ingest: files on disk -> cleaned, dated, de-duplicated, chunked, embedded records in Chroma.

Crash safety (kill -9 at any point): a source's record is written `pending` before its chunks
and turned `complete` only after its chunks are written and the chunks of the version it replaces
are gone. Removing a source (`--prune`) also turns its record `pending` before deleting its chunks
and then the record. Chunk ids are deterministic (article hash + position) and written with upsert.
A run first rolls back whatever an interrupted run left pending, so nothing is duplicated or
orphaned. Readers cache by the index's generation: a run flags the index dirty before its first
write and bumps the generation at its end, so a rerun after a kill still bumps it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from index.catalog import Catalog
from index.chunk import Chunk, chunk_text, encode_spans
from index.clean import CleanedArticle
from index.dedupe import Fingerprint, StoryIndex, content_hash, fingerprint
from index.embed import Embedder, pack_vectors
from index.errors import UnsupportedFileError
from index.report import IngestReport
from index.sources.base import Context, Document, Failed, Unchanged
from index.sources.registry import SourceRun, check_local
from index.sources.web import WebSession
from index.store import Collections

Progress = Callable[[int, int, str], None]
BATCH_ARTICLES = 64  # articles embedded per model call: big, length-sorted batches are fastest
# The first and the last batch are small: nothing overlaps the model before its first batch or the
# writes after its last one, so those ends of the pipeline are kept short.
END_BATCH_ARTICLES = 16
STORY_NEIGHBOURS = 5


@dataclass
class _Embedding:
    """A batch whose new articles' chunks are being embedded in the background."""

    batch: list[_Prepared]
    to_embed: list[_Prepared]
    vectors: Future[tuple[np.ndarray, list[str]]]


@dataclass
class _Prepared:
    file: Document  # what the source yielded (a file or a page)
    record_id: str
    file_hash: str
    article: CleanedArticle
    article_id: str
    previous: dict[str, Any] | None
    chunks: list[Chunk] = field(default_factory=list)
    sentence_vectors: dict[int, str] = field(default_factory=dict)  # chunk index -> packed


@dataclass
class _Record:
    """A source record about to be written, with the article vector stored beside it."""

    item: _Prepared
    meta: dict[str, Any]
    vector: np.ndarray


def record_id(path: Path) -> str:
    """Id of a source's record: stable for one absolute path."""
    return key_id(str(path.resolve()))


def key_id(key: str) -> str:
    """Id of the record of a document key (an absolute path or a canonical URL)."""
    return hashlib.sha1(key.encode()).hexdigest()[:20]


def day_number(day: date | None) -> int:
    """Dates as YYYYMMDD integers so Chroma range filters ($gte/$lte) work; 0 = unknown."""
    return day.year * 10000 + day.month * 100 + day.day if day else 0


class Ingestor:
    """Runs one ingest against a pair of collections with an embedding model."""

    def __init__(
        self,
        collections: Collections,
        embedder: Embedder,
        *,
        chunk_tokens: int,
        chunk_overlap: int,
        max_file_bytes: int,
        records_cache: Path | None = None,
        trust_sealed: bool = False,
        store_absent: bool = False,
        web: WebSession | None = None,
    ) -> None:
        self._cols = collections
        self._web = web  # fetcher and per-URL state for http(s) sources
        self._records_cache = records_cache
        # Only newsbot's own ingests write this store (embedded): a sealed copy of the records
        # stands for it until the first change (`Catalog.load_sealed`).
        self._trust_sealed = trust_sealed
        # No store exists yet (no embedded store's database under the home): it holds no
        # records, so it is opened at the first write, while the first batch is being embedded.
        self._store_absent = store_absent
        self._embedder = embedder
        self._chunk_tokens = chunk_tokens
        self._chunk_overlap = chunk_overlap
        self._max_file_bytes = max_file_bytes
        self._dirty = False  # has this run flagged the index as changing?
        self._stories: StoryIndex | None = None  # stored articles' fingerprints, built once
        # Records whose chunks are written, to be turned `complete` with the next write of records
        # (one Chroma write less per batch: each is a synced commit, ~40 ms to 2 s on a busy disk).
        self._owed: list[_Record] = []
        self.catalog = Catalog()  # the source records as `run` left them
        self.generation = ""  # the index generation `run` left

    def run(
        self,
        paths: Sequence[Path | str],
        *,
        prune: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Add new articles, replace changed ones, skip unchanged ones; with `prune`, drop
        files vanished from the given folders. `paths` may hold http(s) URLs."""
        check_local(paths)  # fail before any work on a path that does not exist
        # One batch is embedded in the model's thread while the main thread writes the batch
        # before it and reads and cleans the entries of the next: ingest costs about the
        # model's time. On any failure, batches not started yet are dropped.
        model = ThreadPoolExecutor(1, thread_name_prefix="newsbot-embed")
        try:
            return self._run(paths, prune, progress, model)
        finally:
            model.shutdown(wait=True, cancel_futures=True)

    def _run(
        self,
        paths: Sequence[Path | str],
        prune: bool,
        progress: Progress | None,
        model: ThreadPoolExecutor,
    ) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        sealed = self._sealed_records()
        if sealed is not None:  # the store is not opened unless this run changes something
            owed, (stored, from_copy) = False, (sealed[0], True)
        elif self._store_absent:
            owed, (stored, from_copy) = False, (Catalog(), False)
        else:
            # A killed run may have changed the index without bumping the generation readers
            # cache by.
            owed = self._cols.is_dirty()
            stored, from_copy = self._stored_records(owed)
        self._dirty = owed
        self._stories = None
        report.recovered = self._recover(stored)
        records = Catalog(stored.complete())
        self.catalog = records  # what the index holds once this run is done

        def held(key: str) -> bool:
            return records.records.get(key_id(key), {}).get("state") == "complete"

        sources = SourceRun(paths, Context(held, self._web, self._max_file_bytes))
        found: set[str] = set()
        todo: list[_Prepared] = []
        in_flight: _Embedding | None = None
        batch_size = END_BATCH_ARTICLES
        self._owed = []
        try:
            for n, entry in enumerate(sources.entries(), 1):
                if entry.key:
                    found.add(key_id(entry.key))
                if isinstance(entry, Failed):
                    report.skipped.append({"source": entry.source, "reason": entry.reason})
                elif isinstance(entry, Unchanged):
                    report.unchanged += 1
                elif (prepared := self._prepare(entry, records, report)) is not None:
                    if in_flight is None and not todo:  # load the model while reading on
                        model.submit(self._load_model)
                    todo.append(prepared)
                if len(todo) >= batch_size:
                    in_flight = self._next_batch(model, todo, records, report, in_flight)
                    todo, batch_size = [], BATCH_ARTICLES
                if progress:
                    progress(n, 0, entry.source)  # 0: the total is not known up front
            # The last batch is cut so that its tail end, written after the model is done,
            # is short.
            tail = todo[-END_BATCH_ARTICLES:] if len(todo) > END_BATCH_ARTICLES else []
            if tail:
                todo = todo[: -len(tail)]
                in_flight = self._next_batch(model, todo, records, report, in_flight)
                todo = tail
            self._finish_batch(
                self._next_batch(model, todo, records, report, in_flight), records, report
            )
        except BaseException:
            # The records owed `complete` have their chunks written: a failure (a model
            # error, a lost store) keeps them; a kill -9 loses them and the rerun redoes them.
            with suppress(Exception):
                self._pay_owed()
            raise
        self._pay_owed()
        report.sources = [o.as_dict() for o in sources.outcomes]
        if self._web is not None:  # only now that the articles are stored
            self._web.state.commit(held)
        if prune:
            local = [Path(p) for p, o in zip(paths, sources.outcomes, strict=True) if not o.web]
            self._prune(local, found, records, report)
        report.stories = len({m.get("story_id") for m in records.complete().values()})
        if sealed is not None and not self._dirty:
            generation = sealed[1]  # nothing written: the store was not even opened
        else:
            generation = self._cols.generation()
        changed = bool(report.changed or owed or not generation)
        if changed:
            generation = self._cols.bump_generation()
        if self._records_cache is not None and (changed or not from_copy):
            records.save(self._records_cache, generation)
        self.generation = generation
        report.seconds = time.perf_counter() - started
        return report

    # ---- steps -----------------------------------------------------------------------
    def _sealed_records(self) -> tuple[Catalog, str] | None:
        """The records and generation the last run saved, when they stand for the store."""
        if not self._trust_sealed or self._records_cache is None:
            return None
        return Catalog.load_sealed(self._records_cache)

    def _stored_records(self, owed: bool) -> tuple[Catalog, bool]:
        """Every source record, and whether it is the copy the last run saved (see
        `index.catalog`). The copy is trusted only for the generation it was saved with and
        only when no run was killed since (`owed`): any other writer, such as another machine's
        ingest on a shared server, bumps the generation and the store is read again.
        """
        if self._records_cache is not None and not owed:
            copy = Catalog.load(self._records_cache, self._cols.generation())
            if copy is not None:
                return copy, True
        return Catalog(self._cols.all_docs()), False

    def _recover(self, stored: Catalog) -> int:
        """Roll back records an interrupted run left pending (and their partial chunks)."""
        records = stored.records
        pending = {k: m for k, m in records.items() if m.get("state") != "complete"}
        live = {m.get("article_id") for m in records.values() if m.get("state") == "complete"}
        if pending:
            self._about_to_change()
        dead = {
            str(article_id)
            for meta in pending.values()
            for article_id in (meta.get("article_id"), meta.get("prev_article_id"))
            if article_id and article_id not in live
        }
        if dead:
            self._cols.delete_article_chunks(*dead)
        if pending:
            self._cols.delete_docs(list(pending))
        return len(pending)

    def _prepare(self, doc: Document, records: Catalog, report: IngestReport) -> _Prepared | None:
        rid = key_id(doc.key)
        previous = records.records.get(rid)
        if previous and previous.get("file_hash") == doc.content_hash:
            report.unchanged += 1
            return None
        try:
            article = doc.load()
            if len(article.text.split()) < 5:
                raise UnsupportedFileError("no article text found after cleaning")
        except UnsupportedFileError as exc:
            report.skipped.append({"source": doc.source, "reason": str(exc)})
            return None
        return _Prepared(doc, rid, doc.content_hash, article, content_hash(article.text), previous)

    def _about_to_change(self) -> None:
        """Before a run's first write: flag the index so a rerun bumps the generation."""
        if not self._dirty:
            if self._records_cache is not None:
                Catalog.unseal(self._records_cache)
            self._cols.mark_dirty()
            self._dirty = True

    def _next_batch(
        self,
        model: ThreadPoolExecutor,
        batch: list[_Prepared],
        records: Catalog,
        report: IngestReport,
        in_flight: _Embedding | None,
    ) -> _Embedding:
        """Start embedding `batch`, then write the batch before it (`in_flight`), if any."""
        started = self._start_batch(model, batch, records, in_flight)
        if in_flight is not None:
            self._finish_batch(in_flight, records, report)
        return started

    def _start_batch(
        self,
        model: ThreadPoolExecutor,
        batch: list[_Prepared],
        records: Catalog,
        in_flight: _Embedding | None,
    ) -> _Embedding:
        """Chunk the articles of `batch` that no stored source holds and start embedding them.

        The batch before (`in_flight`) is not written yet: its sources count as holding their
        new articles and no longer their old ones, exactly as once it is written.
        """
        writing = in_flight.batch if in_flight else []
        # A source whose text changes in this batch stops holding its old article: a copy of that
        # article elsewhere in the batch cannot count on those chunks and is embedded itself.
        leaving = frozenset(
            item.record_id
            for item in batch
            if item.previous and item.previous.get("article_id") != item.article_id
        ) | {item.record_id for item in writing}
        to_embed: list[_Prepared] = []
        seen: set[str] = {item.article_id for item in writing}
        for item in batch:
            if (
                not records.is_stored(item.article_id, exclude=leaving)
                and item.article_id not in seen
            ):
                item.chunks = chunk_text(
                    item.article.text,
                    max_tokens=self._chunk_tokens,
                    overlap_tokens=self._chunk_overlap,
                )
                to_embed.append(item)
                seen.add(item.article_id)
        chunks = [c for item in to_embed for c in item.chunks]
        started = _Embedding(batch, to_embed, model.submit(self._embed, chunks))
        if batch:  # after the model has its work: flagging may open the store (~0.5 s)
            self._about_to_change()
        return started

    def _finish_batch(self, embedding: _Embedding, records: Catalog, report: IngestReport) -> None:
        """Wait for a batch's vectors and write it."""
        vectors, sentence_vectors = embedding.vectors.result()
        report.chunks_embedded += len(sentence_vectors)
        offset = 0
        fresh_vectors: dict[str, np.ndarray] = {}
        for item in embedding.to_embed:
            fresh_vectors[item.article_id] = vectors[offset : offset + len(item.chunks)]
            for chunk, packed in zip(
                item.chunks, sentence_vectors[offset : offset + len(item.chunks)], strict=True
            ):
                item.sentence_vectors[chunk.index] = packed
            offset += len(item.chunks)
        self._write_batch(embedding.batch, fresh_vectors, records, report)

    def _load_model(self) -> None:
        """Load the model (the embedder loads on first use) in the model's thread."""
        getattr(self._embedder, "embed_with_sentences", None)

    def _embed(self, chunks: list[Chunk]) -> tuple[np.ndarray, list[str]]:
        """Chunk vectors and, when the model allows, packed per-sentence vectors."""
        if not chunks:
            return np.zeros((0, 0), dtype=np.float32), []
        with_sentences = getattr(self._embedder, "embed_with_sentences", None)
        if with_sentences is None:
            return self._embedder.embed_documents([c.text for c in chunks]), [""] * len(chunks)
        vectors, per_chunk = with_sentences([c.text for c in chunks], [c.sentences for c in chunks])
        return vectors, [pack_vectors(v) for v in per_chunk]

    def _write_batch(
        self,
        batch: list[_Prepared],
        fresh_vectors: dict[str, np.ndarray],
        records: Catalog,
        report: IngestReport,
    ) -> None:
        """Write a batch's records and chunks in a handful of Chroma calls.

        Order (what makes a kill at any point recoverable): every record `pending` first, then
        leftover chunks of the new articles deleted and the new chunks written, then the
        replaced articles' chunks deleted, and only then every record `complete`. The records
        turn `complete` in the catalog at once and in Chroma with the next batch's `pending`
        ones, in the same write (`_owed`).
        """
        if not batch:
            return
        pending, new_chunks = self._plan(batch, fresh_vectors, records, report)
        self._put_records(pending, records)
        self._write_chunks(new_chunks, fresh_vectors)
        self._drop_replaced(pending, records)
        for r in pending:
            done = _Record(r.item, {**r.meta, "state": "complete", "prev_article_id": ""}, r.vector)
            records.put(r.item.record_id, done.meta)
            self._owed.append(done)
            (report.updated if r.item.previous else report.added).append(r.item.file.source)

    def _plan(
        self,
        batch: list[_Prepared],
        fresh_vectors: dict[str, np.ndarray],
        records: Catalog,
        report: IngestReport,
    ) -> tuple[list[_Record], list[tuple[_Prepared, str]]]:
        """Each source's `pending` record (story, article vector, counts), and the articles
        whose chunks are to be written, with their story."""
        stories = self._story_index(records)
        similar = self._similar_articles(fresh_vectors, records)
        first: dict[str, _Record] = {}  # article -> the batch's first record holding it
        pending: list[_Record] = []
        new_chunks: list[tuple[_Prepared, str]] = []
        for item in batch:
            fp = fingerprint(item.article.text)
            original = records.holder(item.article_id)
            counts: dict[str, Any] | None = None
            if item.article_id in first:  # a copy of an article earlier in this batch
                earlier = first[item.article_id]
                story_id, vector = str(earlier.meta["story_id"]), earlier.vector
                counts = earlier.meta
                report.duplicates.append(
                    {"source": item.file.source, "duplicate_of": earlier.item.file.source}
                )
            elif original is not None and item.article_id not in fresh_vectors:
                # Same text as a stored article: point at its chunks, embed nothing.
                story_id = str(original[1].get("story_id"))
                vector = self._cols.doc_vector(original[0])
                counts = original[1]
                if original[0] != item.record_id:
                    report.duplicates.append(
                        {"source": item.file.source, "duplicate_of": str(original[1].get("source"))}
                    )
            else:
                vector = article_vector(fresh_vectors[item.article_id])
                nearby = dict(similar.get(item.article_id, {}))
                for mate in pending:  # earlier articles of this very batch
                    nearby[mate.item.record_id] = float(vector @ mate.vector)
                story_id = stories.match(fp, item.article.published, nearby) or item.article_id
                new_chunks.append((item, story_id))
            prev_article = item.previous.get("article_id") if item.previous else None
            meta = _record_meta(item, story_id, fp, state="pending", prev_article=prev_article)
            if counts is not None:  # its chunks are the original's: so are their counts
                meta["chunks"] = int(counts.get("chunks") or 0)
                meta["tokens"] = int(counts.get("tokens") or 0)
            record = _Record(item, meta, vector)
            first.setdefault(item.article_id, record)
            stories.add(item.record_id, story_id, fp, item.article.published)
            pending.append(record)
        return pending, new_chunks

    def _put_records(self, batch: list[_Record], records: Catalog) -> None:
        """Write source records to the run's catalog and, with the records owed `complete`, to
        Chroma (one synced write)."""
        for r in batch:
            records.put(r.item.record_id, r.meta)
        ids = {r.item.record_id for r in batch}
        if any(r.item.record_id in ids for r in self._owed):  # one write can't hold an id twice
            self._pay_owed()
        self._write_records([*self._owed, *batch])
        self._owed = []

    def _pay_owed(self) -> None:
        """Write the records owed `complete` to Chroma."""
        owed, self._owed = self._owed, []
        self._write_records(owed)

    def _write_records(self, batch: list[_Record]) -> None:
        if batch:
            self._cols.put_docs(
                [r.item.record_id for r in batch],
                [r.meta for r in batch],
                np.stack([r.vector for r in batch]),
            )

    def _write_chunks(
        self, new_chunks: list[tuple[_Prepared, str]], fresh_vectors: dict[str, np.ndarray]
    ) -> None:
        """Replace whatever a killed run left of these articles' chunks with the new ones."""
        if not new_chunks:
            return
        self._cols.delete_article_chunks(*(item.article_id for item, _ in new_chunks))
        self._cols.add_chunks(
            [f"{item.article_id}:{c.index:04d}" for item, _ in new_chunks for c in item.chunks],
            [c.text for item, _ in new_chunks for c in item.chunks],
            np.concatenate([fresh_vectors[item.article_id] for item, _ in new_chunks]),
            [_chunk_meta(item, c, story) for item, story in new_chunks for c in item.chunks],
        )

    def _drop_replaced(self, pending: list[_Record], records: Catalog) -> None:
        """Delete the chunks of the versions these records replace, unless another source
        still holds them once the batch is complete."""
        final = {**records.records}
        for r in pending:
            final[r.item.record_id] = {**r.meta, "state": "complete"}
        held = {str(m.get("article_id")) for m in final.values() if m.get("state") == "complete"}
        replaced = {
            str(r.meta["prev_article_id"])
            for r in pending
            if r.meta.get("prev_article_id") and r.meta["prev_article_id"] not in held
        }
        if replaced:
            self._cols.delete_article_chunks(*replaced)

    def _story_index(self, records: Catalog) -> StoryIndex:
        """Stored articles' fingerprints, decoded once per run and kept up to date."""
        if self._stories is None:
            self._stories = StoryIndex()
            for rid, meta in records.complete().items():
                if meta.get("minhash"):
                    self._stories.add(
                        rid,
                        str(meta["story_id"]),
                        Fingerprint.decode(str(meta["minhash"]), int(meta["shingles"])),
                        _parse_day(int(meta.get("published_day") or 0)),
                    )
        return self._stories

    def _similar_articles(
        self, fresh_vectors: dict[str, np.ndarray], records: Catalog
    ) -> dict[str, dict[str, float]]:
        """For each new article, the cosine to its nearest stored articles (one query call).

        Stored means complete in the run's catalog: Chroma may still hold the batch before as
        `pending` (its records are owed `complete`, `_owed`)."""
        if not fresh_vectors or not len(records):
            return {}
        articles = list(fresh_vectors)
        means = np.stack([article_vector(fresh_vectors[a]) for a in articles])
        nearest = self._cols.nearest_docs(
            means, min(STORY_NEIGHBOURS, len(records)), complete=records.is_complete
        )
        return dict(zip(articles, nearest, strict=True))

    def _prune(
        self,
        roots: Iterable[Path],
        found: set[str],
        records: Catalog,
        report: IngestReport,
    ) -> None:
        scopes = [r.resolve() for r in roots]
        gone = [
            rid
            for rid, meta in records.records.items()
            if rid not in found and _under(Path(str(meta.get("path", ""))), scopes)
        ]
        if gone:
            self._about_to_change()
        for rid in gone:
            meta = records.pop(rid) or {}
            article_id = str(meta.get("article_id"))
            # Pending before anything is deleted: a run killed in between finishes the removal
            # (recovery drops pending records and their unheld chunks) instead of orphaning chunks.
            self._cols.mark_pending(rid, meta)
            if not records.is_stored(article_id):
                self._cols.delete_article_chunks(article_id)
            self._cols.delete_docs([rid])
            report.removed.append(str(meta.get("source")))


def _under(path: Path, scopes: list[Path]) -> bool:
    return any(path == s or s in path.parents for s in scopes)


def _parse_day(number: int) -> date | None:
    return date(number // 10000, number // 100 % 100, number % 100) if number else None


def article_vector(chunk_vectors: np.ndarray) -> np.ndarray:
    """An article's vector: the unit-length mean of its chunks' vectors."""
    mean = chunk_vectors.mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


def _record_meta(
    item: _Prepared, story_id: str, fp: Fingerprint, *, state: str, prev_article: Any
) -> dict[str, Any]:
    art = item.article
    return {
        "state": state,
        "source": item.file.source,
        "path": item.file.key,
        "file_hash": item.file_hash,
        "article_id": item.article_id,
        "prev_article_id": str(prev_article or ""),
        "story_id": story_id,
        "title": art.title,
        "outlet": art.outlet or "",
        "author": art.author or "",
        "published": art.published.isoformat() if art.published else "",
        "published_day": day_number(art.published),
        "chunks": len(item.chunks),
        "tokens": sum(c.tokens for c in item.chunks),
        "chars": len(art.text),
        "minhash": fp.encode(),
        "shingles": fp.size,
    }


def _chunk_meta(item: _Prepared, chunk: Chunk, story_id: str) -> dict[str, Any]:
    art = item.article
    return {
        "article_id": item.article_id,
        "story_id": story_id,
        "source": item.file.source,
        "title": art.title,
        "outlet": art.outlet or "",
        "published": art.published.isoformat() if art.published else "",
        "published_day": day_number(art.published),
        "chunk": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "tokens": chunk.tokens,
        # Sentence spans inside the chunk, so answering needs no sentence splitter at query time.
        "sents": encode_spans(chunk.sentences),
        "svec": item.sentence_vectors.get(chunk.index, ""),
    }
