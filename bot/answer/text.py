"""Small text features for scoring sentences against a question (no model involved)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d[\d,.:]*")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "can",
        "will",
        "just",
        "should",
        "now",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "it",
        "its",
        "they",
        "them",
        "their",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "would",
        "could",
        "also",
        "said",
        "says",
        "say",
        "told",
        "according",
        "as",
        "per",
        "mentioned",
        "reports",
        "reported",
        "report",
        "much",  # "how much", "how many": the question's frame, not its content
        "many",
    ]
)
QUESTION_WORDS = frozenset(["who", "whom", "whose", "what", "which", "when", "where", "why", "how"])

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
DATE_RE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}\s+{_MONTH}|(?:in|early|late|mid|since|by|until|during|of)[\s-]+{_MONTH}|(?:19|20)\d{{2}}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|tomorrow|(?:last|this|next) (?:week|month|year))\b"
)
NUMBER_RE = re.compile(
    r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundred|thousand|million|billion|half|third|quarter)\b",
    re.IGNORECASE,
)
DURATION_RE = re.compile(
    r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|several|few)[\s-]+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)
MONEY_RE = re.compile(
    r"(?:[$£€¥]\s?\d|\b\d[\d,.]*\s*(?:bn|m|million|billion|dollars|euros|pounds)\b)", re.IGNORECASE
)
POLARITY_RE = re.compile(
    r"\b(?:not|no|never|none|nor|neither|yes|did|confirmed|denied)\b|n't\b", re.I
)
PROPER_RE = re.compile(r"\b[A-Z][a-zA-Z’'\-]+(?:\s+[A-Z][a-zA-Z’'\-]+)*")
# A place: a capitalised name after a locative preposition, or a dateline "ISTANBUL, ..." / "Doha:".
PLACE_RE = re.compile(
    r"\b(?:in|at|from|to|near|visit to|outside)\s+(?:the\s+)?([A-Z][a-zA-Z’'\-]+(?:\s+[A-Z][a-zA-Z’'\-]+)*)"
    r"|^([A-Z][A-Z]+(?:\s+[A-Z][A-Z]+)*)\s*[,(:-]"  # dateline: "ISTANBUL, April 10 ..."
    r"|^([A-Z][a-z]+):"  # "Istanbul: Russian and US diplomats met ..."
)
# A person: two or more capitalised words in a row (first and last name, title and name).
PERSON_RE = re.compile(r"\b([A-Z][a-zA-Z’'.\-]+(?:\s+[A-Z][a-zA-Z’'\-]+)+)")


def _name_beside_question_word(sentence: str, question: str) -> bool:
    """'spokeswoman Tammy Bruce' for 'who is the spokeswoman': a new name right after a cue."""
    asked = set(content_terms(question))
    tokens = words(sentence)
    for i, token in enumerate(tokens):
        if stem(token) not in asked or token[:1].isupper():
            continue
        following = tokens[i + 1 : i + 4]
        capitalised = len(following) >= 2 and all(w[:1].isupper() for w in following[:2])
        if capitalised and stem(following[0]) not in asked:
            return True
    return False


def _new_name(
    pattern: re.Pattern[str], sentence: str, question: str, *, min_words: int = 1
) -> bool:
    """Does the sentence name something (matched by `pattern`) the question does not?"""
    asked = {stem(w) for w in words(question)}
    for match in pattern.finditer(unabbreviate(sentence)):
        found = next((g for g in match.groups() if g), match.group(0))
        names = [w for w in _TOKEN.findall(found) if w.lower() not in STOPWORDS]
        if len(names) >= min_words and any(stem(w) not in asked for w in names):
            return True
    return False


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


_CONTRACTION = re.compile(r"['’](?:s|re|ve|ll|d)$")
_ABBREV = re.compile(r"\b([A-Z])\.([A-Z])\.(?:([A-Z])\.)?")


def unabbreviate(text: str) -> str:
    """'U.S.' -> 'US', 'U.K.' -> 'UK', so abbreviations match however they are written."""
    return _ABBREV.sub(lambda m: "".join(g for g in m.groups() if g), text)


def words(text: str) -> list[str]:
    """Word tokens, with dotted abbreviations joined."""
    return _TOKEN.findall(unabbreviate(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Lower-cased English stem (PyStemmer, the same as the lexical index)."""
    return str(_stemmer().stemWord(word.lower().strip("'’-")))


