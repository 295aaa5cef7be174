"""Opening a pressbot database only to read it: `pressbot report` exports a running bot's
file, or a backup, as it is.

The file is opened with SQLite's `mode=ro`: no lock of ours, no migration, no journal mode
set, nothing written (a WAL file's -wal and -shm beside it are SQLite's, made when missing).
A bot writing it meanwhile does not stop the reads (WAL mode), and busy_timeout covers a
rollback-journal file's short commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path
from typing import Any, Final

import aiosqlite

from pressbot.storage.connection import (
    APPLICATION_ID_SQL,
    MIGRATION_COLUMNS_SQL,
    TABLES_SQL,
    Connection,
    DatabaseError,
    describe_sqlite_error,
    foreign_file_reason,
)
from pressbot.storage.migrations import SchemaError, check_schema_version
from pressbot.storage.schema_reports import REPORT_MIGRATIONS
from pressbot.storage.search_index import SQL_FUNCTIONS

#: The first schema with what the release reports read: reads, the broadcasts' counters.
REPORTS_SCHEMA: Final = REPORT_MIGRATIONS[0].version
_BUSY_TIMEOUT = "PRAGMA busy_timeout = 5000"
_VERSION_SQL = "SELECT coalesce(max(version), 0) FROM schema_migrations"
_HAS_READS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reads'"


async def open_read_only(path: Path) -> Connection:
    """Open the pressbot database at `path` for reading only, for the release reports.

    DatabaseError, in one line and with nothing left open, for a file that is missing or
    can't be read, is not an SQLite database or is damaged, is another program's, or has a
    schema older than REPORTS_SCHEMA or newer than this pressbot knows.
    """
    # sqlite3 first: aiosqlite, when it can't open a file, leaves its thread to answer a
    # closed event loop with a traceback of its own (as storage.connection says).
    uri = await asyncio.to_thread(_probe, path)
    try:
        raw = await aiosqlite.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise DatabaseError(describe_read_error(path, error)) from None
    try:
        raw.row_factory = aiosqlite.Row  # as storage.connection.open_connection sets it
        async with raw.execute(_BUSY_TIMEOUT) as cursor:
            await cursor.fetchall()
        for name, function in SQL_FUNCTIONS.items():
            await raw.create_function(name, 1, function, deterministic=True)
        await _check_ours(raw, path)
        await _check_schema(raw, path)
    except BaseException as error:
        await raw.close()  # an open connection's thread would keep the process alive
        if isinstance(error, sqlite3.Error):
            raise DatabaseError(describe_read_error(path, error)) from None
        raise
    return Connection(raw)


def describe_read_error(path: Path, error: sqlite3.Error) -> str:
    """One line for the operator: why the file at `path` can't be read.

    storage.connection's wording asks for a file pressbot may write; a reader needs less.
    """
    name = getattr(error, "sqlite_errorname", "")
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM")):
        return f"{path} can't be read ({error}): check that pressbot may read it and its folder"
    return describe_sqlite_error(path, error)


def _probe(path: Path) -> str:
    """Open the file once with sqlite3 and read its header, so that what stops a reading is
    said here, in one line; return the URI that opens it read-only."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
            connection.execute(APPLICATION_ID_SQL).fetchall()
    except sqlite3.Error as error:
        raise DatabaseError(describe_read_error(path, error)) from None
    return uri


async def _check_ours(raw: aiosqlite.Connection, path: Path) -> None:
    """Refuse another program's file, and an empty one (nothing of pressbot's in it)."""
    facts: list[list[Any]] = []
    for sql in (APPLICATION_ID_SQL, TABLES_SQL, MIGRATION_COLUMNS_SQL):
        async with raw.execute(sql) as cursor:
            facts.append([row[0] async for row in cursor])
    [application_id], tables, columns = facts
    if not tables:  # foreign_file_reason takes it: a new file is pressbot's to fill in
        raise DatabaseError(f"{path} is empty, not a pressbot database")
    reason = foreign_file_reason(int(application_id), tables, columns)
    if reason is not None:
        raise DatabaseError(f"{path} {reason}")


async def _check_schema(raw: aiosqlite.Connection, path: Path) -> None:
    """Refuse a schema the reports' queries don't fit: too old, too new, or without reads."""
    async with raw.execute(_VERSION_SQL) as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row else 0
    try:
        check_schema_version(version)
    except SchemaError as error:
        raise DatabaseError(f"{path} {error}") from None
    if version < REPORTS_SCHEMA:
        raise DatabaseError(
            f"{path} keeps no reads: its schema is version {version}, older than"
            f" {REPORTS_SCHEMA} (pressbot run brings it up to date)"
        )
    async with raw.execute(_HAS_READS) as cursor:
        if await cursor.fetchone() is None:
            raise DatabaseError(
                f"{path} lacks its table reads, which schema version {version} has:"
                " restore a backup with `pressbot restore PATH`"
            )
