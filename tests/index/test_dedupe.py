from datetime import date

from index.dedupe import (
    Fingerprint,
    StoryCandidate,
    choose_story,
    containment,
    content_hash,
    fingerprint,
)

REPORT = " ".join(
    f"Officials in city number {i} said the new bridge would open next spring after delays."
    for i in range(30)
)


def test_content_hash_ignores_whitespace_only():
    assert content_hash("a  b\n\nc") == content_hash("a b c")
    assert content_hash("a b c") != content_hash("a b d")


def test_containment_finds_a_trimmed_copy_and_rejects_unrelated_text():
    full = fingerprint(REPORT + " " + "Extra background paragraph about the river. " * 20)
    trimmed = fingerprint(REPORT)
    other = fingerprint(" ".join(f"The team won match {i} by two goals." for i in range(30)))
    assert containment(trimmed, full) > 0.7
    assert containment(other, full) < 0.1


def test_fingerprint_survives_encoding():
    fp = fingerprint(REPORT)
    again = Fingerprint.decode(fp.encode(), fp.size)
    assert (again.hashvalues == fp.hashvalues).all()


def test_story_needs_shared_text_or_close_meaning_and_compatible_dates():
    fp = fingerprint(REPORT)
    copy = StoryCandidate("s1", fingerprint(REPORT), date(2025, 2, 28), similarity=0.5)
    paraphrase = StoryCandidate("s2", fingerprint("unrelated words " * 40), None, similarity=0.95)
    later = StoryCandidate("s3", fingerprint(REPORT), date(2025, 4, 10), similarity=0.99)
    assert choose_story(fp, date(2025, 2, 28), [copy]) == "s1"
    assert choose_story(fp, date(2025, 2, 28), [paraphrase]) == "s2"
    assert choose_story(fp, date(2025, 2, 28), [later]) is None
    distant = StoryCandidate("s4", fingerprint("unrelated words " * 40), None, similarity=0.6)
    assert choose_story(fp, None, [distant]) is None
