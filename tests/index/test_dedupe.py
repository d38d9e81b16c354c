from datetime import date

from index.dedupe import (
    Fingerprint,
    StoryIndex,
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
    stories = StoryIndex()
    stories.add("copy", "s1", fingerprint(REPORT), date(2025, 2, 28))
    stories.add("para", "s2", fingerprint("unrelated words " * 40), None)
    stories.add("later", "s3", fingerprint(REPORT + " Later."), date(2025, 4, 10))
    fp = fingerprint(REPORT)
    assert stories.match(fp, date(2025, 2, 28), {}) == "s1"
    # Shared meaning only: the paraphrase, when its cosine is high enough.
    other = fingerprint(" ".join(f"Unrelated sentence {i} about rivers." for i in range(30)))
    assert stories.match(other, date(2025, 2, 28), {"para": 0.95}) == "s2"
    assert stories.match(other, date(2025, 2, 28), {"para": 0.6}) is None
    # The same text, but reported six weeks later: a different story.
    assert stories.match(fp, date(2025, 4, 12), {"later": 0.99}) == "s3"
    assert stories.match(fp, date(2025, 6, 1), {"later": 0.99, "copy": 0.99}) is None


def test_minhash_is_datasketchs_affine32_scheme_bit_for_bit():
    """Signatures stored by earlier releases (datasketch 2.x) stay comparable with new ones.

    Expected values: datasketch 2.0.0, `MinHash(num_perm=128).update_batch(...)` on the same
    shingles, computed once.
    """
    import hashlib

    fp = fingerprint(
        "The Harbour bridge will reopen to traffic on 12 May after two years of repairs, "
        "the city council said on Monday."
    )
    assert fp.size == 17
    assert fp.hashvalues[:6].tolist() == [
        655845057,
        326683483,
        138001963,
        133122439,
        359554371,
        85352261,
    ]
    digest = hashlib.sha1(fp.hashvalues.astype("<u8").tobytes()).hexdigest()
    assert digest == "055f2f3a615737dd1f2cce691aeda7d781a6a7bd"
