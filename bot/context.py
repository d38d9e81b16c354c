"""What CLI commands share: the settings and the lazily built index."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from bot.settings import Settings
from index.api import NewsIndex


@dataclass
class AppContext:
    """Built once per command invocation; commands ask it for what they need."""

    debug: bool = False
    overrides: dict[str, object] = field(default_factory=dict)

    @cached_property
    def settings(self) -> Settings:
        """Env vars and `.env`, then flag overrides."""
        return Settings(**self.overrides)  # type: ignore[arg-type]

    @cached_property
    def index(self) -> NewsIndex:
        """The news index the settings point at."""
        return NewsIndex(self.settings.index_config())
