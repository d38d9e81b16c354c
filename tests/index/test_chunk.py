import itertools
import os
import subprocess
import sys
from pathlib import Path

from index.chunk import chunk_text, tiktoken_counter
from index.sentences import sentence_spans

ARTICLE = (
    "Talks open in Geneva\n\n"
    "Delegates from both countries met on Monday. The first session lasted four hours.\n"
    "Officials said the agenda covered trade. They did not mention tariffs.\n\n"
    + " ".join(f"Sentence number {i} adds one more fact about the meeting." for i in range(40))
)


def test_sentences_never_cross_a_line_break():
    text = "Headline without a stop\nFirst sentence. Second one."
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "Headline without a stop",
        "First sentence.",
        "Second one.",
    ]


def test_chunks_are_verbatim_slices_within_the_token_budget():
    count = tiktoken_counter()
    chunks = chunk_text(ARTICLE, max_tokens=60, overlap_tokens=15)
    assert len(chunks) > 3
    for chunk in chunks:
        assert ARTICLE[chunk.start : chunk.end] == chunk.text
        assert count(chunk.text) <= 60
        assert chunk.tokens == count(chunk.text)


def test_chunks_cover_every_sentence_and_overlap_neighbours():
    chunks = chunk_text(ARTICLE, max_tokens=60, overlap_tokens=15)
    for start, end in sentence_spans(ARTICLE):
        assert any(c.start <= start and end <= c.end for c in chunks), ARTICLE[start:end]
    overlaps = [a.end > b.start for a, b in itertools.pairwise(chunks)]
    assert any(overlaps)
    assert all(b.start > a.start for a, b in itertools.pairwise(chunks))


def test_an_overlong_sentence_is_cut_between_words():
    text = " ".join(["word"] * 500)
    chunks = chunk_text(text, max_tokens=50, overlap_tokens=0)
    assert len(chunks) >= 9
    assert all(c.tokens <= 50 for c in chunks)
    assert " ".join(c.text for c in chunks) == text


def test_chunks_carry_their_sentence_spans():
    from index.chunk import decode_spans, encode_spans

    for chunk in chunk_text(ARTICLE, max_tokens=60, overlap_tokens=15):
        spans = decode_spans(encode_spans(chunk.sentences))
        assert spans and spans[0][0] == 0 and spans[-1][1] == len(chunk.text)
        pieces = [chunk.text[a:b] for a, b in spans]
        assert all(p.strip() == p and p for p in pieces)


def test_the_sentence_splitter_loads_without_all_of_nltk():
    """`import nltk` runs NLTK's whole `__init__` (and scipy.stats when installed): ~2 s of an
    ingest for a splitter that needs a few modules. A later `import nltk` still gets it all."""
    script = (
        "import sys\n"
        "from index.sentences import sentence_spans\n"
        "assert sentence_spans('Mr. Smith left. He waved.') == [(0, 15), (16, 25)]\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('nltk', 'scipy')]\n"
        "import nltk\n"
        "assert nltk.TreebankWordTokenizer().tokenize('Hi, you.') == ['Hi', ',', 'you', '.']\n"
        "assert sentence_spans('One. Two.') == [(0, 4), (5, 9)]\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
