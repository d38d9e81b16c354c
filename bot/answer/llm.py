"""LLM synthesis that cannot cite what it was not given.

The model sees numbered passages and may cite only those numbers. Markers that point nowhere are
stripped, a sentence left with no citation is dropped, and the quotes shown are the passages'
own sentences, never model text. Any error or timeout falls back to the extractive answer.
"""

from __future__ import annotations

import concurrent.futures
import logging
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.answer.citations import Used, build_citations, cited_numbers, strip_unknown_markers
from bot.answer.extractive import ExtractiveAnswerer, PassageSource
from bot.answer.text import stem, words
from bot.conversation import condense, is_follow_up
from bot.models import Answer, Turn
from index.retrieve import Passage
from prompts import CANNOT_ANSWER, render

log = logging.getLogger(__name__)
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+(?:\s*\[\d+\])*|$)")
_MARKERS = re.compile(r"\[(\d+)\]")


class LLMAnswerer:
    """Answers with an LLM over retrieved passages; the extractive answerer is the safety net."""

    def __init__(
        self,
        *,
        index: PassageSource,
        llm: Any,
        fallback: ExtractiveAnswerer,
        timeout: float = 30.0,
        k: int = 6,
    ) -> None:
        self._index = index
        self._llm = llm
        self._fallback = fallback
        self._timeout = timeout
        self._k = k
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="llm")

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        since: date | None = None,
        until: date | None = None,
    ) -> Answer:
        """Answer with the LLM; on any LLM failure, the extractive answer plus a note."""
        try:
            standalone = self._condense(question, history)
        except Exception as exc:
            log.warning("LLM condense failed (%s); using the rule-based rewrite", exc)
            standalone = condense(question, history)
        passages = self._index.search(standalone, k=self._k, since=since, until=until)
        if not passages:
            return self._fallback.answer(standalone, since=since, until=until).model_copy(
                update={"question": question}
            )
        prompt = render(
            "answer",
            question=standalone,
            passages=format_passages(passages),
            cannot_answer=CANNOT_ANSWER,
        )
        try:
            reply = self._call(prompt)
        except Exception as exc:
            log.warning("LLM answer failed: %s", exc, exc_info=log.isEnabledFor(logging.DEBUG))
            return self._degraded(
                question, standalone, since, until, f"LLM unavailable ({_brief(exc)})"
            )
        answer = ground(question, reply, passages)
        if answer is None:
            return self._degraded(
                question, standalone, since, until, "the LLM's answer cited no passage"
            )
        if standalone != question:
            answer = answer.model_copy(update={"standalone_question": standalone})
        return answer

    def _condense(self, question: str, history: Sequence[Turn]) -> str:
        if not history or not is_follow_up(question):
            return question
        lines = "\n".join(f"Q: {t.question}\nA: {t.answer[:300]}" for t in history[-4:])
        reply = self._call(render("condense", history=lines, question=question)).strip()
        return reply.splitlines()[0].strip() if reply else question

    def _call(self, prompt: str) -> str:
        from llama_index.core.llms import ChatMessage

        future = self._pool.submit(self._llm.chat, [ChatMessage(role="user", content=prompt)])
        response = future.result(timeout=self._timeout)
        return str(response.message.content or "")

    def _degraded(
        self, question: str, standalone: str, since: date | None, until: date | None, why: str
    ) -> Answer:
        answer = self._fallback.answer(standalone, since=since, until=until)
        return answer.model_copy(
            update={
                "question": question,
                "note": f"{why}; showing the extractive answer",
                "standalone_question": standalone if standalone != question else None,
            }
        )


def format_passages(passages: Sequence[Passage]) -> str:
    """Numbered passages as the model sees them."""
    blocks = []
    for n, p in enumerate(passages, 1):
        meta = " · ".join(x for x in (p.title, p.outlet or "", p.published or "") if x)
        blocks.append(f"[{n}] ({meta})\n{p.text.strip()}")
    return "\n\n".join(blocks)


def ground(question: str, reply: str, passages: Sequence[Passage]) -> Answer | None:
    """Turn the model's reply into an Answer whose every sentence cites a given passage.

    Returns None when nothing of the reply is supported (the caller falls back).
    """
    text = reply.strip()
    if not text or text.startswith(CANNOT_ANSWER) or text.rstrip(". ") == CANNOT_ANSWER:
        return Answer(
            question=question,
            answer=f"{CANNOT_ANSWER} — no passage in the indexed articles answers this.",
            abstained=True,
        )
    known = set(range(1, len(passages) + 1))
    kept: list[str] = []
    for sentence in _SENTENCE.findall(strip_unknown_markers(text, known)):
        sentence = sentence.strip()
        if sentence and cited_numbers(sentence):
            kept.append(sentence)
    if not kept:
        return None
    body = " ".join(kept)
    order = cited_numbers(body)
    used = [
        Used(passages[n - 1], best_span(passages[n - 1], _citing(body, n)), passages[n - 1].score)
        for n in order
    ]
    citations, numbers = build_citations(used)
    mapping = dict(zip(order, numbers, strict=True))
    body = _MARKERS.sub(lambda m: f"[{mapping[int(m.group(1))]}]", body)
    body = re.sub(r"(\[\d+\])(?:\1)+", r"\1", body)  # [1][1] after two passages of one story
    dropped = len(_SENTENCE.findall(text)) - len(kept)
    note = f"{dropped} unsupported sentence(s) left out" if dropped > 0 else None
    return Answer(question=question, answer=body, abstained=False, citations=citations, note=note)


def _citing(body: str, n: int) -> str:
    return " ".join(s for s in _SENTENCE.findall(body) if f"[{n}]" in s)


def best_span(passage: Passage, claim: str) -> tuple[int, int]:
    """The passage sentence sharing most words with the model's claim (the verbatim quote)."""
    claim_stems = {stem(w) for w in words(claim)}
    spans = list(passage.sentences) or [(0, len(passage.text))]
    return max(
        spans, key=lambda s: len(claim_stems & {stem(w) for w in words(passage.text[s[0] : s[1]])})
    )


def _brief(exc: BaseException) -> str:
    if isinstance(exc, concurrent.futures.TimeoutError):
        return "timed out"
    return type(exc).__name__
