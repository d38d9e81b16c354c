"""The bounds every web fetch keeps (no HTTP library imported: settings build these)."""

from __future__ import annotations

from dataclasses import dataclass

USER_AGENT = "newsbot/0.1 (news Q&A bot; +https://github.com/newsbot/newsbot)"


@dataclass(frozen=True)
class FetchOptions:
    """Timeout, size and redirect caps, and per-host politeness."""

    timeout: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    host_concurrency: int = 4
    host_delay: float = 0.05  # seconds between request starts to one host
    user_agent: str = USER_AGENT
