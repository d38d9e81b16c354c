"""Who said what: the speaker and their words, one line per statement, each cited.

"What did X say (about Y)?" keeps the statements whose speaker is X (the surname, or a role
such as "the spokeswoman", must be in the speaker phrase; X's other names in the passage), best
on Y first; the short answer is the words. "Who said Z?" finds the statement that holds Z and
names its speaker in the short answer. A speaker the articles never mention is an abstention;
a question of the kind that names no speaker ("according to X, how many ...") is left to the
factoid path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.answer.analysis import Analysis, PassageSource
from bot.answer.citations import normalise_space
from bot.answer.forms.attribution import SPEAKER_WORDS, Speech, full_name, speeches
from bot.answer.forms.base import FormRequest
from bot.answer.forms.evidence import (
    Pick,
    abstention,
    calibrated,
    dated,
    near_copy,
    shaped_answer,
    stems_of,
    story_dates,
)
from bot.answer.scoring import Scored, coverage
from bot.answer.text import content_terms, stem
from bot.models import Answer
from index.api import Passage

MAX_LINES = 3
LINE_RATIO = 0.5  # another statement of the speaker is at least half as relevant
TOPIC_FLOOR = 0.5  # share of the topic's words a statement (with its neighbours) must hold
WHO_FLOOR = 0.6  # share of the quoted words a statement must hold to be "it"
_SAY = (
    r"say|said|saying|tell|told|claim|claimed|argue|argued|think|add|added|comment|commented|"
    r"warn|warned|write|wrote|mean|call|called|predict|predicted|reply|replied|forecast|"
    r"describe|described|react|respond|sum up|characteri[sz]e|make of|announce|suggest|note|"
    r"insist|insisted|admit|admitted"
)
_WHAT = re.compile(
    rf"\b(?:what|how)\s+(?:did|does|do|has|have|had|is|was|were|would)\s+(.+?)\s+(?:{_SAY})\b(.*)",
    re.IGNORECASE,
)
_WHO = re.compile(
    rf"\b(?:who|which\s+[\w\s'’.-]{{2,40}}?)\s+(?:{_SAY}|says|comments)\b(.*)", re.IGNORECASE
)
_SPEECH_WORDS = frozenset(stem(w) for w in re.split(r"\W+", _SAY) if w)
_ROLE_STEMS = frozenset(stem(w) for w in SPEAKER_WORDS)
_QUOTED = re.compile(r"[“\"]([^“”\"]{12,}?)[”\"]")


@dataclass(frozen=True)
class Asked:
    """What a speech question asks: whose words (or who said them), and about what."""

    mode: str  # "said" (what did X say) or "who" (who said Z)
    speaker: list[str]  # stems naming the speaker (mode "said")
    topic: list[str]  # stems of what the words are about / the words themselves


def parse(question: str) -> Asked | None:
    """The speaker and topic of a speech question, or None when it names neither.

    >>> parse("what did kirchner say about the debt swap").speaker
    ['kirchner']
    """
    text = question.replace("’", "'")
    who = _WHO.search(text)
    if who is not None and re.match(r"(?i)who|which", who.group(0)):
        return Asked("who", [], _terms(who.group(1)))
    what = _WHAT.search(text)
    if what is None:
        return None
    speaker = [t for t in content_terms(what.group(1)) if t not in {"he", "she", "they"}]
    if not speaker:
        return None
    rest = text[: what.start()] + " " + what.group(2)
    return Asked("said", speaker, [t for t in _terms(rest) if t not in speaker])


def _terms(text: str) -> list[str]:
    return [t for t in content_terms(text) if t not in _SPEECH_WORDS]


class SpeechForm:
    """Answers "what did X say" and "who said Z" with speakers and their words."""

    def __init__(self, index: PassageSource) -> None:
        del index  # the factoid search already brings the passages with the statements

    def compose(self, request: FormRequest) -> Answer | None:
        """Statements of the named speaker, or the speaker of the quoted words; None when the
        question names neither (the factoid path answers it)."""
        asked = parse(request.standalone)
        found = request.found
        if asked is None or not found.ranked:
            return None
        said = _statements(found)
        if asked.mode == "who":
            return self._who(request, asked, said)
        return self._said(request, asked, said)

    def _said(
        self, request: FormRequest, asked: Asked, said: Sequence[tuple[Speech, Scored]]
    ) -> Answer | None:
        found = request.found
        names = [t for t in asked.speaker if t not in _ROLE_STEMS]
        matches = [(sp, s) for sp, s in said if _is_speaker(asked.speaker, names, sp)]
        if not matches:
            if not _mentioned(found, asked.speaker):
                return abstention(request, found)  # a speaker the articles never mention
            return None
        weights = {t: found.weights.get(t, 1.0) for t in asked.topic}
        relevance = [_relevance(weights, sp, s) for sp, s in matches]
        order = sorted(range(len(matches)), key=lambda i: (-relevance[i], -matches[i][1].score))
        best = order[0]
        if not (calibrated(found) or not weights or relevance[best] >= TOPIC_FLOOR):
            return None
        chosen = [matches[best]]
        for i in order[1:]:
            if len(chosen) >= MAX_LINES:
                break
            if relevance[i] < relevance[best] * LINE_RATIO:
                continue
            if not _overlaps(matches[i][0], [sp for sp, _ in chosen]):
                chosen.append(matches[i])
        picks = _picks(found, chosen)
        lead = picks[0]
        short = _words(lead.text)
        return shaped_answer(request, f"{short} [{{n}}]", short, lead, picks, found.probability)

    def _who(
        self, request: FormRequest, asked: Asked, said: Sequence[tuple[Speech, Scored]]
    ) -> Answer | None:
        found = request.found
        weights = {t: found.weights.get(t, 1.0) for t in asked.topic}
        if not weights:
            return None
        held = [(sp, s) for sp, s in said if coverage(weights, stems_of(s.text)) >= WHO_FLOOR]
        if not held:
            return None
        held.sort(key=lambda x: (-coverage(weights, stems_of(x[1].text)), -x[1].score))
        chosen = [held[0]]
        for sp, s in held[1:]:
            if len(chosen) < 2 and not _overlaps(sp, [c for c, _ in chosen]):
                chosen.append((sp, s))
        picks = _picks(found, chosen)
        name = chosen[0][0].name
        lead = picks[0]
        longer = full_name(lead.passage, name, lead.span[0])
        if longer is not None and _sentences_between(lead.passage, longer[1], lead.span[0]) <= 2:
            # Cite from the sentence that gives the speaker's whole name.
            name = longer[0]
            start = _sentence_start(lead.passage, longer[1])
            picks[0] = replace(lead, span=(start, lead.span[1]), label=name)
        return shaped_answer(request, f"{name} [{{n}}]", name, picks[0], picks, found.probability)


def _statements(found: Analysis) -> list[tuple[Speech, Scored]]:
    """Every statement in the retrieved passages, with the score of its sentence."""
    scores = {normalise_space(s.text).lower(): s for s in found.ranked}
    out: list[tuple[Speech, Scored]] = []
    seen: set[tuple[str, int]] = set()
    for p in found.passages:
        spans = p.sentences or ((0, len(p.text)),)
        for sp in speeches(p):
            key = (p.article_id, p.start + sp.span[0])
            held = [
                scores.get(normalise_space(p.text[a:b]).lower())
                for a, b in spans[sp.first : sp.index + 1]
            ]
            best = max((s for s in held if s is not None), key=lambda s: s.score, default=None)
            if best is None or key in seen:
                continue
            seen.add(key)
            out.append((sp, best))
    return out


def _mentioned(found: Analysis, speaker: list[str]) -> bool:
    """Does one retrieved passage (with its title) name the speaker, every word of it?"""
    for p in found.passages:
        words_of = stems_of(f"{p.title} {p.text}")
        if all(_holds(words_of, t) for t in speaker):
            return True
    return False


def _is_speaker(speaker: list[str], names: list[str], said: Speech) -> bool:
    """The surname (last name word) is in the speaker phrase and the other words naming the
    speaker are in its passage; a speaker given only by roles ("the spokeswoman") must have
    them all in the phrase."""
    if names:
        if not _holds(said.stems, names[-1]):
            return False
        context = said.stems | stems_of(said.passage.text)
        return all(_holds(context, t) for t in speaker)
    return all(_holds(said.stems, r) for r in speaker)


def _holds(stems: frozenset[str], term: str) -> bool:
    """`term` or a longer or shorter form of it ("russia" / "russian") is among `stems`."""
    if term in stems:
        return True
    if len(term) < 4:
        return False
    return any(len(s) >= 4 and (s.startswith(term) or term.startswith(s)) for s in stems)


def _relevance(weights: dict[str, float], said: Speech, scored: Scored) -> float:
    if not weights:
        return scored.score
    a, b = said.span
    return coverage(weights, stems_of(said.passage.text[a:b])) + 0.1 * scored.score


def _overlaps(said: Speech, chosen: list[Speech]) -> bool:
    a, b = said.span
    mine = stems_of(said.passage.text[a:b])
    return any(near_copy(mine, stems_of(c.passage.text[c.span[0] : c.span[1]])) for c in chosen)


def _picks(found: Analysis, chosen: Sequence[tuple[Speech, Scored]]) -> list[Pick]:
    stories = story_dates(found.passages)
    return [
        Pick(sp.passage, sp.span, s.score, dated(sp.passage, sp.span, stories), sp.name)
        for sp, s in chosen
    ]


def _words(text: str) -> str:
    """The quoted words of a statement (the longest quotation), else the statement itself."""
    quotes = [m.group(1).strip(" ,.") for m in _QUOTED.finditer(text)]
    return max(quotes, key=len) if quotes else text


def _sentence_start(passage: Passage, offset: int) -> int:
    spans = passage.sentences or ((0, len(passage.text)),)
    return max((a for a, _ in spans if a <= offset), default=0)


def _sentences_between(passage: Passage, start: int, end: int) -> int:
    spans = passage.sentences or ((0, len(passage.text)),)
    return sum(1 for a, _ in spans if start < a < end)
