"""Who said what in a passage: sentences with a speech verb and the speaker they name.

"Kremlin spokesman Dmitry Peskov said ...", "“...,” Putin said.", "... said Mr Snow.",
"According to a State Department spokesperson, ...": the speaker is the noun phrase next to the
verb. "she said" / "he added" / "it added" is followed back to the speaker named in one of the
two sentences before it in the same passage, and the speech then spans from that sentence, so
the cited text holds the name. No model: a speaker phrase must look like one (names, roles,
pronouns), which keeps "what he described as" or "It was noted" out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answer.forms.evidence import stems_of
from index.api import Passage

_VERBS = (
    r"said|says|say|told|tells|added|adds|noted|notes|stated|states|explained|explains|warned|"
    r"warns|argued|argues|claimed|claims|insisted|insists|remarked|commented|comments|announced|"
    r"predicted|predicts|wrote|writes|acknowledged|admitted|stressed|emphasi[sz]ed|suggested|"
    r"described|describes|called|urged|confirmed|denied|replied|answered|observed|reported|"
    r"believes|believed|thinks|forecast|forecasts|hailed|praised|critici[sz]ed|dismissed|"
    r"added|continued|concluded|declared|estimated|estimates"
)
_VERB = re.compile(rf"\b(?:{_VERBS})\b")
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+([^,.;:“”\"]{2,80})")
_PASSIVE = re.compile(r"\b(?:was|were|is|are|been|be|being)\s*$")
_AFTER = re.compile(r"^\s+([^,.;:!?“”\"()]{2,120})")
_CUT = re.compile(r"[“”\"«»,;:()]|\s[–—-]\s|\b(?:that|which|who|and|but|as|when|while)\b")
_CAPS = re.compile(r"[A-Z][\w’'.&-]*(?:\s+[A-Z][\w’'.&-]*)*$")
_RUN = re.compile(r"[A-Z][\w’'.&-]*(?:\s+[A-Z][\w’'.&-]*)*")
_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "the", "a", "an"})
PRONOUNS = frozenset({"he", "she", "they", "it", "we"})
# Lower-case words a speaker phrase may hold besides names: roles, bodies, determiners.
_SPEAKER_TEXT = """a an the of for at in to and its his her their our us uk
    spokesman spokeswoman spokesperson spokespeople minister ministry secretary president
    vice prime deputy assistant foreign finance interior defence defense trade economy
    chairman chairwoman chair chief executive officer official officials source sources
    senior former acting general state federal national local international regional
    analyst analysts economist economists strategist strategists director directors manager
    managers governor envoy ambassador department agency agencies news reporter reporters
    correspondent editor government company firm bank group union lawyer lawyers
    prosecutor prosecutors judge court police leader leaders head founder boss chancellor
    senator mayor commissioner regulator regulators board council committee office house
    upper lower speaker member members representative representatives adviser advisers
    advisor advisors expert experts researcher researchers investor investors trader
    traders dealer dealers fund funds staff worker workers diplomat diplomats delegation
    administration authorities campaigners critics consumers customers insiders people
    residents witnesses observers organisers organizers owner owners shareholders partner
    partners spokesmen industry market markets operator statement statements report
    equity survey study figures data economists' managing coach player players side sides team
    two both one another other its chief's"""
SPEAKER_WORDS = frozenset(_SPEAKER_TEXT.split())
_TAIL_TEXT = "also later then previously earlier recently once has had have would will already just"
_TRIM_TAIL = frozenset(_TAIL_TEXT.split())


@dataclass(frozen=True)
class Speech:
    """A sentence that reports someone's words, and who."""

    passage: Passage
    first: int  # position in the passage of the sentence naming the speaker
    index: int  # position of the sentence with the words
    span: tuple[int, int]  # from the speaker's naming sentence (for "she said") to its end
    speaker: str  # the phrase as written: "US State Department spokeswoman Tammy Bruce"
    name: str  # the name in it ("Tammy Bruce"), or the phrase when it has none
    stems: frozenset[str]  # of the speaker phrase


def speeches(passage: Passage) -> list[Speech]:
    """The passage's sentences that report speech, in order, with their speakers."""
    spans = passage.sentences or ((0, len(passage.text)),)
    out: list[Speech] = []
    for i, (a, b) in enumerate(spans):
        phrase = speaker_phrase(passage.text[a:b])
        if phrase is None:
            continue
        if phrase.lower() in PRONOUNS:
            earlier = next((s for s in reversed(out) if s.index >= i - 2), None)
            if earlier is None:
                continue
            # One statement from the naming sentence to this one (so its text holds the name).
            out.remove(earlier)
            out.append(
                Speech(passage, earlier.first, i, (earlier.span[0], b), *_who(earlier.speaker))
            )
            continue
        out.append(Speech(passage, i, i, (a, b), *_who(phrase)))
    return out


