import re
from pathlib import Path

import pytest

from bot.settings import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def _env_name(name: str, field) -> str:
    if field.validation_alias is not None:
        return field.validation_alias.choices[0]
    return f"NEWSBOT_{name.upper()}"


def test_env_example_lists_exactly_the_settings_each_with_a_comment():
    text = ENV_EXAMPLE.read_text()
    listed = re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.M)
    expected = [_env_name(n, f) for n, f in Settings.model_fields.items()]
    assert sorted(listed) == sorted(expected)
    lines = text.splitlines()
    for name in listed:
        i = next(i for i, line in enumerate(lines) if line.startswith(f"{name}="))
        assert lines[i - 1].startswith("#"), f"{name} has no comment above it"


def test_every_setting_has_a_description():
    for name, field in Settings.model_fields.items():
        assert field.description, name


def test_env_vars_and_blank_values(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("NEWSBOT_CHUNK_TOKENS", "150")
    monkeypatch.setenv("NEWSBOT_SLACK_ALLOWED_CHANNELS", "C1, C2")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("NEWSBOT_CHROMA_URL", "")
    settings = Settings()
    assert settings.chunk_tokens == 150
    assert settings.slack_allowed_channels == ["C1", "C2"]
    assert settings.slack_bot_token == "xoxb-1"
    assert settings.chroma_url is None
    assert settings.home == tmp_path / "home"
    assert settings.index_config().chunk_tokens == 150


def test_encoder_setting_reaches_the_index(monkeypatch: pytest.MonkeyPatch):
    assert Settings().index_config().encoder == "auto"  # measured per machine (index/probe.py)
    monkeypatch.setenv("NEWSBOT_ENCODER", "openvino-bf16")
    assert Settings().index_config().encoder == "openvino-bf16"
