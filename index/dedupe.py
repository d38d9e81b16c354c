"""Exact and near-duplicate articles: content hashes, MinHash containment, and story grouping.

Wire copies share long runs of words (MinHash containment finds them even when one copy is a
trimmed version of the other); paraphrased rewrites of one report share meaning, not words, so
story grouping also looks at the article vectors, guarded by the publication dates.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

NUM_PERM = 128
SHINGLE_WORDS = 5
# Measured on the seeds: wire copies share 0.46-0.86 of their 5-word shingles, unrelated news
# articles under 0.05. Paraphrased rewrites of one report have article-vector cosines of
# 0.93-0.94, while reports of a *later* meeting on the same topic reach 0.90-0.91.
CONTAINMENT_THRESHOLD = 0.3  # share of the smaller article's shingles found in the other
SIMILARITY_THRESHOLD = 0.92  # cosine of article vectors for a paraphrased copy of one report
MAX_DAYS_APART = 3

_WORD = re.compile(r"\w+", re.UNICODE)


def content_hash(text: str) -> str:
    """Stable id of an article's cleaned text (whitespace-insensitive)."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:20]


def bytes_hash(data: bytes) -> str:
    """Hash of a file's raw bytes: the cheap 'unchanged?' check before any parsing."""
    return hashlib.sha256(data).hexdigest()[:20]


@dataclass(frozen=True)
class Fingerprint:
    """MinHash signature of an article's word shingles, plus how many shingles it had."""

    hashvalues: np.ndarray
    size: int

    def encode(self) -> str:
        """Serialise for a Chroma metadata field."""
        return base64.b64encode(self.hashvalues.astype("<u8").tobytes()).decode("ascii")

    @classmethod
    def decode(cls, data: str, size: int) -> Fingerprint:
        """Inverse of `encode`."""
        return cls(np.frombuffer(base64.b64decode(data), dtype="<u8").copy(), size)


def fingerprint(text: str) -> Fingerprint:
    """MinHash the 5-word shingles of `text`."""
    # Imported here: datasketch pulls in scipy (0.55 s measured), which an ingest with nothing
    # new (an unchanged feed, a quiet watch poll) never needs.

    words = [w.lower() for w in _WORD.findall(text)]
    grams = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(max(1, len(words) - 4))}
    return Fingerprint(minhash(g.encode("utf-8") for g in grams), len(grams))


# MinHash by hand, on numpy: datasketch (the library for this) requires scipy, ~100 MB in the
# default install for these few lines. The scheme is datasketch 2.x's default ("affine32"), bit
# for bit, so signatures already stored in an index stay comparable (tests/index/test_dedupe.py):
# the SHA-1 of each shingle, its first 4 bytes as a little-endian uint32, the MurmurHash3
# finaliser, then 128 odd-multiplier affine maps mod 2^32 drawn from RandomState(seed=1), and the
# minimum per map.
_PERM = np.random.RandomState(1)
_A = _PERM.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
_B = _PERM.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
_EMPTY = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)


def minhash(items: Iterable[bytes]) -> np.ndarray:
    """128 MinHash values (uint64 holding uint32s, as datasketch's `hashvalues`) of a set."""
    digests = b"".join(hashlib.sha1(item).digest()[:4] for item in items)
    if not digests:
        return _EMPTY.astype(np.uint64)
    hv = np.frombuffer(digests, dtype="<u4").astype(np.uint32)
    hv ^= hv >> np.uint32(16)  # MurmurHash3 fmix32: spreads weak input hashes
    hv *= np.uint32(0x85EBCA6B)
    hv ^= hv >> np.uint32(13)
    hv *= np.uint32(0xC2B2AE35)
    hv ^= hv >> np.uint32(16)
    permuted = hv[:, None] * _A[None, :] + _B[None, :]  # wraps mod 2^32 by design
    return np.minimum(_EMPTY, permuted.min(axis=0)).astype(np.uint64)


def containment(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated share of the smaller article's shingles that also occur in the other."""
    return float(_containment(a.hashvalues[None, :], np.asarray([a.size]), b)[0])


def _containment(hashes: np.ndarray, sizes: np.ndarray, fp: Fingerprint) -> np.ndarray:
    """`containment` of `fp` against many signatures (rows of `hashes`) at once."""
    jaccard = (hashes == fp.hashvalues).mean(axis=1)
    sizes = np.asarray(sizes, dtype=np.float64)
    overlap = jaccard * (sizes + fp.size) / (1.0 + jaccard)
    return np.minimum(1.0, overlap / np.maximum(1.0, np.minimum(sizes, fp.size)))


class StoryIndex:
    """The articles already stored, as arrays, so a new article finds its story in one pass.

    Shared text (MinHash containment) is stronger evidence than shared meaning (article-vector
    cosine), so it ranks first; either only counts between reports at most MAX_DAYS_APART apart,
    so a dated article is compared only with undated ones and those of nearby days. The arrays
    grow by doubling: adding an article and matching one cost no copy of the whole index, which
    at ~30k stored articles was most of an ingest's Python time.
    """

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._stories: list[str] = []
        self._position: dict[str, int] = {}  # key -> its latest row
        self._hashes = np.zeros((0, NUM_PERM), dtype=np.uint64)
        self._sizes = np.zeros(0, dtype=np.int64)
        self._days = np.zeros(0, dtype=np.int64)  # proleptic ordinal, 0 = undated

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: str, story_id: str, fp: Fingerprint, published: date | None) -> None:
        """Remember an article (key: its record id) as a member of `story_id`."""
        row = len(self._keys)
        if row == len(self._sizes):
            capacity = max(64, 2 * row)
            self._hashes = _grown(self._hashes, capacity)
            self._sizes = _grown(self._sizes, capacity)
            self._days = _grown(self._days, capacity)
        self._hashes[row] = fp.hashvalues
        self._sizes[row] = fp.size
        self._days[row] = published.toordinal() if published else 0
        self._keys.append(key)
        self._stories.append(story_id)
        self._position[key] = row

    def match(
        self, fp: Fingerprint, published: date | None, similarity: dict[str, float]
    ) -> str | None:
        """The story a new article belongs to (None: a story of its own).

        `similarity`: article-vector cosine to some stored articles, by key.
        """
        count = len(self._keys)
        if not count:
            return None
        days = self._days[:count]
        if published is None:
            compatible = np.ones(count, dtype=bool)
        else:
            compatible = (days == 0) | (np.abs(days - published.toordinal()) <= MAX_DAYS_APART)
        rows = np.flatnonzero(compatible)
        if len(rows):
            shared = _containment(self._hashes[rows], self._sizes[rows], fp)
            best = int(np.argmax(shared))
            if shared[best] >= CONTAINMENT_THRESHOLD:
                return self._stories[int(rows[best])]
        close = [
            (sim, row)
            for key, sim in similarity.items()
            if (row := self._position.get(key)) is not None
            and compatible[row]
            and sim >= SIMILARITY_THRESHOLD
        ]
        return self._stories[max(close)[1]] if close else None


def _grown(array: np.ndarray, capacity: int) -> np.ndarray:
    out = np.zeros((capacity, *array.shape[1:]), dtype=array.dtype)
    out[: len(array)] = array
    return out
