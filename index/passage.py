"""A retrieved passage: the one form in which the index hands article text to its callers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    """One retrieved chunk with what is needed to cite it and to score its sentences."""

    chunk_id: str
    text: str
    article_id: str
    story_id: str
    source: str
    title: str
    outlet: str | None
    published: str | None
    start: int
    end: int
    score: float  # cosine similarity to the question
    fused: float  # reciprocal-rank-fusion score (the ranking key)
    sentences: tuple[tuple[int, int], ...] = ()  # spans inside `text`
    also_reported_by: tuple[str, ...] = ()
    lexical: float = 0.0
    # Cosine of each sentence (same order as `sentences`) to the question.
    sentence_similarity: tuple[float, ...] = ()

    def sentence_texts(self) -> list[str]:
        """The passage's sentences, verbatim."""
        return [self.text[a:b] for a, b in self.sentences] or [self.text]
