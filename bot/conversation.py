"""Follow-up questions made standalone from the conversation, without an LLM.

"and who led the Russian side?" after "Who led the US delegation?" becomes
"who led the Russian side? delegation": the previous question's subject words are carried over,
its names are carried over only when the follow-up names nothing of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answer.text import QUESTION_WORDS, STOPWORDS
from bot.models import Answer, Answerer, Turn

_LEAD = re.compile(
    r"^\s*(?:and|but|also|so|ok(?:ay)?|then|what about|how about|and what about|same for)\b[\s,]*",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(?:he|she|they|him|her|them|his|their|it|its|that|those|this|these|there)\b", re.I
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d[\d,.:]*")
_NAME = re.compile(r"\b[A-Z][a-zA-Z’'\-]+(?:\s+[A-Z][a-zA-Z’'\-]+)*")


_POLITE = re.compile(
    r"^\s*(?:(?:hi|hello|hey|dear)\b[^,:!?]{0,30}[,:!]\s*|(?:quick|one|a) question\s*[:,-]\s*"
    r"|sorry to (?:bother|trouble) you[,:]?\s*|excuse me[,:]?\s*|please[,:]?\s+|"
    r"(?:can|could) you (?:please )?tell me\s+)+",
    re.IGNORECASE,
)
_THANKS = re.compile(r"[\s,.!]*(?:thanks|thank you|thx|cheers|please)[\s.!]*$", re.IGNORECASE)


def strip_pleasantries(question: str) -> str:
    """'hi newsbot, quick question: who led it? thanks!' -> 'who led it?'."""
    stripped = _THANKS.sub("", _POLITE.sub("", question)).strip()
    return stripped or question.strip()


def is_follow_up(question: str) -> bool:
    """Does the question lean on an earlier one (leading 'and', 'what about', a bare pronoun)?"""
    words = _WORD.findall(question)
    content = [w for w in words if w.lower() not in STOPWORDS | QUESTION_WORDS]
    return (
        bool(_LEAD.match(question))
        or (bool(_PRONOUN.search(question)) and len(content) <= 3)
        or len(content) <= 1
    )


def condense(question: str, history: Sequence[Turn]) -> str:
    """Rewrite a follow-up as a standalone question; other questions lose only pleasantries."""
    question = strip_pleasantries(question)
    if not history or not is_follow_up(question):
        return question
    previous = history[-1].question
    current = _LEAD.sub("", question).strip()
    own_names = _names(current)
    if not any(w.lower() in QUESTION_WORDS for w in _WORD.findall(current)):
        return _fill_in(previous, current, own_names)
    have = {w.lower() for w in _WORD.findall(current)}
    carried: list[str] = []
    for word in _WORD.findall(previous):
        low = word.lower()
        if low in STOPWORDS or low in QUESTION_WORDS or low in have:
            continue
        if word[:1].isupper() and own_names:
            continue  # the follow-up names its own subject: drop the old one
        carried.append(word)
        have.add(low)
    if not carried:
        return current
    body = current[:1].upper() + current[1:]
    return f"{body} ({' '.join(carried)})"


def _fill_in(previous: str, fragment: str, names: list[str]) -> str:
    """'What about the Russian delegation?' -> the previous question about the new subject."""
    old_names = _names(previous)
    qualifier = re.match(r"(?:in|on|at|during|since|before|after|from|by)\b", fragment, re.I)
    if names and old_names and not qualifier:
        return previous.replace(old_names[0], names[0], 1)
    return f"{previous.rstrip(' ?')} {fragment.rstrip(' ?')}?"


def _names(text: str) -> list[str]:
    names = []
    for match in _NAME.finditer(text):
        if match.start() == 0 and " " not in match.group():
            continue
        names.append(match.group())
    return names


class Conversation:
    """A running chat: remembers turns and passes them to the answerer."""

    def __init__(self, answerer: Answerer, *, max_turns: int = 6) -> None:
        self._answerer = answerer
        self._max_turns = max_turns
        self.turns: list[Turn] = []

    def ask(self, question: str) -> Answer:
        """Answer `question` in the context of the earlier turns."""
        answer = self._answerer.answer(question, history=tuple(self.turns[-self._max_turns :]))
        asked = answer.standalone_question or question
        self.turns.append(Turn(asked, answer.answer))
        return answer

    def reset(self) -> None:
        """Forget the conversation."""
        self.turns.clear()
