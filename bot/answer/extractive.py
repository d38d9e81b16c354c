"""The default answerer: the short answer and the verbatim sentences it rests on, or an abstention.

No LLM and no network. Sentences of the retrieved passages are ranked (`bot.answer.scoring`);
for a question that asks for a name, date, number or place, the candidate spans of the best
sentences vote (`bot.answer.spans`) and the winner becomes the short answer, cited with the best
sentence that holds it. Whether to answer at all is a calibrated decision over a dozen signals
(`bot.answer.calibration`), fitted on outside development data, not a single threshold.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date

import numpy as np

from bot.answer import qualifiers, scoring
from bot.answer.analysis import Analysis, PassageSource
from bot.answer.calibration import Calibration, default_calibration
from bot.answer.citations import Used, build_citations, normalise_space
from bot.answer.conflicts import Finding, find_conflict
from bot.answer.forms import Form, FormRequest, default_forms
from bot.answer.kinds import question_kind
from bot.answer.question import Question
from bot.answer.scoring import Scored
from bot.answer.spans import Span, description, phrase, vote
from bot.answer.text import stem, words
from bot.conversation import condense
from bot.models import Answer, Conflict, ConflictVersion, Turn
from prompts import ABSTENTION, CANNOT_ANSWER

MAX_SENTENCES = 3
MAX_CHARS = 700
VOTERS = 8  # sentences whose candidate spans vote on the short answer
VOTE_FLOOR = 0.6  # a voter scores at least 60% of the best sentence
FOLLOW_RATIO = 0.8  # an extra sentence scores at least 80% of the lead
CONFLICT_RATIO = 0.85  # a disagreeing sentence must score within 15% of the best
_MONTH_NAMES = {str(i): stem(m) for i, m in enumerate(calendar.month_name) if m}
# A sentence that opens by pointing back at the one before ("They estimated", "It had").
_POINTS_BACK = re.compile(
    r"\s*[\"“‘']?(?:it|its|this|these|that|those|they|their|them|he|his|she|her|such|"
    r"the result|the same|both|other|another|also|but|however|instead|thus|therefore)\b",
    re.IGNORECASE,
)
TYPED = frozenset({"person", "org", "date", "number", "money", "duration", "place"})


class ExtractiveAnswerer:
    """Answers with verbatim sentences from the articles, each cited."""

    def __init__(
        self,
        *,
        index: PassageSource,
        k: int = 12,
        calibration: Calibration | None = None,
        forms: Mapping[str, Form] | None = None,
    ) -> None:
        self._index = index
        self._k = k
        self._calibration = calibration or default_calibration()
        # Question kinds answered in a form of their own (timeline, speakers, side by side);
        # every other kind, and a form that finds nothing to say, takes the factoid path.
        self._forms = default_forms(index, self.analyse) if forms is None else forms

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        since: date | None = None,
        until: date | None = None,
    ) -> Answer:
        """Answer one question (a follow-up is first made standalone from `history`)."""
        return self.explain(question, history=history, since=since, until=until)[0]

    def explain(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        since: date | None = None,
        until: date | None = None,
    ) -> tuple[Answer, Analysis | None]:
        """The answer and the analysis behind it (None for a question that cannot be searched);
        the benches read the calibration signals from it."""
        standalone = condense(question, history)
        rewritten = standalone if standalone != question else None
        problem = Question(standalone).problem()
        if problem is not None:
            return Answer(
                question=question,
                answer=f"{CANNOT_ANSWER} — {problem}.",
                abstained=True,
                standalone_question=rewritten,
            ), None
        found = self.analyse(standalone, since=since, until=until)
        kind = question_kind(standalone)
        form = self._forms.get(kind)
        if form is not None:
            request = FormRequest(question, standalone, rewritten, kind, found, since, until)
            shaped = form.compose(request)
            if shaped is not None:
                return shaped, found
        if found.lead is None or found.reason:
            return _abstain(question, found, rewritten), found
        disagreement = self._disagreement(found)
        if disagreement is not None and disagreement[2].kind == "conflict":
            return _conflict_answer(question, rewritten, found, *disagreement), found
        return _compose(question, rewritten, found, disagreement), found

    # ---- analysis --------------------------------------------------------------------
    def analyse(
        self, question: str, *, since: date | None = None, until: date | None = None
    ) -> Analysis:
        """Retrieve, rank, pick the short answer and decide whether to give it."""
        q = Question(question)
        found = Analysis(q)
        # Several copies per story, even near-identical ones: a copy may hold the better
        # sentence, or a different value (an altered wire copy). Citations stay one per story.
        found.passages = self._index.search(
            q.text,
            k=self._k,
            since=since,
            until=until,
            per_story=6,
            novelty=0.0,
        )
        cands = scoring.candidates(found.passages)
        found.weights = scoring.term_weights(q, [c.stems for c in cands])
        found.ranked = scoring.rank(q, cands, found.passages, found.weights)
        if not found.ranked:
            found.reason = "no passage"
            return found
        self._pick(found)
        if found.lead is None:
            return found
        found.signals = _signals(found)
        found.probability = self._calibration.probability(found.signals)
        if not self._calibration.answers(found.signals):
            found.reason = "calibrated abstention"
        return found

    def _pick(self, found: Analysis) -> None:
        """The lead sentence and its short answer."""
        q, ranked = found.question, found.ranked
        best = ranked[0]
        # "who is X?" about a person the articles name: the answer is what they are (a title,
        # an appositive), and those descriptions vote instead of other people's names.
        subject = q.who_is if q.expects == "person" else None
        if subject is not None and not q.subject_named_in([s.text for s in ranked[:VOTERS]]):
            subject = None
        if q.expects in TYPED:
            voters = [s for s in ranked[:VOTERS] if s.score >= best.score * VOTE_FLOOR]
            found.votes = vote(
                q.expects,
                [s.text for s in voters],
                [s.score for s in voters],
                [s.passage.story_id for s in voters],
                q.asked,
                found.weights,
                q.qualifiers,
                find=None if subject is None else _describing(subject),
            )
            if found.votes:
                top = found.votes[0]
                found.lead, found.short = voters[top.sentence], top.span
                return
            if subject is None:  # asked for a name/date/number and no good sentence holds one
                found.lead = best
                found.reason = f"no {q.expects} in the best sentences"
                return
        found.lead = best
        found.short = phrase(best.text, q.asked)

    def _disagreement(self, found: Analysis) -> tuple[Scored, Scored, Finding] | None:
        """Two strong candidate sentences from different articles that give different values."""
        assert found.lead is not None
        kind = found.question.expects
        best = found.lead
        floor = best.score * CONFLICT_RATIO
        pool = [
            s
            for s in found.ranked[:12]
            if s.score >= floor and (s.typed >= 1.0 or kind not in TYPED)
        ][:6]
        if best not in pool:
            pool.insert(0, best)
        outlets = frozenset(
            w for s in pool for w in (s.passage.outlet or "").replace("/", " ").split()
        )
        found_conflict = find_conflict(
            [s.text for s in pool],
            [s.passage.article_id for s in pool],
            [s.passage.story_id for s in pool],
            kind,
            outlets,
        )
        if found_conflict is None:
            return None
        i, j, finding = found_conflict
        return pool[i], pool[j], finding


def _describing(name: str) -> Callable[[str], list[Span]]:
    """Candidate spans for 'who is NAME?': what a sentence says NAME is."""

    def find(sentence: str) -> list[Span]:
        span = description(sentence, name)
        return [] if span is None else [span]

    return find


def _signals(found: Analysis) -> dict[str, float]:
    """The calibration's inputs for the chosen lead sentence (see calibration.FEATURES)."""
    q, lead, ranked = found.question, found.lead, found.ranked
    assert lead is not None
    weights = found.weights
    pool_stems: set[str] = set()
    for p in found.passages[:3]:
        pool_stems.update(stem(w) for w in words(p.text + " " + p.title))
    # Names may sit in a passage's text, title or outlet ("according to The Verge").
    present = {
        stem(w) for p in found.passages for w in words(f"{p.text} {p.title} {p.outlet or ''}")
    }
    for p in found.passages:  # "what did they say in February": the article's own date counts
        for family in qualifiers.dated(p.published).values():
            present.update(_MONTH_NAMES.get(v, v) for v in family)
    names = list(q.names)
    missing = sum(1 for n in names if n not in present) / len(names) if names else 0.0
    missing_terms = 1.0 - scoring.coverage(weights, frozenset(present))
    common = [t for t in weights if t not in q.names]  # names have their own signal
    key = max(common, key=lambda t: weights[t]) if common else None
    top = found.votes[0] if found.votes else None
    total = sum(v.support for v in found.votes[:5]) or 1.0
    runner_up = next((s.score for s in ranked if s is not lead), 0.0)
    typed = 0.5 if q.expects not in TYPED else (1.0 if found.short is not None else 0.0)
    return {
        "semantic": lead.semantic,
        "passage": lead.passage.score,
        "lift": lead.semantic - float(np.median([p.score for p in found.passages])),
        "coverage": lead.coverage,
        "context_coverage": lead.context_coverage,
        "pool_coverage": scoring.coverage(weights, frozenset(pool_stems)),
        "typed": typed,
        "support": (top.support / total) if top else 0.0,
        "span_context": top.local if top else 0.0,
        "stories": math.log1p(top.stories) if top else 0.0,
        "margin": lead.score - runner_up,
        "missing_names": missing,
        "missing_terms": missing_terms,
        "missing_key": 1.0 if key is not None and key not in present else 0.0,
        "novel": min(lead.novel, 6) / 6,
        **_local_signals(found),
    }


