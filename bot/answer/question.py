"""What a question asks for, read off its words (no model): the answer type and the terms that matter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from bot.answer.qualifiers import Qualifiers, qualifiers
from bot.answer.text import (
    QUESTION_WORDS,
    STOPWORDS,
    answer_type,
    content_terms,
    proper_terms,
    stem,
    words,
)
from index.api import MONTHS

_MONTH_STEMS = frozenset(stem(m) for m in MONTHS)
# Words a Slack user adds around a question that carry no content ("pls", "quick q", "hey bot").
_CHATTER = frozenset(
    [
        "pls",
        "please",
        "plz",
        "thanks",
        "thx",
        "hey",
        "hi",
        "hello",
        "bot",
        "quick",
        "q",
        "qq",
        "anyone",
        "know",
        "knows",
        "wondering",
        "tell",
        "me",
        "us",
        "can",
        "could",
        "you",
        "u",
        "ya",
        "yeah",
        "ok",
        "okay",
        "so",
        "um",
        "uh",
        "lol",
        "btw",
    ]
)
# "who is sonata coulter?" names a person and asks what they are, not for another name. Only a
# bare name qualifies (no article, possessive, preposition or verb: "who is india's finance
# minister", "who's taking over vodafone" ask for a person); whether the words are a name is
# settled against the articles (`Question.subject_named_in`).
_WHO_IS = re.compile(
    r"^\s*(?:who's|who is|who was|who are|who were)\s+([^?]{2,60}?)\s*\??\s*$", re.I
)
_BARE_NAME = re.compile(r"^[A-Za-z][A-Za-z.-]*(?:\s+[A-Za-z][A-Za-z.-]*){1,3}$")
MAX_CHARS = 2000  # a pasted article, not a question; multi-clause questions run 200-600
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Question:
    """A parsed question."""

    text: str

    @cached_property
    def expects(self) -> str:
        """The kind of answer asked for: person, org, date, number, money, duration, place,
        yesno or other (see `bot.answer.text.answer_type`)."""
        return answer_type(self.text)

    @cached_property
    def terms(self) -> list[str]:
        """Stems of the content words, in order, without chatter."""
        return [t for t in content_terms(self.text) if t not in _CHATTER]

    @cached_property
    def names(self) -> frozenset[str]:
        """Stems of the names it mentions (capitalised words past the first), months excluded."""
        return frozenset(proper_terms(self.text)) - _MONTH_STEMS

    @cached_property
    def qualifiers(self) -> Qualifiers:
        """Ordinals, eras, years and months that pick one fact among similar ones
        (`bot.answer.qualifiers`)."""
        return qualifiers(self.text)

    @cached_property
    def asked(self) -> frozenset[str]:
        """Stems of every word of the question (what an answer must add to)."""
        return frozenset(stem(w) for w in words(self.text))

    @cached_property
    def who_is(self) -> str | None:
        """The name in 'who is X?' when X is two to four bare words, else None."""
        match = _WHO_IS.match(self.text)
        if not match or not _BARE_NAME.match(match.group(1)):
            return None
        return match.group(1)

    def subject_named_in(self, texts: list[str]) -> bool:
        """True when `who_is` is written as a capitalised name in one of `texts` (so the
        question asks about that person rather than for a name)."""
        if self.who_is is None:
            return False
        words_ = [re.escape(w) for w in self.who_is.split()]
        pattern = re.compile(r"\b" + r"\s+".join(words_) + r"\b", re.I)
        for text in texts:
            for m in pattern.finditer(text):
                if all(w[:1].isupper() for w in m.group(0).split()):
                    return True
        return False

    def problem(self) -> str | None:
        """Why this cannot be searched at all (empty, no words, not English), or None."""
        stripped = self.text.strip()
        if not stripped:
            return "the question is empty"
        if len(stripped) > MAX_CHARS:
            return (
                f"the question is too long ({len(stripped):,} characters); "
                f"ask it in under {MAX_CHARS:,}"
            )
        if not _LETTERS.search(stripped):
            return "the question has no words to search for"
        letters = _LETTERS.findall(stripped)
        if len(letters) >= 8 and sum(bool(_LATIN.match(c)) for c in letters) / len(letters) < 0.5:
            return "the articles are searched in English; please ask in English"
        if not self.terms:
            meaningful = [
                w for w in words(stripped) if w.lower() not in STOPWORDS | QUESTION_WORDS | _CHATTER
            ]
            if not meaningful:
                return (
                    "the question has no content words to search for (only words like 'what is it')"
                )
        return None
