"""Helpers for tests that open many embedded Chroma stores in one process."""

from __future__ import annotations

from pathlib import Path


def release_store(home: Path) -> None:
    """Stop the embedded Chroma of `home`: its ~20 open files would otherwise outlive the test
    (the suite runs in one process; waitress's select() breaks past 1024 descriptors)."""
    from chromadb.api.client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(str(home / "chroma"), None)
    if system is not None:
        system.stop()
