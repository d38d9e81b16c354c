"""The source records readers need, saved by ingest beside the lexical index, per generation.

Reading every source record back from Chroma (`Collections.all_docs`) took 4.9 s for 35,910
records on the 109k-chunk bench archive (cProfile of a one-file ingest): a cold `newsbot ask`,
the Slack bot's first question after each ingest, and every ingest paid it. So the ingest that
bumps the generation saves what it holds, per generation, and the next reader or ingest loads it
when the generation still matches, reading Chroma otherwise (a killed ingest, another machine's
ingest against a shared Chroma server):
- readers: the few fields retrieval uses (`slim`), beside the lexical index;
- ingest: the full records (hashes, MinHash), under `NEWSBOT_HOME/records/`.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# What retrieval reads of a source record; the MinHash, path and hashes stay in Chroma.
FIELDS = ("state", "article_id", "story_id", "chunks", "published_day", "source", "outlet")
Records = dict[str, dict[str, Any]]


def slim(records: Records) -> Records:
    """Only the fields readers use, of the records readers see.

    A source that an interrupted update left `pending` still shows its previous version, whose
    chunks stay until the update completes: readers see exactly one version of each article.
    """
    out: Records = {}
    for key, meta in records.items():
        if meta.get("state") != "complete":
            if not meta.get("prev_article_id"):
                continue  # being added or removed: not visible yet / any more
            meta = {**meta, "state": "complete", "article_id": meta["prev_article_id"]}
        out[key] = {f: meta[f] for f in FIELDS if f in meta}
    return out


def load(path: Path, generation: str) -> Records | None:
    """The records saved for `generation`, or None (absent, stale or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not generation or data.get("generation") != generation:
        return None
    records = data.get("records")
    return records if isinstance(records, dict) else None


def save(path: Path, generation: str, records: Records) -> None:
    """Write atomically (a reader never sees half a file); a read-only data dir is only logged."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"generation": generation, "records": records}), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        log.warning("cannot save the catalog to %s: %s", path, exc)