def _local_signals(found: Analysis) -> dict[str, float]:
    """What the lead sentence and its neighbours lack: the question's years, months and numbers
    (the article's date counts); another qualifier (initial for second, former for new)
    labelling the answer; a negation the question puts on words the sentence states plainly."""
    q, lead = found.question, found.lead
    assert lead is not None
    around = scoring.with_neighbours(lead)
    held = qualifiers.merge(qualifiers.qualifiers(around), qualifiers.dated(lead.passage.published))
    if found.votes and q.expects in TYPED:
        conflict = found.votes[0].conflict
    else:
        conflict = qualifiers.conflicts(q.qualifiers, qualifiers.qualifiers(lead.text))
    return {
        "missing_qualifier": qualifiers.missing(q.qualifiers, held),
        "qualifier_conflict": 1.0 if conflict else 0.0,
        # In a yes/no question the negation is the claim to check ("does it say X is not Y?"),
        # and a sentence saying "X is Y" answers it.
        "negation": float(q.expects != "yesno" and qualifiers.negated_away(q.text, around)),
    }


def _compose(
    question: str,
    rewritten: str | None,
    found: Analysis,
    spelling: tuple[Scored, Scored, Finding] | None,
) -> Answer:
    """'SHORT [1]: lead sentence. Another sentence [2]' with one citation per story."""
    lead, short = found.lead, found.short
    assert lead is not None
    chosen = [lead, *_followers(found)]
    span = _continued(found)
    used = [Used(lead.passage, span, lead.score)]
    used += [Used(s.passage, s.span, s.score) for s in chosen[1:]]
    citations, numbers = build_citations(used)
    lead_text = normalise_space(lead.passage.text[span[0] : span[1]])
    short_text = normalise_space(short.text) if short is not None else lead_text
    parts = [f"{short_text} [{numbers[0]}]: {lead_text}"]
    parts += [
        f"{normalise_space(s.text)} [{n}]" for s, n in zip(chosen[1:], numbers[1:], strict=True)
    ]
    text = " ".join(parts)
    if spelling is not None:  # one name, two spellings: say so instead of a conflict
        a, b = spelling[2].versions
        text += f" ({a.value} is also spelled {b.value}.)"
    return Answer(
        question=question,
        answer=text,
        abstained=False,
        short_answer=short_text,
        kind=question_kind(question),
        confidence=round(found.probability, 3),
        citations=citations,
        standalone_question=rewritten,
    )


