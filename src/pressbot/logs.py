"""Logging to stderr with secrets redacted from every line, tracebacks included."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

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
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        """`text` with every secret replaced by <redacted>."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


class JsonLinesFormatter(RedactingFormatter):
    """One JSON object a line (time, level, logger, message, exc_info), secrets redacted.

    Each field is redacted before encoding, since JSON could escape a secret's characters
    differently, and the finished line once more.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exc_info"] = self.redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack_info"] = self.redact(self.formatStack(record.stack_info))
        return self.redact(json.dumps(entry, ensure_ascii=False))


def configure_logging(
    secrets: Iterable[str],
    level: int = logging.INFO,
    log_format: Literal["text", "json"] = "text",
) -> None:
    """Send logs to stderr, redacting secrets; keep chatty HTTP libraries at WARNING."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonLinesFormatter(secrets))
    else:
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
