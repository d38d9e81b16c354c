"""Follow-ups made standalone without an LLM, and the conversation that remembers turns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.conversation import Conversation, condense, is_follow_up
from bot.models import Answer, Turn

US_QUESTION = Turn("Who led the US delegation?", "Sonata Coulter led it [1]")


def test_follow_up_with_its_own_name_carries_the_subject_not_the_old_name():
    out = condense("and who led the Russian side?", [US_QUESTION])
    assert "Russian" in out
    assert "delegation" in out
    assert "US" not in out.split() and "(US" not in out
    assert not out.lower().startswith("and ")


def test_what_about_swaps_the_subject_into_the_previous_question():
    assert condense("What about the Russian delegation?", [US_QUESTION]) == (
        "Who led the Russian delegation?"
    )


def test_a_bare_qualifier_is_appended_to_the_previous_question():
    assert condense("and in April?", [US_QUESTION]) == "Who led the US delegation in April?"


def test_pronoun_follow_up_carries_the_previous_names():
    out = condense("and when did they meet?", [US_QUESTION])
    assert out.startswith("When did they meet?")
    assert "US" in out and "delegation" in out


def test_standalone_questions_pass_through_unchanged():
    for question in [
        "How much did the museum pay for the codex?",
        "Who won the national chess title in Ridgeton?",
        "When will the Harbour bridge reopen?",
    ]:
        assert not is_follow_up(question)
        assert condense(question, [US_QUESTION]) == question


def test_without_history_nothing_is_rewritten():
    assert condense("and who led the Russian side?", []) == "and who led the Russian side?"


def test_is_follow_up():
    assert is_follow_up("and who led the Russian side?")
    assert is_follow_up("What about the museum?")
    assert is_follow_up("Who was he?")
    assert not is_follow_up("Who led the US delegation?")


class RecordingAnswerer:
    """Answers with canned text and records the history each question came with."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Turn, ...]]] = []

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        since: date | None = None,
        until: date | None = None,
    ) -> Answer:
        self.calls.append((question, tuple(history)))
        standalone = condense(question, history)
        return Answer(
            question=question,
            answer=f"answer {len(self.calls)}",
            abstained=False,
            standalone_question=standalone if standalone != question else None,
        )


def test_conversation_keeps_turns_passes_history_and_reset_clears_it():
    answerer = RecordingAnswerer()
    chat = Conversation(answerer)
    chat.ask("Who led the US delegation?")
    chat.ask("What about the Russian delegation?")
    # The turn remembers the standalone question, so a third follow-up builds on it.
    assert chat.turns == [
        Turn("Who led the US delegation?", "answer 1"),
        Turn("Who led the Russian delegation?", "answer 2"),
    ]
    assert answerer.calls[0][1] == ()
    assert answerer.calls[1][1] == (Turn("Who led the US delegation?", "answer 1"),)

    chat.reset()
    assert chat.turns == []
    chat.ask("and in April?")
    assert answerer.calls[-1][1] == ()


def test_conversation_passes_at_most_max_turns_of_history():
    answerer = RecordingAnswerer()
    chat = Conversation(answerer, max_turns=2)
    for i in range(4):
        chat.ask(f"Question number {i} about the harbour bridge?")
    assert len(chat.turns) == 4
    last_history = answerer.calls[-1][1]
    assert [t.question for t in last_history] == [
        "Question number 1 about the harbour bridge?",
        "Question number 2 about the harbour bridge?",
    ]
