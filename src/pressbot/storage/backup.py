"""Copying the SQLite file while the bot runs, checking a copy, and putting a copy in place.

Copies use SQLite's online backup API from a connection of their own. That connection holds
one read transaction for the whole copy, so the copy is the database at one instant (WAL
mode: the bot's writers are not blocked) even though it is made in steps for a progress bar;
without it, every commit of the bot would restart the copy from its first page.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from pressbot.storage.migrations import SchemaError, check_schema_version

logger = logging.getLogger(__name__)

#: Called with (pages copied, pages in all) after each step of a copy.
Progress = Callable[[int, int], None]

PAGES_PER_STEP = 256
_BUSY_TIMEOUT_S = 5.0


class BackupError(Exception):
    """A file that is not a usable pressbot database, or a copy that could not be made."""


def copy_database(source: Path, target: Path, progress: Progress) -> None:
    """Copy ``source`` to ``target`` as it is at one instant; ``target`` appears only whole.

    The copy is written to a temporary file beside ``target`` and renamed at the end, in the
    rollback-journal mode, so that it is one self-contained file.
    """
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    reader = sqlite3.connect(source, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
    try:
        writer = sqlite3.connect(partial, isolation_level=None)
        try:
            # A read transaction held across every step: the copy's one instant.
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
            reader.backup(
                writer,
                pages=PAGES_PER_STEP,
                progress=lambda _status, remaining, total: progress(total - remaining, total),
            )
            reader.execute("COMMIT")
            writer.execute("PRAGMA journal_mode = DELETE")
        finally:
            writer.close()
        _fsync(partial)
        os.replace(partial, target)
        _fsync_directory(target.parent)
    except sqlite3.Error as error:
        raise BackupError(f"could not copy {source}: {error}") from None
    finally:
        reader.close()
        partial.unlink(missing_ok=True)


def check_pressbot_database(path: Path) -> int:
    """Check that ``path`` is an intact pressbot database; return its schema version."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"{path} can't be opened: {error}") from None
    try:
        [verdict] = connection.execute("PRAGMA integrity_check(1)").fetchone()
        if verdict != "ok":
            raise BackupError(f"{path} is damaged: {verdict}")
        table = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if table is None:
            raise BackupError(f"{path} is an SQLite file, but not a pressbot database")
        [version] = connection.execute("SELECT max(version) FROM schema_migrations").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a usable SQLite database: {error}") from None
    finally:
        connection.close()
    if not isinstance(version, int):  # schema_migrations empty: no pressbot schema in it
        raise BackupError(f"{path} is an SQLite file, but not a pressbot database")
    try:
        check_schema_version(version)  # the rule a start applies too
    except SchemaError as error:
        raise BackupError(f"{path} {error}") from None
    return version


def replace_database(backup: Path, db_path: Path, keep: Path, progress: Progress) -> bool:
    """Put a copy of ``backup`` where the database is; the bot must not be running.

    The database it replaces is moved, with its -wal, to ``keep`` (a damaged one too: it is
    not read); return whether there was one. Nothing changes if the copy fails.
    """
    incoming = db_path.with_name(f".{db_path.name}.restoring")
    copy_database(backup, incoming, progress)
    try:
        kept = _set_aside(db_path, keep)
        os.replace(incoming, db_path)
        _fsync_directory(db_path.parent)
    finally:
        incoming.unlink(missing_ok=True)
    return kept


def _set_aside(db_path: Path, keep: Path) -> bool:
    """Move the database and its WAL to ``keep``, where SQLite reads them as one again.

    A WAL left beside the new file would be read as part of it, so none may stay behind.
    """
    for suffix in ("-wal", "-shm"):
        keep.with_name(keep.name + suffix).unlink(missing_ok=True)
    db_path.with_name(db_path.name + "-shm").unlink(missing_ok=True)  # rebuilt on open
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():
        os.replace(wal, keep.with_name(keep.name + "-wal"))
    if not db_path.exists():
        return False
    os.replace(db_path, keep)
    return True


def _fsync(path: Path) -> None:
    """Make the file's contents durable before it is renamed into place."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_directory(path: Path) -> None:
    """Make a rename in the directory durable."""
    with contextlib.suppress(OSError):  # some filesystems can't sync a directory
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
