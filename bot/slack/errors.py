"""Domain errors of the Slack side; the CLI turns them into one-line messages."""

from __future__ import annotations

from index.api import NewsbotError


class SlackConfigError(NewsbotError):
    """A Slack token or secret is missing, malformed or rejected; the message says which and what to do."""
