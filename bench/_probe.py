"""Run inside a fresh process: load the answerer as `newsbot ask`/`slack` would, time queries.

Prints one JSON object: warm p50/p95 of full answers, of the floor (one query embedding plus one
Chroma query), and the process's peak RSS.  Usage: python bench/_probe.py QUESTIONS_JSON
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time


def main() -> None:
    """Time the questions given as a JSON list in argv[1]."""
    questions = json.loads(sys.argv[1])
    import numpy as np

    from bot.factory import build_answerer
    from bot.settings import Settings

    settings = Settings()
    from index.api import NewsIndex

    index = NewsIndex(settings.index_config())
    answerer = build_answerer(settings, index)
    answerer.answer("warm up: who met in Istanbul?")
    full, floor = [], []
    for _ in range(3):
        for q in questions:
            started = time.perf_counter()
            answerer.answer(q)
            full.append((time.perf_counter() - started) * 1000)
    chunks = index.collections().chunks
    for _ in range(3):
        for q in questions:
            started = time.perf_counter()
            vector = index.query_embedder.embed_query(q)
            chunks.query(query_embeddings=np.asarray([vector]), n_results=10)
            floor.append((time.perf_counter() - started) * 1000)

    def pct(values: list[float], p: float) -> float:
        values = sorted(values)
        return round(values[min(len(values) - 1, int(p / 100 * len(values)))], 1)

    print(
        json.dumps(
            {
                "p50_ms": round(statistics.median(full), 1),
                "p95_ms": pct(full, 95),
                "floor_p50_ms": round(statistics.median(floor), 1),
                "floor_p95_ms": pct(floor, 95),
                "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "queries": len(full),
            }
        )
    )


if __name__ == "__main__":
    main()
