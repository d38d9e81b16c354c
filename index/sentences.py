"""Sentence boundaries as character spans, so chunks and quotes stay verbatim slices of the text."""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import types
from functools import lru_cache
from typing import Any

from index.offline import nltk_data_dir

_BLOCK = re.compile(r"[^\n]+")  # a line: paragraphs never share a sentence


@lru_cache(maxsize=1)
def _punkt() -> Any:
    """NLTK's Punkt sentence splitter for English, loaded without importing all of NLTK.

    `nltk/__init__.py` imports the whole library (parsers, corpora, WordNet, and scipy.stats
    through its collocation metrics when scipy is installed): 2.1 s of a `newsbot ingest` on the
    bench machine, against 0.3 s for the few modules Punkt needs. So the package is entered
    through a bare module while the splitter is built, and every NLTK module loaded meanwhile is
    then dropped from `sys.modules`: the splitter keeps them alive, and a later `import nltk`
    (by anyone) loads the real package from scratch.
    """
    if "nltk" in sys.modules:  # already imported: nothing to save
        return _build_punkt()
    spec = importlib.util.find_spec("nltk")
    if spec is None or spec.submodule_search_locations is None:
        raise ImportError("nltk is not installed")
    before = set(sys.modules)
    bare = types.ModuleType("nltk")
    bare.__path__ = list(spec.submodule_search_locations)
    bare.__spec__ = spec
    sys.modules["nltk"] = bare
    try:
        return _build_punkt()
    finally:
        for name in set(sys.modules) - before:
            if name == "nltk" or name.startswith("nltk."):
                del sys.modules[name]


def _build_punkt() -> Any:
    # NLTK's Punkt model ships inside llama-index-core, so no download is needed offline.
    data = importlib.import_module("nltk.data")
    importlib.import_module("nltk.pathsec")  # imported lazily by `nltk.data.find`
    data_dir = nltk_data_dir()
    if data_dir and data_dir not in data.path:
        data.path.append(data_dir)
    return importlib.import_module("nltk.tokenize.punkt").PunktTokenizer("english")


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
