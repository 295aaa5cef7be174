"""Logging to stderr with secrets redacted from every line, tracebacks included."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

REDACTED = "<redacted>"


class RedactingFormatter(logging.Formatter):
    """A formatter that replaces each secret wherever it appears in the formatted record.

    Redacting the finished text (message, arguments and traceback alike) also covers URLs
    that libraries log with the token inside, e.g. https://api.telegram.org/bot<token>/getMe.
    """

    def __init__(self, secrets: Iterable[str], fmt: str | None = None) -> None:
        super().__init__(fmt)
        self._secrets = tuple(secret for secret in secrets if secret)

    def format(self, record: logging.LogRecord) -> str:
        """Format the record, then blank out the secrets."""
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def configure_logging(secrets: Iterable[str], level: int = logging.INFO) -> None:
    """Send logs to stderr, redacting secrets; keep chatty HTTP libraries at WARNING."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        RedactingFormatter(secrets, "%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and a Bot API URL carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # The job queue would log every run of the progress job, every few seconds.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