def content_terms(text: str) -> list[str]:
    """Stems of the words that carry meaning (no stopwords, no question words)."""
    out = []
    for token in words(text):
        low = _CONTRACTION.sub("", token.lower())  # "who's" -> "who", "what're" -> "what"
        if low in STOPWORDS or low in QUESTION_WORDS or len(low) < 2:
            continue
        out.append(stem(low))
    return out


def proper_terms(question: str) -> list[str]:
    """Stems of capitalised words not at the start of the question (names, places, nationalities)."""
    out = []
    for i, word in enumerate(words(question)):
        if i == 0 or not word[:1].isupper() or word.lower() in STOPWORDS | QUESTION_WORDS:
            continue
        out.append(stem(word))
    return out


_TYPE_CUES: list[tuple[str, str]] = [
    (r"\bhow (?:long|many (?:hours|days|weeks|months|years))\b", "duration"),
    (r"\bhow (?:many|much)\b|\bwhat (?:number|percentage|share)\b", "number"),
    (
        r"\bwhen\b|\b(?:what|which) (?:date|day|year|month|time)\b|\bon what (?:date|day)\b",
        "date",
    ),
    (r"\bwhere\b|\b(?:which|what) (?:city|country|place|town|region|venue)\b", "place"),
    (
        r"\b(?:which|what) (?:company|companies|firm|organi[sz]ation|team|club|group|brand|"
        r"platform|party|agency|bank|network|outlet|publication|newspaper|app|service|startup|"
        r"manufacturer|carrier|airline|retailer|exchange|studio|band)\b",
        "org",
    ),
    (
        r"\bwho(?:m|se|'s|’s)?\b|\bwhich (?:person|official|minister|spokes\w+|player|"
        r"individual|executive|ceo|leader|politician|president|chief|author|athlete|coach|"
        r"manager|founder|candidate|actor|actress|singer|star|judge|lawyer|reporter)\b",
        "person",
    ),
]


def answer_type(question: str) -> str:
    """A coarse expected answer type from the question's first wh-cue."""
    q = question.lower().strip()
    found: list[tuple[int, str]] = []
    for pattern, kind in _TYPE_CUES:
        match = re.search(pattern, q)
        if match:
            found.append((match.start(), kind))
    if not found:
        if re.match(r"(?:was|were|is|are|did|does|do|has|have|had|will|would|can|could)\b", q):
            return "yesno"
        return "other"
    kind = min(found)[1]
    if kind == "number" and re.search(r"\b(?:cost|pay|paid|spend|spent|price|worth|budget)\b", q):
        return "money"
    return kind


def type_match(kind: str, sentence: str, question: str) -> float:
    """1.0 when the sentence contains the kind of thing the question asks for."""
    if kind == "duration":
        return 1.0 if DURATION_RE.search(sentence) else 0.0
    if kind == "money":
        return 1.0 if MONEY_RE.search(sentence) else 0.0
    if kind == "number":
        return 1.0 if NUMBER_RE.search(sentence) else 0.0
    if kind == "date":
        return 1.0 if DATE_RE.search(sentence) else 0.0
    if kind == "place":
        return 1.0 if _new_name(PLACE_RE, sentence, question) else 0.0
    if kind == "org":
        return 1.0 if _new_name(PROPER_RE, sentence, question) else 0.0
    if kind == "person":
        if not _new_name(PERSON_RE, sentence, question, min_words=2):
            return 0.0
        return 1.5 if _name_beside_question_word(sentence, question) else 1.0
    if kind == "yesno":
        return 1.0 if POLARITY_RE.search(sentence) else 0.0
    return 0.5
