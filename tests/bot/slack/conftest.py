"""Fixtures for the Slack tests: a clean environment, the fake Web API, and a running bot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fakes.slack_fixtures import make_settings, slack_api, start_bot

__all__ = ["make_settings", "slack_api", "start_bot"]  # fixtures shared with other test folders
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def clean_slack_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No SLACK_/OPENAI_/NEWSBOT_ (or proxy) variables leak in; data lives under tmp_path."""
    for key in list(os.environ):
        if key.startswith(("SLACK_", "OPENAI_", "NEWSBOT_")) or key.lower() in _PROXY_VARS:
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("NEWSBOT_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)  # a stray .env must not be read
