"""What CLI commands share: the settings and the lazily built index."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from bot.models import Answerer
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
    def answerer(self) -> Answerer:
        """The answerer the settings ask for."""
        from bot.factory import build_answerer

        return build_answerer(self.settings, self.index)

    @cached_property
    def index(self) -> NewsIndex:
        """The news index the settings point at."""
        return NewsIndex(self.settings.index_config())
