"""The bot's log in a console session: one line in the chat, each record in full in a file.

A handler's error is logged with its traceback, which is for whoever debugs it, not for the
person chatting: the terminal shows the record's one line (naming the error and the file), and
``<database>.log`` keeps the record as `pressbot run` would write it, traceback included.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pressbot.logs import RedactingFormatter

_FULL_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_path_for(db_path: Path) -> Path:
    """The log file that belongs to a console's database file."""
    return db_path.with_name(db_path.name + ".log")


class OneLineFormatter(RedactingFormatter):
    """A record as one line: level, logger and message; an error by its class and first line."""

    def __init__(self, secrets: Iterable[str], log_path: Path) -> None:
        super().__init__(secrets)
        self._log_path = log_path

    def format(self, record: logging.LogRecord) -> str:
        """The record's one line, secrets redacted."""
        line = f"{record.levelname} {record.name}: {record.getMessage()}"
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            summary = next(iter(str(error).splitlines()), "")
            line += f" ({type(error).__name__}: {summary}; the traceback is in {self._log_path})"
        return self.redact(line.replace("\n", " "))


class _LineHandler(logging.Handler):
    """Hands each formatted record to `show` (the terminal prints it above the prompt)."""

    def __init__(self, show: Callable[[str], None]) -> None:
        super().__init__()
        self._show = show

    def emit(self, record: logging.LogRecord) -> None:
        """Show the record's line."""
        try:
            self._show(self.format(record))
        except Exception:  # logging's own rule: a failing handler reports, never raises
            self.handleError(record)


@contextlib.contextmanager
def console_logging(
    show: Callable[[str], None], log_path: Path, secrets: Iterable[str]
) -> Iterator[None]:
    """While inside, log records go to `show` as one line each and to `log_path` in full."""
    secrets = tuple(secrets)
    chat = _LineHandler(show)
    chat.setFormatter(OneLineFormatter(secrets, log_path))
    full = logging.FileHandler(log_path, encoding="utf-8", delay=True)  # made at the first record
    full.setFormatter(RedactingFormatter(secrets, _FULL_FORMAT))
    root = logging.getLogger()
    before = root.handlers[:]
    root.handlers[:] = [chat, full]
    try:
        yield
    finally:
        root.handlers[:] = before
        full.close()
