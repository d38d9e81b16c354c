"""Sentence scoring: every sentence of the retrieved passages against the question, no LLM.

A sentence scores on meaning (cosine of its vector, stored at ingest, to the question), on the
question's words it holds (weighted by rarity among the candidates, names double, case-folded),
on holding the kind of answer asked for and on its passage's rank; a sentence that only repeats
the question is pushed down.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.answer.citations import normalise_space
from bot.answer.question import Question
from bot.answer.text import content_terms, stem, type_match, words
from index.api import Passage

# Weights of the ranking score (meaning, words, answer type, passage rank) and the repeat penalty.
W_SEMANTIC, W_COVERAGE, W_TYPED, W_PRIOR = 0.4, 0.4, 0.15, 0.05
REPEAT_PENALTY = 0.2
NEIGHBOUR_WEIGHT = 0.5  # a neighbour sentence's words count half ("... she said." after a quote)


@dataclass(frozen=True)
class Scored:
    """A candidate sentence with its score parts."""

    passage: Passage
    span: tuple[int, int]
    text: str
    score: float
    semantic: float
    coverage: float
    typed: float
    context_coverage: float = 0.0
    novel: int = 0


@dataclass(frozen=True)
class Candidate:
    """One sentence before scoring: where it sits, its neighbours, its stored meaning score."""

    passage: Passage
    index: int  # position among the passage's sentences
    span: tuple[int, int]
    text: str
    stems: frozenset[str]
    context: frozenset[str]  # stems of the neighbouring sentences of the same passage
    semantic: float | None


def candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """The passages' distinct sentences (of 15+ characters), with their neighbours and their
    cosines to the question (computed by the index)."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for passage in passages:
        title = normalise_space(passage.title).lower()
        similarity = passage.sentence_similarity
        spans = passage.sentences or ((0, len(passage.text)),)
        stem_sets = [frozenset(stem(w) for w in words(passage.text[a:b])) for a, b in spans]
        for i, (a, b) in enumerate(spans):
            text = passage.text[a:b]
            key = normalise_space(text).lower()
            if key in seen or len(key) < 15 or key == title:  # a title alone is never an answer
                continue
            seen.add(key)
            around = frozenset().union(*stem_sets[max(0, i - 1) : i], *stem_sets[i + 1 : i + 2])
            known = similarity[i] if i < len(similarity) else None
            out.append(Candidate(passage, i, (a, b), text, stem_sets[i], around, known))
    return out


def with_neighbours(scored: Scored) -> str:
    """The sentence with the sentences before and after it in its passage."""
    spans = scored.passage.sentences
    if scored.span not in spans:
        return scored.text
    i = spans.index(scored.span)
    a, b = spans[max(0, i - 1)][0], spans[min(len(spans) - 1, i + 1)][1]
    return scored.passage.text[a:b]


def term_weights(question: Question, stem_sets: Sequence[frozenset[str]]) -> dict[str, float]:
    """Question terms weighted by rarity among the candidate sentences; names count double."""
    n = len(stem_sets)
    weights = {}
    for term in question.terms:
        df = sum(1 for stems in stem_sets if term in stems)
        weights[term] = (2.0 if term in question.names else 1.0) * math.log(1 + n / (1 + df))
    return weights


def coverage(weights: dict[str, float], stems: frozenset[str]) -> float:
    """Weighted share of the question's terms found in `stems`."""
    total = sum(weights.values()) or 1.0
    return sum(w for t, w in weights.items() if t in stems) / total


def rank(
    question: Question,
    cands: Sequence[Candidate],
    passages: Sequence[Passage],
    weights: dict[str, float],
) -> list[Scored]:
    """Score and sort the candidates, best first (a sentence the index gave no cosine keeps its
    passage's); `weights`: `term_weights` over these candidates."""
    if not cands:
        return []
    asked = set(weights)
    order = {p.chunk_id: i for i, p in enumerate(passages)}
    parts = []
    for c in cands:
        cov = coverage(weights, c.stems)
        ctx = coverage(weights, c.stems | c.context)
        ctx = cov + NEIGHBOUR_WEIGHT * (ctx - cov)
        novel = len(set(content_terms(c.text)) - asked)
        typed = type_match(question.expects, c.text, question.text)
        prior = 1.0 / (1 + order[c.passage.chunk_id])
        penalty = REPEAT_PENALTY if novel < 2 else 0.0
        parts.append((cov, ctx, typed, prior, penalty, novel))
    semantic = np.array(
        [c.semantic if c.semantic is not None else c.passage.score for c in cands], np.float32
    )
    scored = []
    for c, sem, (cov, ctx, typed, prior, penalty, novel) in zip(
        cands, semantic, parts, strict=True
    ):
        score = _combine(float(sem), ctx, typed, prior, penalty)
        scored.append(Scored(c.passage, c.span, c.text, score, float(sem), cov, typed, ctx, novel))
    scored.sort(key=lambda s: -s.score)
    return scored


def _combine(semantic: float, ctx: float, typed: float, prior: float, penalty: float) -> float:
    return W_SEMANTIC * semantic + W_COVERAGE * ctx + W_TYPED * typed + W_PRIOR * prior - penalty
