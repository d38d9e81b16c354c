"""newsbot's settings: environment variables (prefix NEWSBOT_), `.env`, then CLI flags on top."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from index.api import FetchOptions, IndexConfig


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "newsbot"


class Settings(BaseSettings):
    """Every knob newsbot reads; `.env.example` lists the same fields."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_",
        env_file=".env",
        env_ignore_empty=True,  # a copied .env.example with blank values means "default"
        extra="ignore",
        populate_by_name=True,
    )

    home: Path = Field(
        default_factory=_default_home,
        description="Data directory: embedded Chroma store, lexical index, feedback database.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://localhost:8000); unset = embedded store.",
    )
    collection: str = Field(
        default="news", description="Prefix of the Chroma collection names (3-40 chars)."
    )
    embed_model: str = Field(
        default="all-MiniLM-L6-v2",
        description="Embedding model: 'all-MiniLM-L6-v2' (packaged, offline), any "
        "sentence-transformers path/name, or 'openai:MODEL' for a llama-index OpenAI embedding.",
    )
    chunk_tokens: int = Field(
        default=200,
        description="Chunk size in tiktoken tokens; fits MiniLM's 256 word-piece window.",
    )
    chunk_overlap: int = Field(
        default=25, description="Tokens of overlap between neighbouring chunks (whole sentences)."
    )
    encoder: str = Field(
        default="auto",
        description="Runtime and precision that embed at ingest: auto (measured once per "
        "machine, cached under NEWSBOT_HOME/models), onnxruntime, openvino or openvino-bf16.",
    )
    max_file_mb: float = Field(default=5.0, description="Files larger than this are skipped.")
    web_timeout: float = Field(default=20.0, description="Seconds before a web request gives up.")
    web_max_mb: float = Field(default=5.0, description="Web pages larger than this are skipped.")
    web_host_concurrency: int = Field(
        default=4, description="Requests in flight to one web host at a time."
    )
    web_delay: float = Field(
        default=0.05,
        description="Seconds between the starts of two requests to one web host (a larger "
        "robots.txt Crawl-delay wins).",
    )
    top_k: int = Field(default=5, ge=1, description="Passages retrieved per question.")
    llm: str | None = Field(
        default=None,
        description="Optional LLM for synthesis: 'openai:MODEL' (OPENAI_API_KEY, OPENAI_BASE_URL) "
        "or 'ollama:MODEL'. Unset = extractive answers, no network.",
    )
    llm_timeout: float = Field(default=30.0, description="Seconds before an LLM call gives up.")
    openai_api_key: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "NEWSBOT_OPENAI_API_KEY"),
        description="API key for NEWSBOT_LLM=openai:MODEL (any value for local servers).",
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "NEWSBOT_OPENAI_BASE_URL"),
        description="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1 (vLLM).",
    )
    ollama_host: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OLLAMA_HOST", "NEWSBOT_OLLAMA_HOST"),
        description="Ollama server for NEWSBOT_LLM=ollama:MODEL (default http://localhost:11434).",
    )

    slack_bot_token: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_BOT_TOKEN", "NEWSBOT_SLACK_BOT_TOKEN"),
        description="Bot token (xoxb-...).",
    )
    slack_app_token: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_APP_TOKEN", "NEWSBOT_SLACK_APP_TOKEN"),
        description="App-level token (xapp-...); when set, the bot uses Socket Mode.",
    )
    slack_signing_secret: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "NEWSBOT_SLACK_SIGNING_SECRET"),
        description="Signing secret for HTTP mode.",
    )
    slack_api_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_API_URL", "NEWSBOT_SLACK_API_URL"),
        description="Web API base URL (default: Slack's own, https://slack.com/api/).",
    )
    slack_thread_followups_need_mention: bool = Field(
        default=False,
        description="If true, follow-ups in the bot's own threads must @mention it too.",
    )
    slack_allowed_channels: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Channel IDs the bot answers in (JSON list or comma-separated); empty = all.",
    )
    port: int = Field(
        default=3000,
        validation_alias=AliasChoices("PORT", "NEWSBOT_PORT"),
        description="HTTP-mode port for /slack/events.",
    )

    @field_validator("slack_allowed_channels", mode="before")
    @classmethod
    def _split_channels(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if value.startswith("["):
                import json

                return json.loads(value)
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    def index_config(self) -> IndexConfig:
        """The part of the settings that shapes the index."""
        return IndexConfig(
            home=self.home,
            chroma_url=self.chroma_url,
            collection_prefix=self.collection,
            embed_model=self.embed_model,
            chunk_tokens=self.chunk_tokens,
            chunk_overlap=self.chunk_overlap,
            encoder=self.encoder,
            max_file_bytes=int(self.max_file_mb * 1024 * 1024),
            fetch=FetchOptions(
                timeout=self.web_timeout,
                max_bytes=int(self.web_max_mb * 1024 * 1024),
                host_concurrency=self.web_host_concurrency,
                host_delay=self.web_delay,
            ),
        )
