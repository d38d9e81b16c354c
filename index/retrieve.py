"""Hybrid retrieval: dense hits from Chroma + BM25 hits, fused by reciprocal rank, one per story."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from index import catalog
from index.chunk import decode_spans
from index.datefilter import DateFilter
from index.embed import Embedder, unpack_vectors
from index.lexical import LexicalIndex
from index.passage import Passage
from index.sentence_cache import SentenceVectors
from index.store import Collections, pages

log = logging.getLogger(__name__)

RRF_K = 60  # the constant from Cormack et al.; robust across collections
POOL = 30  # candidates taken from each retriever before fusion
NOVELTY = 0.3  # another copy of a story is kept only if >= 30% of its words are new to it
_WORD = re.compile(r"\w+")


@dataclass
class _Snapshot:
    generation: str
    records: dict[str, dict[str, Any]]
    by_article: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    by_story: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    effective_day: dict[str, int] = field(default_factory=dict)
    lexical: LexicalIndex | None = None
    chunk_count: int = 0

    @classmethod
    def of(cls, generation: str, records: dict[str, dict[str, Any]]) -> _Snapshot:
        snap = cls(generation, records)
        for meta in records.values():
            if meta.get("state") != "complete":
                continue
            snap.by_article.setdefault(str(meta["article_id"]), []).append(meta)
            snap.by_story.setdefault(str(meta["story_id"]), []).append(meta)
        snap.chunk_count = sum(
            int(metas[0].get("chunks") or 0) for metas in snap.by_article.values()
        )
        for story in snap.by_story.values():
            days = [int(m.get("published_day") or 0) for m in story]
            dated = [d for d in days if d]
            # An undated copy of a dated story is dated by the story (never by file mtime).
            for meta in story:
                own = int(meta.get("published_day") or 0)
                snap.effective_day[str(meta["article_id"])] = own or (min(dated) if dated else 0)
        return snap

    def has_dates(self) -> bool:
        return any(self.effective_day.values())

    def also_reported_by(
        self, story_id: str, source: str, own_outlet: str | None
    ) -> tuple[str, ...]:
        names: list[str] = []
        for meta in self.by_story.get(story_id, []):
            if meta.get("source") == source:
                continue
            outlet = str(meta.get("outlet") or "")
            name = outlet if outlet and outlet != own_outlet else str(meta.get("source"))
            if name not in names:
                names.append(name)
        return tuple(names)


class Retriever:
    """Searches one index; reloads its caches when an ingest changes the index."""

    def __init__(self, collections: Collections, embedder: Embedder, *, lexical_dir: Path) -> None:
        self._cols = collections
        self._embedder = embedder
        self._lexical_dir = lexical_dir
        self._snap: _Snapshot | None = None
        self._lexical_index: LexicalIndex | None = None
        self._persist = False  # readers keep their lexical index in memory; ingest saves it
        self._known: catalog.Records | None = None  # records handed over by an ingest
        self._sentences = SentenceVectors()
        self._lock = threading.Lock()

    # ---- caches ----------------------------------------------------------------------
    def snapshot(self) -> _Snapshot:
        """Current catalog + lexical index, rebuilt only when the index generation changed."""
        generation = self._cols.generation()
        snap = self._snap
        if snap is not None and snap.generation == generation:
            return snap
        with self._lock:
            if self._snap is None or self._snap.generation != generation:
                fresh = _Snapshot.of(generation, self._records(generation))
                fresh.lexical = self._lexical_for(generation, set(fresh.by_article))
                self._snap = fresh
            return self._snap

    def _records(self, generation: str) -> catalog.Records:
        """Source records: the catalog the last ingest saved for `generation`, else Chroma's."""
        path = self._lexical_dir / f"{self._cols.name}.catalog.json"
        if not self._persist:
            cached = catalog.load(path, generation)
            if cached is not None:
                return cached
        known, self._known = self._known, None
        records = catalog.slim(known if known is not None else self._cols.all_docs())
        if self._persist:
            catalog.save(path, generation, records)
        return records

    def _lexical_for(self, generation: str, live: set[str]) -> LexicalIndex:
        """The lexical index brought in step with the live articles (only their changes)."""
        folder = self._lexical_dir / self._cols.name
        index = self._lexical_index or LexicalIndex.load(folder) or LexicalIndex()
        if index.generation != generation:
            outcome = index.sync(live, self._chunk_texts)
            index.generation = generation
            log.debug("lexical index %s for generation %s", outcome, generation)
            if self._persist:
                try:
                    index.save(folder)
                except OSError as exc:  # a read-only data dir still answers
                    log.warning("cannot save the lexical index to %s: %s", folder, exc)
        self._lexical_index = index
        return index

    def rebuild_lexical(self, records: catalog.Records | None = None) -> None:
        """Bring the lexical index in step and save it with the catalog (done by ingest, not by
        readers); `records`: the source records as the ingest left them (else read back)."""
        self._persist = True
        self._snap = None
        self._known = records
        self.snapshot()

    def _chunk_texts(self, articles: list[str] | None) -> tuple[list[str], list[str]]:
        """Chunk ids and texts of some articles (None: of all), read back from Chroma."""
        ids: list[str] = []
        texts: list[str] = []
        if articles is None:
            for got in pages(self._cols.chunks, ["documents"]):
                ids.extend(got["ids"])
                texts.extend(got["documents"])
            return ids, texts
        for lo in range(0, len(articles), 200):
            part = articles[lo : lo + 200]
            where = {"article_id": part[0]} if len(part) == 1 else {"article_id": {"$in": part}}
            got = self._cols.chunks.get(where=where, include=["documents"])
            ids.extend(got["ids"])
            texts.extend(got["documents"])
        return ids, texts

    # ---- search ----------------------------------------------------------------------
    def search(
        self,
        question: str,
        *,
        k: int = 5,
        dates: DateFilter | None = None,
        per_story: int = 2,
        novelty: float = NOVELTY,
    ) -> list[Passage]:
        """Top `k` passages for `question`: dense + BM25, fused, at most one (or a novel 2nd) per story."""
        snap = self.snapshot()
        if not snap.by_article:
            return []
        if dates is not None and dates.include_undated and not snap.has_dates():
            dates = None  # a guessed filter on an undated archive would only hide things
        vector = self._embedder.embed_query(question)
        dense = self._dense(vector, dates, snap)
        lexical = self._lexical(question, dates, snap)
        fused: dict[str, float] = {}
        for ranking in (list(dense), [cid for cid, _ in lexical]):
            for rank, cid in enumerate(ranking):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        order = sorted(fused, key=lambda c: -fused[c])
        rows = self._fetch([c for c in order if c not in dense], vector)
        rows.update(dense)
        lex_scores = dict(lexical)
        chosen: list[Passage] = []
        per: dict[str, list[set[str]]] = {}
        for cid in order:
            if cid not in rows:
                continue  # deleted since the lexical index was built
            text, meta, score = rows[cid]
            if str(meta.get("article_id")) not in snap.by_article:
                continue  # a version no complete record holds (an update a kill left half done)
            story = str(meta.get("story_id"))
            words = set(_WORD.findall(text.lower()))
            kept = per.setdefault(story, [])
            seen_words = set().union(*kept) if kept else set()
            if kept and (len(kept) >= per_story or _novelty(words, seen_words) <= novelty):
                continue
            kept.append(words)
            chosen.append(
                self._passage(cid, text, meta, score, fused[cid], lex_scores, snap, vector)
            )
            if len(chosen) >= k:
                break
        return self._sentence_similarities(chosen, vector)

    def _dense(
        self, vector: np.ndarray, dates: DateFilter | None, snap: _Snapshot
    ) -> dict[str, tuple[str, dict[str, Any], float]]:
        wanted = POOL * (3 if dates is not None and dates.active else 1)
        n = max(1, min(wanted, snap.chunk_count))
        got = self._cols.chunks.query(
            query_embeddings=np.asarray([vector], dtype=np.float32),
            n_results=n,
            include=["documents", "metadatas", "distances"],
        )
        out: dict[str, tuple[str, dict[str, Any], float]] = {}
        for cid, text, meta, dist in zip(
            got["ids"][0],
            got["documents"][0],
            got["metadatas"][0],
            got["distances"][0],
            strict=True,
        ):
            if dates is not None and not dates.accepts(
                snap.effective_day.get(str(meta["article_id"]), 0)
            ):
                continue
            out[cid] = (text, dict(meta), 1.0 - float(dist))
        return dict(list(out.items())[:POOL])

    def _lexical(
        self, question: str, dates: DateFilter | None, snap: _Snapshot
    ) -> list[tuple[str, float]]:
        lexical = snap.lexical
        if lexical is None or not len(lexical):
            return []
        accept = None
        if dates is not None:
            day_of = snap.effective_day

            def accept(articles: np.ndarray) -> np.ndarray:
                days = np.fromiter((day_of.get(a, 0) for a in articles), np.int64, len(articles))
                return dates.accepts_days(days)

        return lexical.search(question, POOL, accept)

    def _fetch(
        self, ids: Sequence[str], vector: np.ndarray
    ) -> dict[str, tuple[str, dict[str, Any], float]]:
        if not ids:
            return {}
        got = self._cols.chunks.get(ids=list(ids), include=["documents", "metadatas", "embeddings"])
        out = {}
        for cid, text, meta, emb in zip(
            got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
        ):
            out[cid] = (text, dict(meta), float(np.dot(np.asarray(emb, dtype=np.float32), vector)))
        return out

    def _passage(
        self,
        cid: str,
        text: str,
        meta: dict[str, Any],
        score: float,
        fused: float,
        lex_scores: dict[str, float],
        snap: _Snapshot,
        vector: np.ndarray,
    ) -> Passage:
        article_id = str(meta["article_id"])
        story_id = str(meta.get("story_id") or article_id)
        source = str(meta.get("source"))
        holders = snap.by_article.get(article_id, [])
        if holders and source not in {str(h.get("source")) for h in holders}:
            source = str(holders[0].get("source"))  # the chunk's first source was pruned
        return Passage(
            chunk_id=cid,
            text=text,
            article_id=article_id,
            story_id=story_id,
            source=source,
            title=str(meta.get("title") or ""),
            outlet=str(meta.get("outlet")) or None,
            published=str(meta.get("published")) or None,
            start=int(meta.get("start") or 0),
            end=int(meta.get("end") or len(text)),
            score=round(score, 4),
            fused=fused,
            sentences=tuple(decode_spans(str(meta.get("sents") or ""))) or ((0, len(text)),),
            also_reported_by=snap.also_reported_by(
                story_id, source, str(meta.get("outlet")) or None
            ),
            lexical=lex_scores.get(cid, 0.0),
            sentence_similarity=_stored_similarity(str(meta.get("svec") or ""), vector),
        )

    def _sentence_similarities(self, passages: list[Passage], vector: np.ndarray) -> list[Passage]:
        """Fill in the cosine of sentences that have no vector stored at ingest (e.g. a remote
        embedding model) by embedding them now, each sentence text once per process."""
        lacking = [p for p in passages if len(p.sentence_similarity) != len(p.sentences)]
        if not lacking:
            return passages
        texts = [t for p in lacking for t in p.sentence_texts()]
        vectors = self._sentences.vectors(texts, self._embedder)
        out, at = [], 0
        for p in passages:
            if len(p.sentence_similarity) == len(p.sentences):
                out.append(p)
                continue
            n = len(p.sentences)
            sims = vectors[at : at + n] @ vector
            at += n
            out.append(replace(p, sentence_similarity=tuple(round(float(x), 4) for x in sims)))
        return out


def _stored_similarity(packed: str, vector: np.ndarray) -> tuple[float, ...]:
    """Cosines of the sentence vectors stored with a chunk at ingest (empty: none stored)."""
    vectors = unpack_vectors(packed) if packed else None
    if vectors is None or not len(vectors):
        return ()
    return tuple(round(float(x), 4) for x in vectors @ vector)


def _novelty(words: set[str], seen: set[str]) -> float:
    """Share of a passage's words that the story's already chosen passages lack."""
    return len(words - seen) / max(1, len(words))
