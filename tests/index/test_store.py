"""The Chroma side at archive scale, on a real embedded Chroma."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.store import PAGE, Collections, open_client


def test_all_records_come_back_past_sqlites_variable_limit(tmp_path: Path):
    """One unbounded get of 33k records fails in Chroma ("too many SQL variables")."""
    cols = Collections(open_client(home=tmp_path, chroma_url=None), "big-archive")
    count = 33_000  # SQLite binds at most 32,766 variables in one statement
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((count, 8)).astype(np.float32)
    step = 5000
    for lo in range(0, count, step):
        ids = [f"doc{i:05d}" for i in range(lo, min(count, lo + step))]
        cols.put_docs(
            ids, [{"state": "complete", "n": int(i[3:])} for i in ids], vectors[lo : lo + len(ids)]
        )
    records = cols.all_docs()
    assert count > 6 * PAGE
    assert len(records) == count
    assert records["doc32999"] == {"state": "complete", "n": 32999}


def test_reopening_the_embedded_store_starts_a_fresh_chroma_system(tmp_path: Path):
    """`reopen_embedded` relies on chromadb's `Client.close()` stopping the System that clients
    of one path share once the last of them closes; if an upgrade changes that, a reader in
    another process than the ingest would keep failing with "Error finding id"."""
    from index.store import reopen_embedded

    old = open_client(home=tmp_path, chroma_url=None)
    Collections(old, "reopen-me").put_docs(["a"], [{"state": "complete"}], np.ones((1, 4)))
    system = old._system  # chromadb internals, read only here to check the public close()
    fresh = reopen_embedded(old, tmp_path)
    assert fresh._system is not system, "chromadb kept the old System after close()"
    assert Collections(fresh, "reopen-me").all_docs() == {"a": {"state": "complete"}}


def test_nearest_records_are_complete_by_the_callers_word_when_given(tmp_path: Path):
    """An ingest writes a batch's records `complete` with the next batch's write: until then
    its own catalog, not the stored state, says which records count as stored."""
    cols = Collections(open_client(home=tmp_path, chroma_url=None), "nearest")
    vectors = np.eye(3, dtype=np.float32)
    cols.put_docs(
        ["a", "b", "c"],
        [{"state": "complete"}, {"state": "pending"}, {"state": "pending"}],
        vectors + 0.1,
    )
    query = np.ones((1, 3), dtype=np.float32)
    assert set(cols.nearest_docs(query, 3)[0]) == {"a"}
    assert set(cols.nearest_docs(query, 3, complete=lambda rid: rid != "c")[0]) == {"a", "b"}
