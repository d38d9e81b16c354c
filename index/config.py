"""What the index side needs to know, passed in by its caller (no global settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from index.web.options import FetchOptions


@dataclass(frozen=True)
class IndexConfig:
    """Storage location, embedding model and chunking: everything that shapes the index."""

    home: Path
    chroma_url: str | None = None
    collection_prefix: str = "news"
    embed_model: str = "all-MiniLM-L6-v2"
    chunk_tokens: int = 200
    chunk_overlap: int = 25
    encoder: str = "auto"  # runtime/precision for ingest (index.probe.ENCODERS); auto: measured
    max_file_bytes: int = 5 * 1024 * 1024
    fetch: FetchOptions = field(default_factory=FetchOptions)  # bounds of http(s) sources
