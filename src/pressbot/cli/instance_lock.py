"""One bot per database: an exclusive lock file next to the SQLite file, held while it runs.

The lock is an flock(2) on ``<database>.lock``: the kernel drops it when the process ends,
however it ends (kill -9 included), so a crash never leaves a stale lock behind. The file keeps
the holder's process id, for the message another command shows.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pressbot.storage.connection import DatabaseError, describe_os_error

logger = logging.getLogger(__name__)


class DatabaseInUseError(Exception):
    """Another process (a running bot) holds the database's lock."""


def lock_path_for(db_path: Path) -> Path:
    """The lock file that belongs to a database file."""
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def hold_database_lock(db_path: Path) -> Iterator[None]:
    """Hold the database's lock for the block; raise DatabaseInUseError if another has it."""
    path = lock_path_for(db_path)
    descriptor = _open_lock_file(path)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseInUseError(_in_use_message(db_path, _holder_pid(descriptor))) from None
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        yield
    finally:
        # Closing the descriptor releases the lock; the file stays, harmless and reusable.
        os.close(descriptor)


def _open_lock_file(path: Path) -> int:
    """Open (creating it and its folder) the lock file; DatabaseError, in one line, if not."""
    if path.is_dir():
        raise DatabaseError(f"{path}, the database's lock file, is a folder: remove it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise DatabaseError(f"the lock file {describe_os_error(path, error)}") from None


def _holder_pid(descriptor: int) -> int | None:
    raw = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
    return int(raw) if raw.isdigit() else None


def _in_use_message(db_path: Path, pid: int | None) -> str:
    holder = f"a pressbot process (pid {pid})" if pid else "another pressbot process"
    return f"{holder} is running on {db_path}; stop it first"
