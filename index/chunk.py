"""Sentence-aware chunking measured in tiktoken tokens, keeping character offsets into the article."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from index.offline import use_bundled_tiktoken_cache
from index.sentences import sentence_spans

TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class Chunk:
    """A verbatim slice `text[start:end]` of a cleaned article."""

    index: int
    start: int
    end: int
    text: str
    tokens: int
    sentences: tuple[tuple[int, int], ...] = ()  # sentence spans, relative to `start`


@lru_cache(maxsize=4)
def tiktoken_counter(encoding: str = "cl100k_base") -> TokenCounter:
    """Count tokens with a tiktoken encoding loaded from llama-index-core's offline cache."""
    use_bundled_tiktoken_cache()
    import tiktoken

    enc = tiktoken.get_encoding(encoding)
    return lambda text: len(enc.encode(text, disallowed_special=()))


def chunk_text(
    text: str, *, max_tokens: int, overlap_tokens: int, count: TokenCounter | None = None
) -> list[Chunk]:
    """Group whole sentences into chunks of at most `max_tokens`.

    Neighbouring chunks share trailing sentences worth up to `overlap_tokens`, so a fact split
    across a chunk boundary is still whole in one chunk. A sentence longer than `max_tokens` is
    cut at word boundaries into pieces of its own.
    """
    count = count or tiktoken_counter()
    units: list[tuple[int, int, int]] = []  # (start, end, tokens) of sentences or sentence pieces
    for start, end in sentence_spans(text):
        units.extend(_fit(text, start, end, max_tokens, count))

    chunks: list[Chunk] = []
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and (j == i or total + units[j][2] <= max_tokens):
            total += units[j][2]
            j += 1
        start, end = units[i][0], units[j - 1][1]
        sentences = tuple((u[0] - start, u[1] - start) for u in units[i:j])
        piece = text[start:end]
        chunks.append(Chunk(len(chunks), start, end, piece, count(piece), sentences))
        if j >= len(units):
            break
        # Step back over trailing sentences that fit in the overlap, but always move forward.
        k, carried = j, 0
        while k - 1 > i and carried + units[k - 1][2] <= overlap_tokens:
            k -= 1
            carried += units[k][2]
        i = k
    return chunks


def _fit(
    text: str, start: int, end: int, max_tokens: int, count: TokenCounter
) -> list[tuple[int, int, int]]:
    tokens = count(text[start:end])
    if tokens <= max_tokens:
        return [(start, end, tokens)]
    # An over-long "sentence" (a list, a table row run-on): cut between words.
    pieces: list[tuple[int, int, int]] = []
    piece_start = start
    words = text[start:end].split(" ")
    cursor = start
    for word in words:
        word_end = cursor + len(word)
        if count(text[piece_start:word_end]) > max_tokens and cursor > piece_start:
            piece_end = cursor - 1  # the space before this word
            pieces.append((piece_start, piece_end, count(text[piece_start:piece_end])))
            piece_start = cursor
        cursor = word_end + 1
    pieces.append((piece_start, end, count(text[piece_start:end])))
    return pieces


def encode_spans(spans: tuple[tuple[int, int], ...]) -> str:
    """Spans as a compact metadata string: "0:45,46:120"."""
    return ",".join(f"{a}:{b}" for a, b in spans)


def decode_spans(data: str) -> list[tuple[int, int]]:
    """Inverse of `encode_spans`."""
    out = []
    for item in data.split(","):
        if item:
            a, b = item.split(":")
            out.append((int(a), int(b)))
    return out
