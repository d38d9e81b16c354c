"""Sentence vectors embedded at question time, for indexes that stored none at ingest."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from index.embed import Embedder

LIMIT = 20000  # sentences kept: ~30 MB of 384-d float32 vectors


class SentenceVectors:
    """An LRU cache of sentence text -> vector; each text is embedded once per process."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._limit = limit
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str], embedder: Embedder) -> np.ndarray:
        """Vectors of `texts`, shape (len(texts), dim); embeds only those not cached."""
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in dict.fromkeys(texts):
                if text in self._cache:
                    self._cache.move_to_end(text)
                    found[text] = self._cache[text]
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            fresh = np.asarray(embedder.embed_documents(missing), dtype=np.float32)
            found.update(zip(missing, fresh, strict=True))
            with self._lock:
                self._cache.update(zip(missing, fresh, strict=True))
                while len(self._cache) > self._limit:
                    self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])