def _who(phrase: str) -> tuple[str, str, frozenset[str]]:
    return phrase, name_of(phrase), stems_of(phrase)


def name_of(phrase: str) -> str:
    """The name in a speaker phrase: its last run of two or more capitalised words ("Kremlin
    spokesman Dmitry Peskov" -> "Dmitry Peskov", "Nicolas Sarkozy of France" -> "Nicolas
    Sarkozy"), else its last capitalised word; the whole phrase when it ends with a role
    ("An AFP reporter")."""
    if _CAPS.search(phrase) is None:
        return phrase
    runs = [m.group().split() for m in _RUN.finditer(phrase)]
    runs = [
        _after_role([w for w in run if w.lower().rstrip(".") not in _HONORIFICS] or run)
        for run in runs
    ]
    people = [run for run in runs if len(run) >= 2]
    return " ".join(people[-1] if people else runs[-1])


def _after_role(run: list[str]) -> list[str]:
    """'Fiscal Policy Minister Heizo Takenaka' -> 'Heizo Takenaka': the words after the last
    role word, when there are any."""
    roles = [k for k, w in enumerate(run) if w.lower() in SPEAKER_WORDS]
    return run[roles[-1] + 1 :] if roles and roles[-1] < len(run) - 1 else run


def full_name(passage: Passage, name: str, before: int) -> tuple[str, int] | None:
    """A surname's full form ("Lomax" -> "Rachel Lomax") written in the passage before offset
    `before`, with the offset where it starts; None when there is none."""
    if " " in name:
        return None
    found = None
    for match in re.finditer(
        rf"((?:[A-Z][\w’'.-]+\s+)+){re.escape(name)}\b", passage.text[:before]
    ):
        found = match
    if found is None:
        return None
    words = _after_role(found.group().split())
    return (" ".join(words), found.end() - len(" ".join(words))) if len(words) >= 2 else None


def speaker_phrase(sentence: str) -> str | None:
    """Who a sentence says is speaking, as written; a bare pronoun when it is "she said"."""
    according = _ACCORDING.search(sentence)
    if according is not None:
        phrase = _clean(according.group(1))
        if phrase is not None:
            return phrase
    for verb in _VERB.finditer(sentence):
        before = sentence[: verb.start()]
        if _PASSIVE.search(before):
            continue
        phrase = _clean(_CUT.split(before)[-1])
        if phrase is not None:
            return phrase
        phrase = _inverted(sentence[verb.end() :])
        if phrase is not None:
            return phrase
    return None


def _inverted(after: str) -> str | None:
    """The speaker after the verb: '..., said GE's chief executive Jeff Immelt.'"""
    match = _AFTER.match(after)
    if match is None:
        return None
    kept: list[str] = []
    for token in match.group(1).split()[:10]:
        if not (token[:1].isupper() or token.lower().strip("’'") in SPEAKER_WORDS):
            break
        kept.append(token)
    if not any(t[:1].isupper() for t in kept):
        return None
    return _clean(" ".join(kept))


def _clean(raw: str) -> str | None:
    """A speaker phrase, or None when the words cannot be one."""
    tokens = raw.strip(" .'’").split()
    while tokens and tokens[-1].lower() in _TRIM_TAIL:
        tokens.pop()
    if not tokens or len(tokens) > 10 or tokens[-1].lower().endswith(("'s", "’s", "s'")):
        return None  # "Gordon Brown's forecasts": a possessive before a noun, not a speaker
    if len(tokens) == 1 and tokens[0].lower() in PRONOUNS:
        return tokens[0].lower()
    for k, token in enumerate(tokens):
        bare = token.lower().strip("’'.").removesuffix("’s").removesuffix("'s")
        if token[:1].isupper() or token[:1].isdigit():
            continue
        if bare not in SPEAKER_WORDS:
            return None
        if k == len(tokens) - 1 and bare in {"a", "an", "the", "of", "for", "and", "to"}:
            return None
    if not any(t[:1].isupper() for t in tokens) and not any(
        t.lower() in SPEAKER_WORDS - {"a", "an", "the", "of", "for", "at", "in", "to", "and"}
        for t in tokens
    ):
        return None
    return " ".join(tokens)
