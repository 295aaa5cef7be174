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
from datetime import UTC, datetime
from pathlib import Path

from pressbot.storage.connection import (
    APPLICATION_ID_SQL,
    MIGRATION_COLUMNS_SQL,
    PRESSBOT_TABLES,
    TABLES_SQL,
    describe_os_error,
    foreign_file_reason,
    make_folder_for,
)
from pressbot.storage.migrations import SchemaError, check_schema_version
from pressbot.storage.schema_team import TEAM_MIGRATIONS

logger = logging.getLogger(__name__)

#: Called with (pages copied, pages in all) after each step of a copy.
Progress = Callable[[int, int], None]

PAGES_PER_STEP = 256
#: From the team's migration on, a database keeps the audit trail and the triggers that keep
#: it append-only: a copy without them would restore a trail anyone could rewrite, or none.
_AUDIT_SINCE = TEAM_MIGRATIONS[0].version
_AUDIT_OBJECTS = (
    ("table", "audit"),
    ("trigger", "audit_no_update"),
    ("trigger", "audit_no_delete"),
    ("trigger", "audit_no_replace"),
)
_AUDIT_SQL = (
    "SELECT type, name FROM sqlite_master"
    " WHERE name IN ('audit', 'audit_no_update', 'audit_no_delete', 'audit_no_replace')"
)
_BUSY_TIMEOUT_S = 5.0


class BackupError(Exception):
    """A file that is not a usable pressbot database, or a copy that could not be made."""


def copy_database(source: Path, target: Path, progress: Progress) -> None:
    """Copy ``source`` to ``target`` as it is at one instant; ``target`` appears only whole.

    The copy is written to a temporary file beside ``target`` and renamed at the end, in the
    rollback-journal mode, so that it is one self-contained file.
    """
    if not source.is_file():
        raise BackupError(f"{source} {'is a folder' if source.is_dir() else 'does not exist'}")
    make_folder_for(target)
    partial = target.with_name(f".{target.name}.partial")
    reader = sqlite3.connect(source, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
    try:
        partial.unlink(missing_ok=True)
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
    except OSError as error:  # the target's folder: full, read-only, or not ours to write
        raise BackupError(describe_os_error(target, error)) from None
    finally:
        reader.close()
        partial.unlink(missing_ok=True)


def check_pressbot_database(path: Path) -> int:
    """Check that ``path`` is an intact pressbot database; return its schema version.

    BackupError, in one line, for anything else: no file, not SQLite, damaged, another
    program's (by its application_id or its tables), no schema yet, or a newer pressbot's.
    """
    if not path.is_file():
        raise BackupError(f"{path} {'is a folder' if path.is_dir() else 'does not exist'}")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"{path} can't be opened: {error}") from None
    version: object = None
    try:
        [verdict] = connection.execute("PRAGMA integrity_check(1)").fetchone()
        [application_id] = connection.execute(APPLICATION_ID_SQL).fetchone()
        tables = [row[0] for row in connection.execute(TABLES_SQL)]
        columns = [row[0] for row in connection.execute(MIGRATION_COLUMNS_SQL)]
        if verdict == "ok" and set(tables) >= PRESSBOT_TABLES:
            [version] = connection.execute("SELECT max(version) FROM schema_migrations").fetchone()
        audit = {(row[0], row[1]) for row in connection.execute(_AUDIT_SQL)}
    except sqlite3.DatabaseError as error:
        if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_CORRUPT:  # a page the check itself hit
            raise BackupError(f"{path} is damaged ({error})") from None
        raise BackupError(f"{path} is not a usable SQLite database: {error}") from None
    finally:
        connection.close()
    if verdict != "ok":
        raise BackupError(f"{path} is damaged ({_first_finding(str(verdict))})")
    if not tables:
        raise BackupError(f"{path} is an empty SQLite file, not a pressbot database")
    reason = foreign_file_reason(application_id, tables, columns)
    if reason is not None:
        raise BackupError(f"{path} {reason}")
    missing = sorted(PRESSBOT_TABLES - set(tables))
    if missing or not isinstance(version, int):
        lacks = f"its table {missing[0]}" if missing else "a recorded schema version"
        raise BackupError(f"{path} is not a whole pressbot database: it lacks {lacks}")
    try:
        check_schema_version(version)  # the rule a start applies too
    except SchemaError as error:
        raise BackupError(f"{path} {error}") from None
    lacking = [f"its {kind} {name}" for kind, name in _AUDIT_OBJECTS if (kind, name) not in audit]
    if version >= _AUDIT_SINCE and lacking:
        raise BackupError(f"{path} is not a whole pressbot database: it lacks {lacking[0]}")
    return version


def _first_finding(report: str) -> str:
    """The first problem of an integrity_check report, which may take many lines."""
    lines = [line for line in report.splitlines() if line and not line.startswith("***")]
    return (lines or [report])[0]


def replace_database(
    backup: Path, db_path: Path, now: datetime, progress: Progress
) -> Path | None:
    """Put a copy of ``backup`` where the database is; the bot must not be running.

    The database it replaces is moved, with its -wal, to a name of its own that says when
    (see set_aside_path; a damaged one too: it is not read), never over an earlier one;
    return that path, or None when there was no database. Nothing changes if the copy fails.
    """
    if db_path.is_dir():
        raise BackupError(f"{db_path} is a folder, not a database file")
    incoming = db_path.with_name(f".{db_path.name}.restoring")
    copy_database(backup, incoming, progress)
    try:
        keep = set_aside_path(db_path, now)
        kept = _set_aside(db_path, keep)
        os.replace(incoming, db_path)
        _fsync_directory(db_path.parent)
    except OSError as error:
        raise BackupError(describe_os_error(db_path, error)) from None
    finally:
        incoming.unlink(missing_ok=True)
    return keep if kept else None


def set_aside_path(db_path: Path, now: datetime) -> Path:
    """Where a restore sets the database aside: ``<name>.before-restore-<UTC time>``, unused.

    Two restores in the same second get ``-2``, ``-3``…: no copy set aside is ever replaced.
    """
    stamp = f"{db_path.name}.before-restore-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    keep, number = db_path.with_name(stamp), 1
    while any(keep.with_name(keep.name + end).exists() for end in ("", "-wal", "-shm")):
        number += 1
        keep = db_path.with_name(f"{stamp}-{number}")
    return keep


def _set_aside(db_path: Path, keep: Path) -> bool:
    """Move the database and its WAL to ``keep``, where SQLite reads them as one again.

    A WAL left beside the new file would be read as part of it, so none may stay behind.
    ``keep`` is a new name: nothing there is replaced.
    """
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
