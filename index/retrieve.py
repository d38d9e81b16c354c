"""Hybrid retrieval: dense hits from Chroma + BM25 hits, fused by reciprocal rank, one per story."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from index.catalog import Catalog
from index.chunk import decode_spans
from index.datefilter import DateFilter
from index.embed import Embedder, unpack_vectors
from index.passage import Passage
from index.prepare import lexical_in_step
from index.sentence_cache import SentenceVectors
from index.snapshot import Snapshot
from index.store import Collections

log = logging.getLogger(__name__)

RRF_K = 60  # the constant from Cormack et al.; robust across collections
POOL = 30  # candidates taken from each retriever before fusion
NOVELTY = 0.3  # another copy of a story is kept only if >= 30% of its words are new to it
_WORD = re.compile(r"\w+")


class Retriever:
    """Searches one index; reloads its caches when an ingest changes the index (a reader: it
    never writes; `index.prepare` is the writer's side)."""

    def __init__(
        self,
        collections: Collections,
        embedder: Embedder,
        *,
        lexical_dir: Path,
        catalog_path: Path,
    ) -> None:
        self._cols = collections
        self._embedder = embedder
        self._lexical_folder = lexical_dir / collections.name
        self._catalog_path = catalog_path
        self._snap: Snapshot | None = None
        self._sentences = SentenceVectors()
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        """Current catalog + lexical index, rebuilt only when the index generation changed."""
        generation = self._cols.generation()
        snap = self._snap
        if snap is not None and snap.generation == generation:
            return snap
        with self._lock:
            if self._snap is None or self._snap.generation != generation:
                # The catalog the last ingest saved for this generation, else Chroma's records.
                catalog = Catalog.load(self._catalog_path, generation) or Catalog(
                    self._cols.all_docs()
                )
                fresh = Snapshot.of(generation, catalog)
                previous = self._snap.lexical if self._snap is not None else None
                fresh.lexical, _ = lexical_in_step(
                    self._cols, self._lexical_folder, generation, set(fresh.by_article), previous
                )
                self._snap = fresh
            return self._snap

    # ---- search ----------------------------------------------------------------------
    def search(
        self,
        question: str,
        *,
        k: int = 5,
        dates: DateFilter | None = None,
        per_story: int = 2,
        novelty: float = NOVELTY,
        outlets: Sequence[str] | None = None,
    ) -> list[Passage]:
        """Top `k` passages for `question`: dense + BM25, fused, at most one (or a novel 2nd) per
        story; only articles of `outlets` when given (none of them indexed: no passages)."""
        snap = self.snapshot()
        if not snap.by_article:
            return []
        if dates is not None and dates.include_undated and not snap.has_dates():
            dates = None  # a guessed filter on an undated archive would only hide things
        only: list[str] | None = None
        if outlets is not None:
            only = snap.articles_of(list(outlets))
            if not only:
                return []
        vector = self._embedder.embed_query(question)
        dense = self._dense(vector, dates, snap, only)
        lexical = self._lexical(question, dates, snap, set(only) if only is not None else None)
        rankings = [list(dense), [cid for cid, _ in lexical]]
        named = snap.outlet_articles(question) if only is None else []
        if named:  # outlets the question names are favoured: their own best hits join the vote
            own_dense = self._dense(vector, dates, snap, named)
            own_lexical = self._lexical(question, dates, snap, set(named))
            rankings += [list(own_dense), [cid for cid, _ in own_lexical]]
            dense = {**own_dense, **dense}
            lexical = lexical + [h for h in own_lexical if h[0] not in dict(lexical)]
        fused: dict[str, float] = {}
        for ranking in rankings:
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
        self,
        vector: np.ndarray,
        dates: DateFilter | None,
        snap: Snapshot,
        articles: Sequence[str] | None = None,
    ) -> dict[str, tuple[str, dict[str, Any], float]]:
        wanted = POOL * (3 if dates is not None and dates.active else 1)
        n = max(1, min(wanted, snap.chunk_count))
        if articles is not None:
            n = max(1, min(n, sum(_chunks(snap, a) for a in articles)))
        out: dict[str, tuple[str, dict[str, Any], float]] = {}
        for cid, text, meta, similarity in self._cols.nearest_chunks(vector, n, articles):
            if dates is not None and not dates.accepts(
                snap.effective_day.get(str(meta["article_id"]), 0)
            ):
                continue
            out[cid] = (text, meta, similarity)
        return dict(list(out.items())[:POOL])

    def _lexical(
        self,
        question: str,
        dates: DateFilter | None,
        snap: Snapshot,
        only: set[str] | None = None,
    ) -> list[tuple[str, float]]:
        lexical = snap.lexical
        if lexical is None or not len(lexical):
            return []
        accept = None
        if dates is not None or only is not None:
            day_of = snap.effective_day

            def accept(articles: np.ndarray) -> np.ndarray:
                keep = np.ones(len(articles), dtype=bool)
                if dates is not None:
                    days = np.fromiter(
                        (day_of.get(a, 0) for a in articles), np.int64, len(articles)
                    )
                    keep &= dates.accepts_days(days)
                if only is not None:
                    keep &= np.fromiter((a in only for a in articles), bool, len(articles))
                return keep

        return lexical.search(question, POOL, accept)

    def _fetch(
        self, ids: Sequence[str], vector: np.ndarray
    ) -> dict[str, tuple[str, dict[str, Any], float]]:
        return {
            cid: (text, meta, float(emb @ vector))
            for cid, (text, meta, emb) in self._cols.chunks_by_id(ids).items()
        }

    def _passage(
        self,
        cid: str,
        text: str,
        meta: dict[str, Any],
        score: float,
        fused: float,
        lex_scores: dict[str, float],
        snap: Snapshot,
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


def _chunks(snap: Snapshot, article: str) -> int:
    metas = snap.by_article.get(article)
    return int(metas[0].get("chunks") or 1) if metas else 0


def _novelty(words: set[str], seen: set[str]) -> float:
    """Share of a passage's words that the story's already chosen passages lack."""
    return len(words - seen) / max(1, len(words))
