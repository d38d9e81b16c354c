"""Run inside a fresh process: what one new article costs the lexical (BM25) index at scale.

    python bench/_lexical_probe.py ARTICLE_FILE   (env: NEWSBOT_HOME etc.)

Against the index NEWSBOT_HOME holds, in one process: a reader (as the Slack bot) loads its
lexical index and answers once; then one new article is ingested, timing the ingest and, inside
it, the lexical update (base + delta: only the new chunks are tokenised); then the reader's first
question after the change (it syncs its in-memory index: only the delta). Beside those, a full
rebuild: every chunk text read back from Chroma and tokenised into one new BM25 index, which is
what a rebuild on every ingest (or on every query) would cost. Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> None:
    """Measure, print one JSON object."""
    article = Path(sys.argv[1])
    from bot.settings import Settings
    from index.api import NewsIndex
    from index.lexical import Segment
    from index.prepare import LexicalWriter

    settings = Settings()
    reader = NewsIndex(settings.index_config())
    question = "What did the Zorbanian finance minister say about the budget?"
    started = time.perf_counter()
    reader.search(question)
    reader_open = time.perf_counter() - started

    writer = NewsIndex(settings.index_config())
    lexical_s: list[float] = []
    update = LexicalWriter.update

    def timed_update(self: LexicalWriter, *args: object) -> None:
        mark = time.perf_counter()
        update(self, *args)  # type: ignore[arg-type]
        lexical_s.append(time.perf_counter() - mark)

    LexicalWriter.update = timed_update  # type: ignore[method-assign]
    started = time.perf_counter()
    report = writer.ingest([article])
    ingest_s = time.perf_counter() - started
    LexicalWriter.update = update  # type: ignore[method-assign]

    started = time.perf_counter()
    hits = reader.search(question)
    reader_after = time.perf_counter() - started
    started = time.perf_counter()
    reader.search(question)
    reader_warm = time.perf_counter() - started
    lexical = reader.retriever.snapshot().lexical

    started = time.perf_counter()
    ids, texts = writer.collections().chunk_texts(None)
    fetch_s = time.perf_counter() - started
    started = time.perf_counter()
    Segment.build(ids, texts)
    build_s = time.perf_counter() - started
    print(
        json.dumps(
            {
                "chunks": len(ids),
                "one_article_chunks": report.chunks_embedded,
                "one_article_ingest_s": round(ingest_s, 2),
                "one_article_lexical_update_s": round(sum(lexical_s), 2),
                "reader_open_s": round(reader_open, 2),
                "reader_first_query_after_ingest_s": round(reader_after, 3),
                "reader_warm_query_s": round(reader_warm, 3),
                "delta_chunks": len(lexical.delta_texts) if lexical else 0,
                "full_rebuild_fetch_s": round(fetch_s, 2),
                "full_rebuild_tokenise_index_s": round(build_s, 2),
                "full_rebuild_s": round(fetch_s + build_s, 2),
                "found_new_article": any(
                    article.name in (h.source, *h.also_reported_by) for h in hits
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
