"""Short answers: the span of a sentence that answers (a name, date, number, place or phrase).

Candidates are found by the answer type the question asks for, must add something the question
does not already say, and are voted on across the best sentences (an entity several good
sentences agree on beats one that a single sentence mentions): no model involved.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.answer.qualifiers import Qualifiers, conflicts, matches, qualifiers
from bot.answer.text import (
    DATE_RE,
    DURATION_RE,
    MONEY_RE,
    NUMBER_RE,
    PLACE_RE,
    QUESTION_WORDS,
    STOPWORDS,
    stem,
    words,
)

MAX_PHRASE_WORDS = 12
WINDOW = 6  # words each side of a candidate that count as its context
CONFLICT_SHARE = 0.2  # what is left of the support of an answer labelled with another qualifier
_WORD = re.compile(r"[A-Za-z][\w’'\-]*|\d[\d,.]*")
# A capitalised run: names like "Sonata Coulter", "Bank of England", "Sam Bankman-Fried", "O'Neill".
_NAME_RE = re.compile(
    r"\b[A-Z][\w’'.&\-]*(?:(?:\s+(?:of|de|du|van|von|der|al|bin|la|le|and|&|for|the))?"
    r"\s+[A-Z][\w’'.&\-]*)*"
)
# Capitalised words that are not names when they open a sentence or stand alone.
_NOT_NAMES = STOPWORDS | QUESTION_WORDS | {
    "mr", "mrs", "ms", "dr", "sir", "prof", "but", "yet", "while", "although", "however",
    "meanwhile", "after", "before", "last", "next", "earlier", "later", "according", "speaking",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "yes", "no",
}  # fmt: skip
# Job titles and honorifics written before a name ("Ambassador Alexander Darchiev").
_ROLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
        "dame",
        "lord",
        "lady",
        "prof",
        "professor",
        "president",
        "vice",
        "prime",
        "minister",
        "secretary",
        "deputy",
        "assistant",
        "under",
        "ambassador",
        "director",
        "chief",
        "executive",
        "chairman",
        "chairwoman",
        "chair",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "senator",
        "governor",
        "mayor",
        "judge",
        "general",
        "colonel",
        "captain",
        "commissioner",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "rev",
        "reverend",
        "officer",
        "head",
        "coach",
        "manager",
        "founder",
        "ceo",
        "cfo",
        "coo",
        "chancellor",
        "senior",
        "junior",
        "acting",
        "former",
        "foreign",
        "interior",
        "finance",
        "defence",
        "defense",
        "state",
        "federal",
        "national",
        "sen",
        "rep",
        "gov",
        "gen",
    ]
)
_CLAUSE = re.compile(r"[,;:()–—]|\s-\s|\bbut\b|\bwhile\b|\bwhich\b|\bthat\b|\bsaid\b")


@dataclass(frozen=True)
class Span:
    """A candidate short answer inside one sentence."""

    text: str  # verbatim from the sentence
    start: int
    end: int

    @property
    def key(self) -> str:
        """What two spellings of the same answer share ("the U.S." / "US")."""
        return " ".join(stem(w) for w in words(self.text) if w.lower() not in STOPWORDS)


# Last words that make a name an organisation, not a person ("North American Department").
_ORG_TAILS = frozenset(
    [
        "department",
        "ministry",
        "office",
        "council",
        "committee",
        "commission",
        "agency",
        "bank",
        "group",
        "company",
        "corp",
        "inc",
        "ltd",
        "plc",
        "llc",
        "university",
        "college",
        "school",
        "party",
        "union",
        "association",
        "federation",
        "service",
        "services",
        "board",
        "court",
        "parliament",
        "assembly",
        "congress",
        "senate",
        "government",
        "administration",
        "institute",
        "foundation",
        "organisation",
        "organization",
        "club",
        "team",
        "fund",
        "authority",
        "network",
    ]
)


def candidates(expects: str, sentence: str, asked: frozenset[str]) -> list[Span]:
    """Spans of `sentence` that hold the kind of thing asked for and are not in the question."""
    if expects in {"person", "org"}:
        found = list(_names(sentence, person=expects == "person"))
        if expects == "person":
            people = [s for s in found if s.text.split()[-1].lower() not in _ORG_TAILS]
            multi = [s for s in people if len(s.text.split()) >= 2]
            found = multi or people or found
    elif expects == "date":
        found = _matches(DATE_RE, sentence)
    elif expects == "duration":
        found = _matches(DURATION_RE, sentence)
    elif expects == "money":
        found = _matches(MONEY_RE, sentence, extend=True)
    elif expects == "number":
        found = _matches(NUMBER_RE, sentence, extend=True)
    elif expects == "place":
        found = _places(sentence)
    else:
        return []
    lead = _dateline_end(sentence)
    return [s for s in found if s.start >= lead and _adds(s.text, asked)]


# "PORTVILLE, March 3, 2025 (PNA/Reuters)- " or "LONDON (Reuters) - ": where, when and who filed
# the story, which is metadata and never the answer.
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Za-z0-9 ,.]{3,30}?)?\s*(?:\([^()]{1,40}\))?\s*[-–—:]+\s*"
)


def _dateline_end(sentence: str) -> int:
    match = _DATELINE.match(sentence)
    return match.end() if match else 0


def phrase(sentence: str, asked: frozenset[str]) -> Span | None:
    """For a question with no typed answer: the clause that adds most to the question, trimmed."""
    best: tuple[float, Span] | None = None
    lead = _dateline_end(sentence)
    cuts = [lead] + [m.start() for m in _CLAUSE.finditer(sentence, lead)] + [len(sentence)]
    for a, b in itertools.pairwise(cuts):
        text = sentence[a:b].strip(" ,;:()–—-\"“”'")
        tokens = words(text)
        if len(tokens) < 2:
            continue
        new = sum(1 for w in tokens if w.lower() not in STOPWORDS and stem(w) not in asked)
        if not new:
            continue
        score = new - 0.1 * max(0, len(tokens) - MAX_PHRASE_WORDS)
        start = sentence.find(text, a)
        if start < 0:
            continue
        if best is None or score > best[0]:
            best = (score, Span(text, start, start + len(text)))
    if best is None:
        return None
    span = best[1]
    marks = list(re.finditer(r"\S+", span.text))
    if len(marks) > MAX_PHRASE_WORDS:
        cut = marks[MAX_PHRASE_WORDS - 1].end()
        span = Span(span.text[:cut], span.start, span.start + cut)
    return span


# What a sentence says a named person is: "X, Deputy Secretary of State, met ..." (after the
# name), "Russia's U.S. envoy, X, told ..." (before it, between commas), or a title run written
# straight before the name ("Deputy Assistant Secretary ... Central Europe X").
_APPOSITIVE_WORDS = 14


def description(sentence: str, name: str) -> Span | None:
    """The words that describe `name` in `sentence` (a title or an appositive), or None."""
    found = re.search(r"\b" + r"\s+".join(map(re.escape, name.split())) + r"\b", sentence, re.I)
    if found is None:
        return None
    head = sentence[: found.start()]
    title = _title_before(head)
    if title is not None:
        return title
    after = re.match(r",\s+([^,;:()“”\"]{3,120}?)(?:,|\.$|$)", sentence[found.end() :])
    if after and _describes(after.group(1)):
        start = found.end() + after.start(1)
        return Span(after.group(1), start, start + len(after.group(1)))
    before = re.search(r"(?:^|[,;:(“\"]\s*)([^,;:()“”\"]{3,120}?),\s*$", head)
    if before and _describes(before.group(1)):
        return Span(before.group(1), before.start(1), before.end(1))
    return None


def _title_before(head: str) -> Span | None:
    """The title written straight before a name: a run of capitalised words ("Deputy Secretary
    of State for Russia"), at least two, or one that does not open the sentence ("by Ambassador
    X"); a run of two or more may end in one lower-case noun ("Moscow-based US lawyer")."""
    tokens = list(re.finditer(r"\S+", head))
    kept: list[re.Match[str]] = []
    for m in reversed(tokens):
        word = m.group(0)
        if re.search(r"[^\w.'’-]", word):
            break  # punctuation ends a title
        lower = word.lower()
        if word[:1].isupper() or (kept and lower in {"of", "for", "and", "the"}):
            kept.append(m)
        elif not kept and lower not in STOPWORDS and not lower.endswith(("ed", "ing")):
            kept.append(m)  # the noun the title ends in, checked below
        else:
            break
    kept.reverse()
    while kept and kept[0].group(0)[:1].islower():
        kept.pop(0)  # a title starts with a capital
    capitals = [m for m in kept if m.group(0)[:1].isupper()]
    if not capitals:
        return None
    trailing = kept[-1].group(0)[:1].islower()
    if len(capitals) < 2 and (trailing or kept[0].start() == 0):
        return None
    a, b = kept[0].start(), kept[-1].end()
    return Span(head[a:b], a, b)


def _describes(text: str) -> bool:
    """A noun phrase that can describe a person: short, and starting with a capitalised word,
    an article or possessive, or a role 'of' something ('director of ...')."""
    tokens = text.split()
    if not tokens or len(tokens) > _APPOSITIVE_WORDS:
        return False
    first = tokens[0]
    return (
        first[:1].isupper()
        or first.lower() in {"the", "a", "an", "its", "his", "her", "their"}
        or "of" in (w.lower() for w in tokens[1:3])
    )


@dataclass(frozen=True)
class Vote:
    """One short answer and the support it gathered across sentences."""

    span: Span
    sentence: int  # index of the best sentence holding it
    support: float  # sum of the scores of the sentences holding it
    local: float  # best share of the question's weighted words within WINDOW words of it
    story_ids: frozenset[str]  # the stories whose sentences hold it
    conflict: bool = False  # labelled with another qualifier than the question's, never its own

    @property
    def stories(self) -> int:
        """How many stories agree on it."""
        return len(self.story_ids)


def vote(
    expects: str,
    sentences: Sequence[str],
    scores: Sequence[float],
    stories: Sequence[str],
    asked: frozenset[str],
    term_weights: Mapping[str, float] | None = None,
    qualified: Qualifiers | None = None,
    find: Callable[[str], list[Span]] | None = None,
) -> list[Vote]:
    """Candidates of every sentence pooled by key, strongest support first.

    A candidate's vote is its sentence's score, scaled by how much of the question sits in the
    words around it (`WINDOW` words each side, weighted by `term_weights`): in "the US delegation
    was led by Coulter, while the Russian side was headed by Darchiev", Darchiev answers who
    headed the Russian side.

    `qualified`, the question's qualifiers (`bot.answer.qualifiers`): an answer whose words
    around it name another value of the same family ("the initial session held on February 27"
    for "when was the second round?") and never the asked one loses most of its support.
    `find`, when given, lists a sentence's candidates instead of `candidates(expects, ...)`.
    """
    weights = dict(term_weights or {t: 1.0 for t in asked})
    total = sum(weights.values()) or 1.0
    pooled: dict[str, list[tuple[int, Span, float, float]]] = {}
    labels: dict[str, list[tuple[bool, bool]]] = {}  # per key: (conflicts, matches) per hit
    for i, sentence in enumerate(sentences):
        seen: set[str] = set()
        tokens = [(m.start(), m.end(), stem(m.group(0))) for m in _WORD.finditer(sentence)]
        found = find(sentence) if find is not None else candidates(expects, sentence, asked)
        for span in found:
            key = span.key
            if key and key not in seen:
                seen.add(key)
                near = _window(tokens, span)
                local = sum(w for t, w in weights.items() if t in near) / total
                weight = max(0.0, scores[i]) * (0.3 + local)
                pooled.setdefault(key, []).append((i, span, weight, local))
                if qualified:
                    around = qualifiers(_window_text(sentence, tokens, span))
                    labels.setdefault(key, []).append(
                        (conflicts(qualified, around), matches(qualified, around))
                    )
    votes = []
    for key, hits in pooled.items():
        first, span, _, _ = max(hits, key=lambda h: h[2])
        marks = labels.get(key, [])
        conflict = any(c for c, _ in marks) and not any(m for _, m in marks)
        votes.append(
            Vote(
                span=span,
                sentence=first,
                support=sum(h[2] for h in hits) * (CONFLICT_SHARE if conflict else 1.0),
                local=max(h[3] for h in hits),
                story_ids=frozenset(stories[h[0]] for h in hits),
                conflict=conflict,
            )
        )
    # A name that contains another candidate ("Sam Bankman-Fried" vs "Bankman-Fried") takes its votes.
    votes = _merge_contained(votes)
    votes.sort(key=lambda v: (-v.support, -len(v.span.text)))
    return votes


def _window_text(sentence: str, tokens: Sequence[tuple[int, int, str]], span: Span) -> str:
    """The span and the WINDOW words each side of it, verbatim."""
    before = [a for a, b, _ in tokens if b <= span.start][-WINDOW:]
    after = [b for a, b, _ in tokens if a >= span.end][:WINDOW]
    return sentence[(before[0] if before else span.start) : (after[-1] if after else span.end)]


def _window(tokens: Sequence[tuple[int, int, str]], span: Span) -> set[str]:
    """Stems of the WINDOW words before and after a span."""
    before = [t for a, b, t in tokens if b <= span.start][-WINDOW:]
    after = [t for a, b, t in tokens if a >= span.end][:WINDOW]
    return set(before) | set(after)


def _merge_contained(votes: list[Vote]) -> list[Vote]:
    """Pool the votes of one name written several ways: a part of it ("Coulter" in "Sonata
    Coulter") or another spelling of its last word ("Darchiyev"/"Darchiev"). The longest form
    with the most support speaks for the group."""
    keys = [_spelling_key(v.span.key) for v in votes]
    lasts = [v.span.key.split()[-1] if v.span.key else "" for v in votes]
    group = list(range(len(votes)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(len(votes)):
        for j in range(i + 1, len(votes)):
            same_last = (
                len(keys[i]) > 1
                and len(keys[j]) > 1
                and _spelling_key(lasts[i]) == _spelling_key(lasts[j])
            )
            if keys[i] and keys[j] and (keys[i] <= keys[j] or keys[j] <= keys[i] or same_last):
                group[root(i)] = root(j)
    members: dict[int, list[int]] = {}
    for i in range(len(votes)):
        members.setdefault(root(i), []).append(i)
    out = []
    for idx in members.values():
        lead = max(idx, key=lambda i: (len(keys[i]), votes[i].support))
        out.append(
            Vote(
                votes[lead].span,
                votes[lead].sentence,
                sum(votes[i].support for i in idx),
                max(votes[i].local for i in idx),
                frozenset().union(*(votes[i].story_ids for i in idx)),
                all(votes[i].conflict for i in idx),
            )
        )
    return out


def _spelling_key(key: str) -> set[str]:
    """Key words with a name's last word reduced to a spelling-tolerant form (Darchiev/Darchiyev)."""
    parts = key.split()
    return {re.sub(r"[aeiouy]+", "", p) if len(p) > 4 else p for p in parts}


def _adds(text: str, asked: frozenset[str]) -> bool:
    tokens = [w for w in words(text) if w.lower() not in STOPWORDS]
    return bool(tokens) and any(stem(w) not in asked for w in tokens)


def _matches(pattern: re.Pattern[str], sentence: str, *, extend: bool = False) -> list[Span]:
    out = []
    for m in pattern.finditer(sentence):
        a, b = m.start(), m.end()
        if extend:  # "six properties", "$3.5bn", "12 percent": the unit says what was counted
            b += _unit_length(sentence[b:])
        out.append(Span(sentence[a:b].strip(), a, b))
    return out


_CONNECTORS = frozenset(
    ["of", "de", "du", "van", "von", "der", "al", "bin", "la", "le", "and", "&", "for", "the"]
)


def _unit_length(rest: str) -> int:
    """Length of what a number counts: "%", "per cent", or up to two words before a stopword."""
    unit = re.match(r"\s*(?:%|percent\b|per cent\b)", rest)
    if unit:
        return unit.end()
    end = 0
    for m in re.finditer(r"\s*([a-z][a-z\-]*)", rest):
        if m.start() != end or m.group(1) in STOPWORDS:
            break
        end = m.end()
        if len(rest[:end].split()) >= 2:
            break
    return end


def _names(sentence: str, *, person: bool = False) -> Iterable[Span]:
    for m in _NAME_RE.finditer(sentence):
        text = m.group(0).rstrip(".’'")
        start = m.start()
        # Drop opening words that are capitalised only because they start the sentence.
        while True:
            first = text.split(" ", 1)[0]
            if first.lower().strip(".") not in _NOT_NAMES:
                break
            if " " not in text:
                text = ""
                break
            rest = text.split(" ", 1)[1]
            start += len(text) - len(rest)
            text = rest
        if (
            person and text
        ):  # the name is the tail of a title run: "... Central Europe Sonata Coulter"
            tokens = list(re.finditer(r"\S+", text))
            connectors = [t for t in tokens if t.group(0).lower() in _CONNECTORS]
            if connectors:
                tokens = [t for t in tokens if t.start() > connectors[-1].start()]
            while len(tokens) > 1 and tokens[0].group(0).lower().strip(".,") in _ROLES:
                tokens = tokens[1:]
            # Most names are two words; a middle initial ("Mary J. Blige") makes three.
            keep = 3 if len(tokens) >= 3 and re.fullmatch(r"[A-Z]\.", tokens[-2].group(0)) else 2
            tokens = tokens[-keep:]
            if not tokens:
                continue
            cut = tokens[0].start()
            start += cut
            text = text[cut : tokens[-1].end()]
        if len(text) >= 2:
            yield Span(text, start, start + len(text))


def _places(sentence: str) -> list[Span]:
    out = []
    for m in PLACE_RE.finditer(sentence):
        for g in range(1, (m.lastindex or 0) + 1):
            if m.group(g):
                out.append(Span(m.group(g), m.start(g), m.end(g)))
                break
    return out
