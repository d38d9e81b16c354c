"""Question kinds from wording, as Slack users write them."""

from __future__ import annotations

import pytest

from bot.answer.kinds import KINDS, question_kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What happened in the Istanbul talks?", "overview"),
        ("tl;dr on the yukos auction", "overview"),
        ("wat happened with parmalat", "overview"),
        ("what's the latest on the embassy talks", "latest"),
        ("is the plant still closed?", "latest"),
        ("who said 'this time it's different'", "quote"),
        ("what did the spokeswoman say about ukraine", "quote"),
        ("how did the us and russian sides describe the talks", "comparison"),
        ("toyota vs nissan us sales", "comparison"),
        ("which came first, the riyadh talks or the istanbul talks", "temporal"),
        ("was the first round before the april meeting?", "temporal"),
        ("did ryanair order new planes", "yesno"),
        ("hw many jobs will go", "count"),
        ("who led the US delegation?", "factoid"),
        # Reports set in time, claims set against each other, counts that say "still".
        (
            "Between the report from The Verge on 2023-11-24 and the report from Wired, did "
            "the tone change?",
            "temporal",
        ),
        ("after reuters reported the fine, did the bbc's account of it change?", "temporal"),
        ("does the guardian call the match one-sided, while espn calls it close?", "comparison"),
        ("do both articles say the bank failed?", "comparison"),
        ("did the price rise come in before the strike", "temporal"),
        ("how long do callers wait before hanging up", "factoid"),
        ("who ran the bank before the merger", "factoid"),
        ("how many diplomats are still in moscow", "count"),
        ("whats going on with lufthansa", "overview"),
        ("what's the j&j guidant deal", "overview"),
        ("when does the bridge reopen", "factoid"),
    ],
)
def test_kind(question: str, kind: str):
    assert question_kind(question) == kind
    assert kind in KINDS


def test_answers_carry_their_kind(tmp_path):
    from bot.answer.extractive import ExtractiveAnswerer

    class Empty:
        def search(self, question, **kwargs):
            return []

    answer = ExtractiveAnswerer(index=Empty()).answer("what happened at the summit?")
    assert answer.abstained and answer.kind == "overview"
