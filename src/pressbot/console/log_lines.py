"""The bot's log in a console session: each record in full in ``<database>.log``, not the chat.

A handler's error is logged with its traceback, which is for whoever debugs it, not for the
person chatting: the chat shows only what the bot sends, and ``<database>.log`` keeps the
record as `pressbot run` would write it, traceback included, secrets redacted.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from pressbot.logs import RedactingFormatter

_FULL_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_path_for(db_path: Path) -> Path:
    """The log file that belongs to a console's database file."""
    return db_path.with_name(db_path.name + ".log")


@contextlib.contextmanager
def console_logging(log_path: Path, secrets: Iterable[str]) -> Iterator[None]:
    """While inside, log records go to `log_path` in full, and nowhere else."""
    secrets = tuple(secrets)
    full = logging.FileHandler(log_path, encoding="utf-8", delay=True)  # made at the first record
    full.setFormatter(RedactingFormatter(secrets, _FULL_FORMAT))
    root = logging.getLogger()
    before = root.handlers[:]
    root.handlers[:] = [full]
    try:
        yield
    finally:
        root.handlers[:] = before
        full.close()
