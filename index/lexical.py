"""Lexical (BM25) search over the chunks, with bm25s; Chroma's own sparse search is Cloud-only.

bm25s indexes are immutable, so the index is kept as two segments: a large `base` and a small
`delta` holding the chunks added since the base was built; chunks of removed articles are masked
out. A small ingest re-tokenises only its own chunks; the base is rebuilt (merged) only when the
delta or the removed share passes MERGE_SHARE of it. Scores of the two segments use their own
IDF statistics, a small approximation while the delta is small.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)
MERGE_SHARE = 0.2
FetchTexts = Callable[[list[str] | None], tuple[list[str], list[str]]]  # articles (None: all)


def _bm25s() -> Any:
    import bm25s

    # bm25s sets its own logger to DEBUG when imported and logs every index build there.
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def _tokenizer() -> Any:
    import Stemmer
    from bm25s.tokenization import Tokenizer

    return Tokenizer(stopwords="english", stemmer=Stemmer.Stemmer("english").stemWord)


def article_of(chunk_id: str) -> str:
    """Chunk ids are `<article id>:<position>`."""
    return chunk_id.rsplit(":", 1)[0]


class Segment:
    """One immutable BM25 index over some chunks; ids map rows back to Chroma chunk ids."""

    def __init__(self, ids: list[str], retriever: Any, tokenizer: Any) -> None:
        self.ids = ids
        self.articles = np.array([article_of(i) for i in ids], dtype=object)
        self._retriever = retriever
        self._tokenizer = tokenizer
        # The vocabulary's empty-string token stands for "unknown word"; it must not score.
        self._unknown = tokenizer.get_vocab_dict().get("")

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str]) -> Segment:
        """Tokenise (stemmed, English stopwords) and index `texts`."""
        bm25s = _bm25s()
        tokenizer = _tokenizer()
        tokens = tokenizer.tokenize(list(texts), show_progress=False, return_as="tuple")
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        return cls(list(ids), retriever, tokenizer)

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: str, k: int, mask: np.ndarray | None) -> list[tuple[str, float]]:
        """Top `k` (chunk id, score > 0); `mask` (bool per row) limits the candidates."""
        if not self.ids or (mask is not None and not mask.any()):
            return []
        query_ids = self._tokenizer.tokenize([query], update_vocab=False, show_progress=False)
        known = [[t for t in (query_ids[0] if query_ids else []) if t != self._unknown]]
        if not known[0]:
            return []
        weight = mask.astype(np.float32) if mask is not None else None
        rows, scores = self._retriever.retrieve(
            known, k=min(k, len(self.ids)), show_progress=False, weight_mask=weight, n_threads=1
        )
        return [
            (self.ids[int(r)], float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0
        ]

    def save(self, folder: Path) -> None:
        """Write the segment into `folder` (which must not exist yet)."""
        folder.mkdir(parents=True)
        self._retriever.save(str(folder / "bm25"), show_progress=False)
        self._tokenizer.save_vocab(str(folder / "bm25"))
        (folder / "ids.json").write_text(json.dumps(self.ids))

    @classmethod
    def load(cls, folder: Path) -> Segment:
        """Read a saved segment."""
        bm25s = _bm25s()
        retriever = bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
        tokenizer = _tokenizer()
        tokenizer.load_vocab(str(folder / "bm25"))
        return cls(json.loads((folder / "ids.json").read_text()), retriever, tokenizer)


class LexicalIndex:
    """Base + delta segments with removed articles masked; kept in step by `sync`."""

    def __init__(self, base: Segment | None = None, delta_texts: dict[str, str] | None = None):
        self.base = base
        self.delta_texts = delta_texts or {}
        self.delta = (
            Segment.build(list(self.delta_texts), list(self.delta_texts.values()))
            if self.delta_texts
            else None
        )
        self.removed: set[str] = set()  # articles whose base rows are masked out
        self.generation = ""

    def __len__(self) -> int:
        return (len(self.base) if self.base else 0) + len(self.delta_texts)

    def articles(self) -> set[str]:
        """Articles with searchable chunks."""
        held = set(self.base.articles) if self.base else set()
        held |= {article_of(i) for i in self.delta_texts}
        return held - self.removed

    def sync(self, live: set[str], fetch: FetchTexts) -> str:
        """Follow the index to `live` articles: 'unchanged', 'delta' or 'rebuilt'."""
        current = self.articles()
        gone, new = current - live, live - current
        if not gone and not new:
            return "unchanged"
        base_size = len(self.base) if self.base else 0
        self.delta_texts = {i: t for i, t in self.delta_texts.items() if article_of(i) not in gone}
        in_base = set(self.base.articles) if self.base else set()
        self.removed = (self.removed | (gone & in_base)) - (new & in_base)
        revived = new & in_base  # an article removed and added back: unmask, nothing to fetch
        if new - revived:
            ids, texts = fetch(sorted(new - revived))
            self.delta_texts.update(zip(ids, texts, strict=True))
        removed_rows = (
            int(np.isin(self.base.articles, list(self.removed)).sum())
            if self.base and self.removed
            else 0
        )
        if not base_size or len(self.delta_texts) + removed_rows > MERGE_SHARE * base_size:
            ids, texts = fetch(None)
            self.base, self.delta_texts, self.removed, self.delta = (
                Segment.build(ids, texts),
                {},
                set(),
                None,
            )
            return "rebuilt"
        self.delta = (
            Segment.build(list(self.delta_texts), list(self.delta_texts.values()))
            if self.delta_texts
            else None
        )
        return "delta"

    def search(
        self, query: str, k: int, accept: Callable[[np.ndarray], np.ndarray] | None = None
    ) -> list[tuple[str, float]]:
        """Top `k` over both segments; `accept` maps an array of article ids to a bool mask."""
        hits: list[tuple[str, float]] = []
        for segment, masked in ((self.base, self.removed), (self.delta, set())):
            if segment is None or not len(segment):
                continue
            mask = None
            if masked:
                mask = ~np.isin(segment.articles, list(masked))
            if accept is not None:
                allowed = accept(segment.articles)
                mask = allowed if mask is None else mask & allowed
            hits.extend(segment.search(query, k, mask))
        hits.sort(key=lambda h: -h[1])
        return hits[:k]

    def save(self, folder: Path) -> None:
        """Persist atomically (a temp folder renamed into place)."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.base is not None:
            self.base.save(tmp / "base")
        state = {
            "generation": self.generation,
            "removed": sorted(self.removed),
            "delta": self.delta_texts,
        }
        (tmp / "state.json").write_text(json.dumps(state))
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)

    @staticmethod
    def saved_generation(folder: Path) -> str:
        """The generation the index saved in `folder` is in step with ("" if none), read
        without loading it."""
        try:
            return str(json.loads((folder / "state.json").read_text()).get("generation") or "")
        except (OSError, ValueError, AttributeError):
            return ""

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """What was saved, or None when nothing usable is there."""
        try:
            state = json.loads((folder / "state.json").read_text())
            base = Segment.load(folder / "base") if (folder / "base").exists() else None
        except (OSError, ValueError) as exc:
            log.info("lexical index at %s not usable (%s); rebuilding", folder, exc)
            return None
        index = cls(base, dict(state.get("delta") or {}))
        index.removed = set(state.get("removed") or [])
        index.generation = str(state.get("generation") or "")
        return index
