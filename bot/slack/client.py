"""The Web API client newsbot uses, and the start-up checks of the Slack credentials."""

from __future__ import annotations

from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    RetryHandler,
)

from bot.settings import Settings
from bot.slack.errors import SlackConfigError

_WHERE_BOT_TOKEN = "Slack app > OAuth & Permissions > Bot User OAuth Token"
_WHERE_APP_TOKEN = "Slack app > Basic Information > App-Level Tokens (scope connections:write)"
_WHERE_SECRET = "Slack app > Basic Information > Signing Secret"


def retry_handlers() -> list[RetryHandler]:
    """slack_sdk's built-in retries: connection errors and HTTP 429 (honouring Retry-After)."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
    ]


def build_client(settings: Settings) -> WebClient:
    """A WebClient for the bot token, pointed at SLACK_API_URL when set, with retry handlers."""
    # WebClient joins method names onto base_url, which therefore must end with "/".
    base_url = (settings.slack_api_url or WebClient.BASE_URL).rstrip("/") + "/"
    return WebClient(
        token=settings.slack_bot_token,
        base_url=base_url,
        retry_handlers=retry_handlers(),
        timeout=30,
    )


def check_settings(settings: Settings) -> bool:
    """True for Socket Mode, False for HTTP mode; SlackConfigError if a token is missing or malformed."""
    token = settings.slack_bot_token
    if not token:
        raise SlackConfigError(
            f"SLACK_BOT_TOKEN is not set: copy it from {_WHERE_BOT_TOKEN} into .env"
        )
    if not token.startswith("xoxb-"):
        raise SlackConfigError(
            f"SLACK_BOT_TOKEN must be a bot token starting with 'xoxb-' (from {_WHERE_BOT_TOKEN})"
        )
    if settings.slack_app_token:
        if not settings.slack_app_token.startswith("xapp-"):
            raise SlackConfigError(
                f"SLACK_APP_TOKEN must be an app-level token starting with 'xapp-' (from {_WHERE_APP_TOKEN})"
            )
        return True
    if not settings.slack_signing_secret:
        raise SlackConfigError(
            "set SLACK_APP_TOKEN for Socket Mode "
            f"({_WHERE_APP_TOKEN}) or SLACK_SIGNING_SECRET for HTTP mode ({_WHERE_SECRET})"
        )
    return False


def check_auth(client: WebClient) -> dict[str, str]:
    """auth.test for the bot token: the bot's ids, or SlackConfigError saying what is wrong."""
    try:
        response = client.auth_test()
    except SlackApiError as err:
        error = err.response.get("error", "unknown error")
        raise SlackConfigError(
            f"Slack rejected SLACK_BOT_TOKEN ({error}): copy a current token from {_WHERE_BOT_TOKEN}"
        ) from err
    except (URLError, OSError) as err:
        raise SlackConfigError(
            f"cannot reach the Slack Web API at {client.base_url} ({err}); check the network or SLACK_API_URL"
        ) from err
    return {
        key: str(response.get(key) or "") for key in ("user_id", "bot_id", "team_id", "team", "url")
    }


def app_token_error(err: SlackApiError) -> SlackConfigError:
    """The SlackConfigError for a failed apps.connections.open with the app-level token."""
    error = err.response.get("error", "unknown error")
    return SlackConfigError(
        f"Slack rejected SLACK_APP_TOKEN ({error}): create one with the connections:write scope "
        f"at {_WHERE_APP_TOKEN}, and enable Socket Mode for the app"
    )