def _continued(found: Analysis) -> tuple[int, int]:
    """The lead sentence's span, widened to a neighbour of its passage that holds question words
    the lead lacks: the sentence before when the lead opens by pointing back at it ("They
    estimated ...", "It had eased ..."), the sentence after when the question asks for no name,
    date or number ("... a low wage." + "This is because competition between workers drives
    down the wage." for "what drives down wages?"): the answer often sits next door."""
    lead = found.lead
    assert lead is not None
    spans = lead.passage.sentences
    if lead.span not in spans:
        return lead.span
    i = spans.index(lead.span)
    start, end = lead.span
    held = {stem(w) for w in words(lead.text)}
    budget = MAX_CHARS // 2 - len(lead.text)

    def adds(span: tuple[int, int]) -> bool:
        text = lead.passage.text[span[0] : span[1]]
        new = {stem(w) for w in words(text)} - held
        return len(text) <= budget and any(t in new for t, w in found.weights.items() if w > 0)

    if i > 0 and _POINTS_BACK.match(lead.text) and adds(spans[i - 1]):
        start = spans[i - 1][0]
        budget -= spans[i][0] - start
    if found.question.expects not in TYPED and i + 1 < len(spans) and adds(spans[i + 1]):
        end = spans[i + 1][1]
    return start, end


