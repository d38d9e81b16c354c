"""The source records readers need, saved by ingest beside the lexical index, per generation.

Reading every source record back from Chroma takes ~0.2 ms a record (seven seconds at 35k
articles): a cold `newsbot ask`, and the Slack bot's first question after each ingest, paid it.
The ingest that bumped the generation has just read them anyway, so it saves the few fields
readers use; a reader loads them when the generation matches and reads Chroma otherwise (a
killed ingest, another machine's ingest against a shared Chroma server).

Ingest keeps a full copy the same way (`NEWSBOT_HOME/records/`), so that a one-file ingest into
a large archive does not read every record back first.
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
    """Only the fields readers use, of complete records."""
    return {
        key: {f: meta[f] for f in FIELDS if f in meta}
        for key, meta in records.items()
        if meta.get("state") == "complete"
    }


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
