"""Lexical (BM25) search over the chunks, with bm25s; Chroma's own sparse search is Cloud-only."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


def _tokenizer() -> Any:
    import Stemmer
    from bm25s.tokenization import Tokenizer

    return Tokenizer(stopwords="english", stemmer=Stemmer.Stemmer("english").stemWord)


class LexicalIndex:
    """BM25 over chunk texts; ids map result rows back to Chroma chunk ids."""

    def __init__(self, ids: list[str], days: np.ndarray, retriever: Any, tokenizer: Any) -> None:
        self.ids = ids
        self.days = days  # effective YYYYMMDD per chunk (0 = unknown), for date masks
        self._retriever = retriever
        self._tokenizer = tokenizer
        # The vocabulary's empty-string token stands for "unknown word"; it must not score.
        self._unknown = tokenizer.get_vocab_dict().get("")

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str], days: Sequence[int]) -> LexicalIndex:
        """Tokenise (stemmed, English stopwords) and index `texts`."""
        import bm25s

        tokenizer = _tokenizer()
        tokens = tokenizer.tokenize(list(texts), show_progress=False, return_as="tuple")
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        return cls(list(ids), np.asarray(days, dtype=np.int64), retriever, tokenizer)

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top `k` chunk ids with BM25 scores > 0; `mask` (bool per chunk) limits candidates."""
        if not self.ids:
            return []
        query_ids = self._tokenizer.tokenize([query], update_vocab=False, show_progress=False)
        if not query_ids or not any(query_ids[0]):
            return []
        known = [[t for t in query_ids[0] if t != self._unknown]]
        if not known[0]:
            return []
        weight = mask.astype(np.float32) if mask is not None else None
        rows, scores = self._retriever.retrieve(
            known, k=min(k, len(self.ids)), show_progress=False, weight_mask=weight, n_threads=1
        )
        return [
            (self.ids[int(r)], float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0
        ]

    def save(self, folder: Path, signature: str) -> None:
        """Persist next to the store; `signature` says which index generation it reflects."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self._retriever.save(str(tmp / "bm25"), show_progress=False)
        self._tokenizer.save_vocab(str(tmp / "bm25"))
        np.save(tmp / "days.npy", self.days)
        (tmp / "ids.json").write_text(json.dumps(self.ids))
        (tmp / "signature").write_text(signature)
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)

    @classmethod
    def load(cls, folder: Path, signature: str) -> LexicalIndex | None:
        """The saved index if it reflects `signature`, else None."""
        import bm25s

        try:
            if (folder / "signature").read_text() != signature:
                return None
            retriever = bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
            tokenizer = _tokenizer()
            tokenizer.load_vocab(str(folder / "bm25"))
            ids = json.loads((folder / "ids.json").read_text())
            days = np.load(folder / "days.npy")
        except (OSError, ValueError) as exc:
            log.info("lexical index at %s not usable (%s); rebuilding", folder, exc)
            return None
        return cls(ids, days, retriever, tokenizer)