def _followers(found: Analysis) -> list[Scored]:
    """Up to two more sentences from other stories: ones that agree on the short answer, or
    that hold question words the lead lacks (the other half of a multi-part question)."""
    lead = found.lead
    assert lead is not None
    key = found.short.key if found.short is not None and found.question.expects in TYPED else None
    covered = {stem(w) for w in words(lead.text)}
    stories = {lead.passage.story_id}
    length = len(lead.text)
    out: list[Scored] = []
    for cand in found.ranked:
        if len(out) >= MAX_SENTENCES - 1 or cand.score < lead.score * FOLLOW_RATIO:
            break
        if cand is lead or cand.passage.story_id in stories or length + len(cand.text) > MAX_CHARS:
            continue
        stems = {stem(w) for w in words(cand.text)}
        agrees = key is not None and key in " ".join(stem(w) for w in words(cand.text))
        adds = bool((set(found.question.terms) & stems) - covered)
        if not (agrees or adds or key is None):
            continue
        out.append(cand)
        stories.add(cand.passage.story_id)
        covered |= stems
        length += len(cand.text)
    return out


def _conflict_answer(
    question: str, rewritten: str | None, found: Analysis, a: Scored, b: Scored, finding: Finding
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
        short_answer=va.value,
        kind=question_kind(question),
        confidence=round(found.probability, 3),
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


def _abstain(question: str, found: Analysis, rewritten: str | None) -> Answer:
    """The articles don't say; the closest passages are offered as related reading."""
    related_used = []
    stories: set[str] = set()
    for s in found.ranked:
        if s.passage.story_id not in stories:
            stories.add(s.passage.story_id)
            related_used.append(Used(s.passage, s.span, s.score))
        if len(related_used) == 2:
            break
    related, _ = build_citations(related_used)
    return Answer(
        question=question,
        answer=ABSTENTION,
        abstained=True,
        kind=question_kind(question),
        confidence=round(found.probability, 3),
        citations=[],
        related=related,
        standalone_question=rewritten,
    )
