import pytest

from prompts import CANNOT_ANSWER, placeholders, render

EXPECTED = {
    "answer": {"question", "passages", "cannot_answer"},
    "condense": {"history", "question"},
}


@pytest.mark.parametrize(("name", "fields"), EXPECTED.items())
def test_every_placeholder_is_known_and_filled(name: str, fields: set[str]):
    assert placeholders(name) == fields
    text = render(name, **{f: f"<{f}>" for f in fields})
    assert "{" not in text and all(f"<{f}>" in text for f in fields)
    with pytest.raises(KeyError):
        render(name, **{f: "x" for f in list(fields)[1:]})


def test_the_answer_prompt_carries_the_cannot_answer_sentinel():
    text = render("answer", question="q", passages="p", cannot_answer=CANNOT_ANSWER)
    assert f"reply exactly: {CANNOT_ANSWER}" in text
