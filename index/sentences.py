"""Sentence boundaries as character spans, so chunks and quotes stay verbatim slices of the text."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from index.offline import nltk_data_dir

_BLOCK = re.compile(r"[^\n]+")  # a line: paragraphs never share a sentence


@lru_cache(maxsize=1)
def _punkt() -> Any:
    # NLTK's Punkt model ships inside llama-index-core, so no download is needed offline.
    import nltk

    data_dir = nltk_data_dir()
    if data_dir and data_dir not in nltk.data.path:
        nltk.data.path.append(data_dir)
    from nltk.tokenize.punkt import PunktTokenizer

    return PunktTokenizer("english")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of each sentence; a line break always ends a sentence.

    >>> sentence_spans("One. Two.\\nThree")
    [(0, 4), (5, 9), (10, 15)]
    """
    spans: list[tuple[int, int]] = []
    tokenizer = _punkt()
    for line in _BLOCK.finditer(text):
        base = line.start()
        for start, end in tokenizer.span_tokenize(line.group()):
            if text[base + start : base + end].strip():
                spans.append((base + start, base + end))
    return spans
