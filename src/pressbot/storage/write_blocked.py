"""Telling a database that cannot be written just now from one that is broken.

Another connection holding a write transaction past the busy timeout, or a full disk, makes
SQLite refuse a write with an error that is the moment's, not the code's: the bot says it is
busy and the same command works later. Everything else is a fault to log in full.
"""

from __future__ import annotations

import sqlite3
from typing import Final

#: SQLite's primary result codes for "not now": SQLITE_BUSY, SQLITE_LOCKED, SQLITE_FULL.
_NOT_NOW: Final = frozenset({5, 6, 13})
#: An extended result code keeps its primary code in the low byte (SQLITE_BUSY_SNAPSHOT ...).
_PRIMARY_MASK: Final = 0xFF


def cannot_write_now(error: BaseException | None) -> bool:
    """Whether `error` is SQLite refusing a write for now: locked by another, or disk full."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & _PRIMARY_MASK in _NOT_NOW
