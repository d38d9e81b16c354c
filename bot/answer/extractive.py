"""The default answerer: picks the sentences of the retrieved passages that answer the question.

No LLM and no network. A sentence scores on meaning (cosine to the question, with the same
embedding model as the index), on the question's words it contains, on holding the kind of thing
asked for (a name for "who", a date for "when", a number for "how many"...) and on its passage's
rank. It abstains when no sentence holds that kind of answer, when the question names something
no passage mentions, or when the best score is low.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import numpy as np

from bot.answer.citations import Used, build_citations, normalise_space
from bot.answer.conflicts import Finding, find_conflict
from bot.answer.text import (
    answer_type,
    content_terms,
    proper_terms,
    stem,
    type_match,
    words,
)
from bot.conversation import condense
from bot.models import Answer, Conflict, ConflictVersion, Turn
from index.api import Passage
from prompts import CANNOT_ANSWER

MAX_SENTENCES = 3
CONFLICT_RATIO = 0.85  # a disagreeing sentence must score within 15% of the best
MAX_CHARS = 600
STRONG_TYPES = {"duration", "money", "number", "date", "person", "place"}
_MONTHS = {
    stem(m)
    for m in [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
}


class PassageSource(Protocol):
    """What the answerer needs from the index side."""

    def search(
        self,
        question: str,
        *,
        k: int = 5,
        since: date | None = None,
        until: date | None = None,
        per_story: int = 2,
        novelty: float = 0.3,
    ) -> list[Passage]: ...


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


@dataclass(frozen=True)
class Thresholds:
    """Abstention knobs, calibrated on the seed QA and the SQuAD 2.0 sample (see README)."""

    min_score: float = 0.46  # bench/calibrate_abstention.py: the knee on SQuAD 2.0 (see README)
    follow_ratio: float = 0.9  # an extra sentence must score within 10% of the best


class ExtractiveAnswerer:
    """Answers with verbatim sentences from the articles, each cited."""

    def __init__(
        self, *, index: PassageSource, k: int = 12, thresholds: Thresholds | None = None
    ) -> None:
        self._index = index
        self._k = k
        self._thresholds = thresholds or Thresholds()

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        since: date | None = None,
        until: date | None = None,
    ) -> Answer:
        """Answer one question (a follow-up is first made standalone from `history`)."""
        standalone = condense(question, history)
        # Several copies per story, even near-identical ones: a copy may hold the better
        # sentence, or a different value (an altered wire copy). Citations stay one per story.
        passages = self._index.search(
            standalone,
            k=self._k,
            since=since,
            until=until,
            per_story=6,
            novelty=0.0,
        )
        rewritten = standalone if standalone != question else None
        if not passages:
            return _abstain(question, [], rewritten)
        ranked = self.rank_sentences(standalone, passages)
        chosen = self._choose(standalone, ranked, passages)
        if not chosen:
            return _abstain(question, ranked, rewritten)
        disagreement = self._disagreement(standalone, ranked, chosen[0])
        if disagreement is not None and disagreement[2].kind == "conflict":
            return _conflict_answer(question, rewritten, *disagreement)
        citations, numbers = build_citations([Used(s.passage, s.span, s.score) for s in chosen])
        text = " ".join(
            f"{normalise_space(s.text)} [{n}]" for s, n in zip(chosen, numbers, strict=True)
        )
        if disagreement is not None:  # one name, two spellings: say so instead of a conflict
            a, b = disagreement[2].versions
            text += f" ({a.value} is also spelled {b.value}.)"
        return Answer(
            question=question,
            answer=text,
            abstained=False,
            citations=citations,
            standalone_question=rewritten,
        )

    def _disagreement(
        self, question: str, ranked: list[Scored], best: Scored
    ) -> tuple[Scored, Scored, Finding] | None:
        """Two strong candidate sentences from different articles that give different values."""
        kind = answer_type(question)
        floor = best.score * CONFLICT_RATIO
        pool = [
            s
            for s in ranked[:12]
            if s.score >= floor and (s.typed >= 1.0 or kind not in STRONG_TYPES)
        ][:6]
        if best not in pool:
            pool.insert(0, best)
        outlets = frozenset(
            w for s in pool for w in (s.passage.outlet or "").replace("/", " ").split()
        )
        found = find_conflict(
            [s.text for s in pool],
            [s.passage.article_id for s in pool],
            [s.passage.story_id for s in pool],
            kind,
            outlets,
        )
        if found is None:
            return None
        i, j, finding = found
        return pool[i], pool[j], finding

    # ---- scoring ---------------------------------------------------------------------
    def rank_sentences(self, question: str, passages: Sequence[Passage]) -> list[Scored]:
        """The passages' sentences, best first.

        A sentence's meaning score is its cosine to the question, as the index computed it
        (`Passage.sentence_similarity`).
        """
        candidates: list[tuple[Passage, tuple[int, int], str]] = []
        known: list[float | None] = []  # meaning scores computed by the index
        seen: set[str] = set()
        for passage in passages:
            similarity = passage.sentence_similarity
            spans = passage.sentences or ((0, len(passage.text)),)
            for i, (a, b) in enumerate(spans):
                text = passage.text[a:b]
                key = normalise_space(text).lower()
                if key in seen or len(key) < 15:
                    continue
                seen.add(key)
                candidates.append((passage, (a, b), text))
                if i < len(similarity):
                    known.append(similarity[i])
                else:
                    known.append(None)
        if not candidates:
            return []
        kind = answer_type(question)
        stem_sets = [{stem(w) for w in words(c[2])} for c in candidates]
        weights = _term_weights(question, stem_sets)
        total = sum(weights.values()) or 1.0
        asked = set(weights)
        rank = {p.chunk_id: i for i, p in enumerate(passages)}
        parts = []
        for (passage, _, text), stems in zip(candidates, stem_sets, strict=True):
            coverage = sum(w for t, w in weights.items() if t in stems) / total
            novel = len(set(content_terms(text)) - asked)
            typed = type_match(kind, text, question)
            prior = 1.0 / (1 + rank[passage.chunk_id])
            penalty = 0.2 if novel < 2 else 0.0  # repeats the question, adds no answer
            parts.append((coverage, typed, prior, penalty))
        semantic = np.array(
            [k if k is not None else c[0].score for k, c in zip(known, candidates, strict=True)],
            dtype=np.float32,
        )
        scored = []
        for i, ((passage, span, text), sem) in enumerate(zip(candidates, semantic, strict=True)):
            coverage, typed, prior, penalty = parts[i]
            score = 0.4 * float(sem) + 0.4 * coverage + 0.15 * typed + 0.05 * prior - penalty
            scored.append(Scored(passage, span, text, score, float(sem), coverage, typed))
        scored.sort(key=lambda s: -s.score)
        return scored

    def _choose(
        self, question: str, ranked: list[Scored], passages: Sequence[Passage]
    ) -> list[Scored]:
        kind = answer_type(question)
        if not ranked or _names_missing(question, passages):
            return []
        pool = [s for s in ranked if s.typed >= 1.0] if kind in STRONG_TYPES else ranked
        if not pool or pool[0].score < self._thresholds.min_score:
            return []
        best = pool[0]
        chosen = [best]
        stories = {best.passage.story_id}
        length = len(best.text)
        for cand in pool[1:]:
            if (
                len(chosen) >= MAX_SENTENCES
                or cand.score < best.score * self._thresholds.follow_ratio
            ):
                break
            if cand.passage.story_id in stories or length + len(cand.text) > MAX_CHARS:
                continue
            chosen.append(cand)
            stories.add(cand.passage.story_id)
            length += len(cand.text)
        return chosen


def _conflict_answer(
    question: str, rewritten: str | None, a: Scored, b: Scored, finding: Finding
) -> Answer:
    """'Sources differ: X [1] vs Y [2].' followed by both sentences, each cited on its own."""
    used = [
        Used(a.passage, a.span, a.score, group=a.passage.article_id),
        Used(b.passage, b.span, b.score, group=b.passage.article_id),
    ]
    citations, (na, nb) = build_citations(used)
    va, vb = finding.versions
    text = (
        f"Sources differ: {va.value} [{na}] vs {vb.value} [{nb}]. "
        f"{normalise_space(a.text)} [{na}] {normalise_space(b.text)} [{nb}]"
    )
    return Answer(
        question=question,
        answer=text,
        abstained=False,
        citations=citations,
        conflicts=[
            Conflict(
                about=question,
                versions=[
                    ConflictVersion(value=va.value, n=na),
                    ConflictVersion(value=vb.value, n=nb),
                ],
            )
        ],
        standalone_question=rewritten,
    )


def _term_weights(question: str, stem_sets: list[set[str]]) -> dict[str, float]:
    """Question terms weighted by rarity among the candidate sentences; names count double."""
    n = len(stem_sets)
    weights = {}
    names = set(proper_terms(question)) - _MONTHS
    for term in content_terms(question):
        df = sum(1 for stems in stem_sets if term in stems)
        weights[term] = (2.0 if term in names else 1.0) * math.log(1 + n / (1 + df))
    return weights


def _names_missing(question: str, passages: Sequence[Passage]) -> bool:
    """Does the question name something (a person, country, event) no passage mentions?"""
    present = {stem(w) for p in passages for w in words(p.text + " " + p.title)}
    names = [t for t in proper_terms(question) if t not in _MONTHS]
    return any(t not in present for t in names)


def _abstain(question: str, ranked: list[Scored], rewritten: str | None) -> Answer:
    related_used = []
    stories: set[str] = set()
    for s in ranked:
        if s.passage.story_id not in stories:
            stories.add(s.passage.story_id)
            related_used.append(Used(s.passage, s.span, s.score))
        if len(related_used) == 2:
            break
    related, _ = build_citations(related_used)
    return Answer(
        question=question,
        answer=f"{CANNOT_ANSWER} — no passage in the indexed articles answers this.",
        abstained=True,
        citations=[],
        related=related,
        standalone_question=rewritten,
    )
