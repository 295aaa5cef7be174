"""Opening the SQLite file: PRAGMAs, explicit transactions, one lock per connection.

Every connection has pressbot's SQL functions too (storage.search_index.SQL_FUNCTIONS).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from pressbot.storage.search_index import SQL_FUNCTIONS

_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 5000",
)
#: Kept in the file itself (the others are the connection's): see Connection.use_wal.
_WAL = "PRAGMA journal_mode = WAL"

#: PRAGMA application_id of a pressbot database ("Prss"), written once its schema is ours.
APPLICATION_ID = 0x50727373
#: Tables every pressbot database has from its first migration on.
PRESSBOT_TABLES = frozenset({"schema_migrations", "items", "subscribers", "contacts", "meta"})
#: What tells pressbot's schema_migrations (older files carry no application_id) from others'.
_MIGRATION_COLUMNS = frozenset({"version", "name", "applied_at"})
#: The facts foreign_file_reason judges, when opening a file and when checking a backup.
APPLICATION_ID_SQL = "PRAGMA application_id"
TABLES_SQL = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    " ORDER BY name"
)
MIGRATION_COLUMNS_SQL = "SELECT name FROM pragma_table_info('schema_migrations')"


def foreign_file_reason(
    application_id: int, tables: Sequence[str], migration_columns: Collection[str]
) -> str | None:
    """Why an SQLite file is not pressbot's to write (the words after its name); None if it is.

    A new, empty file is; one with pressbot's application_id is; an older pressbot's file,
    from before that mark, is known by its schema_migrations table, whose columns differ from
    those of other tools' tables of that name (golang-migrate's, Rails').
    """
    if application_id == APPLICATION_ID or (application_id == 0 and not tables):
        return None
    if application_id != 0:
        return (
            f"is another program's SQLite file (application_id {application_id:#x}),"
            " not a pressbot database"
        )
    if "schema_migrations" in tables and set(migration_columns) >= _MIGRATION_COLUMNS:
        return None
    listed = ", ".join(tables[:3]) + (", …" if len(tables) > 3 else "")
    return f"is not a pressbot database (it has tables of another program: {listed})"


class Connection:
    """An aiosqlite connection whose statements and transactions never interleave.

    The connection runs in autocommit mode (isolation_level=None) so that transactions are
    explicit; the lock keeps one coroutine's statements out of another's transaction.
    """

    def __init__(self, raw: aiosqlite.Connection) -> None:
        self.raw = raw
        self.lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block in BEGIN IMMEDIATE … COMMIT, rolling back on any error."""
        async with self.lock:
            await self.raw.execute("BEGIN IMMEDIATE")
            try:
                yield self.raw
            except BaseException:
                await self.raw.execute("ROLLBACK")
                raise
            await self.raw.execute("COMMIT")

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run read-only statements outside anybody else's transaction."""
        async with self.lock:
            yield self.raw

    async def value(self, sql: str, parameters: tuple[object, ...] = ()) -> Any:
        """The first column of the first row a read-only query gives; None for no row."""
        async with self.reading() as db, db.execute(sql, parameters) as cursor:
            row = await cursor.fetchone()
        return None if row is None else row[0]

    async def use_wal(self) -> None:
        """Mark the file as pressbot's and put it in WAL mode (readers never wait for the writer).

        Called once its schema is known to be pressbot's; a no-op when both are done already.
        """
        async with self.reading() as raw:
            async with raw.execute("PRAGMA application_id") as cursor:
                row = await cursor.fetchone()
            if row is None or row[0] != APPLICATION_ID:
                await raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            await _set_wal(raw)

    async def close(self) -> None:
        """Close the file."""
        await self.raw.close()


async def _set_wal(raw: aiosqlite.Connection) -> None:
    """Put the file in WAL mode."""
    await _pragma(raw, _WAL)


async def _pragma(raw: aiosqlite.Connection, pragma: str) -> None:
    """Run a PRAGMA with its answer (busy_timeout and journal_mode answer a row) read and its
    cursor closed, so that nothing of it stays open on the connection."""
    async with raw.execute(pragma) as cursor:
        await cursor.fetchall()


class DatabaseError(Exception):
    """A database file pressbot can't use; the message names the file and says why."""


async def open_connection(path: Path | str, *, wal: bool = True) -> Connection:
    """Open (creating when missing) the SQLite file with pressbot's PRAGMAs.

    The file must be intact and writable: DatabaseError otherwise, with nothing left open
    (an open connection's thread would keep the process from exiting). ``wal=False`` leaves
    the file's journal mode alone, for a caller that first checks whose file it is.
    """
    if str(path) != ":memory:":
        await asyncio.to_thread(_prepare_database_file, Path(path))
    try:
        raw = await aiosqlite.connect(str(path), isolation_level=None)
    except sqlite3.Error as error:  # rare after the probe: aiosqlite's thread may outlive it
        raise DatabaseError(describe_sqlite_error(path, error)) from None
    try:
        raw.row_factory = aiosqlite.Row
        for pragma in _PRAGMAS:
            await _pragma(raw, pragma)
        for name, function in SQL_FUNCTIONS.items():  # a migration's SQL may call them
            await raw.create_function(name, 1, function, deterministic=True)
        await _check_intact(raw, path)
        await _check_ours(raw, path)
        await _check_writable(raw)
        if wal:
            await _set_wal(raw)
    except BaseException as error:
        await raw.close()
        if isinstance(error, sqlite3.Error):
            raise DatabaseError(describe_sqlite_error(path, error)) from None
        raise
    return Connection(raw)


async def _check_intact(raw: aiosqlite.Connection, path: Path | str) -> None:
    """Refuse a file with damaged pages, which a start would otherwise read only later."""
    async with raw.execute("PRAGMA quick_check(1)") as cursor:  # every page, in a blink
        row = await cursor.fetchone()
    verdict = "ok" if row is None else str(row[0])
    if verdict != "ok":
        lines = [line for line in verdict.splitlines() if not line.startswith("***")]
        raise DatabaseError(f"{path} is damaged ({(lines or [verdict])[0]}){_DAMAGED_HINT}")


async def _check_ours(raw: aiosqlite.Connection, path: Path | str) -> None:
    """Refuse another program's file before anything of pressbot's is written into it."""
    facts: list[list[Any]] = []
    for sql in (APPLICATION_ID_SQL, TABLES_SQL, MIGRATION_COLUMNS_SQL):
        async with raw.execute(sql) as cursor:
            facts.append([row[0] async for row in cursor])
    [application_id], tables, columns = facts
    reason = foreign_file_reason(int(application_id), tables, columns)
    if reason is not None:
        raise DatabaseError(f"{path} {reason}")


async def _check_writable(raw: aiosqlite.Connection) -> None:
    """Write (and roll back) a header field: a read-only file fails now, not at the first write.

    SQLite opens a file it may not write read-only without saying so, and an up-to-date
    schema needs no write, so nothing else would tell.
    """
    await raw.execute("BEGIN IMMEDIATE")
    try:
        async with raw.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        await raw.execute(f"PRAGMA user_version = {int(row[0]) if row else 0}")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):  # the write's own error is the one to tell
            await raw.execute("ROLLBACK")
        raise
    await raw.execute("ROLLBACK")


_DAMAGED_HINT = "; restore a backup with `pressbot restore PATH`"


def _prepare_database_file(path: Path) -> None:
    """Make the file's folder and open it once, so that what stops an opening is said here.

    aiosqlite, when it can't open a file, leaves its thread to answer a closed event loop
    with a traceback of its own; sqlite3 here just raises.
    """
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")
    make_folder_for(path)
    try:
        sqlite3.connect(path).close()  # creates a missing file, as aiosqlite would next
    except sqlite3.Error as error:
        raise DatabaseError(describe_sqlite_error(path, error)) from None


def make_folder_for(path: Path) -> None:
    """Make the folder of a file pressbot writes; DatabaseError, in one line, if it can't."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseError(describe_os_error(path, error)) from None


def describe_os_error(path: Path, error: OSError) -> str:
    """One line for the operator: why the file ``path`` can't be made or opened."""
    if path.is_dir():
        return f"{path} is a folder, not a file"
    in_the_way = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if in_the_way is not None:
        return f"{path} can't be made: {in_the_way} is a file, not a folder"
    if isinstance(error, PermissionError) or not _may_write_folder_of(path):
        return f"{path} can't be made: pressbot may not write its folder {path.parent}"
    return f"{path} can't be made or opened: {error.strerror or error}"


def describe_sqlite_error(path: Path | str, error: sqlite3.Error) -> str:
    """One line for the operator: the file, and what SQLite found wrong with it."""
    name = getattr(error, "sqlite_errorname", "")
    if name.startswith("SQLITE_READONLY"):
        return f"{path} is read-only: pressbot must be able to write it and its folder"
    if name.startswith("SQLITE_CORRUPT"):
        return f"{path} is damaged ({error}){_DAMAGED_HINT}"
    if name.startswith("SQLITE_CANTOPEN") and not _may_write_folder_of(Path(path)):
        return f"{path} can't be written: pressbot may not write its folder {Path(path).parent}"
    if name.startswith("SQLITE_CANTOPEN"):
        return f"{path} can't be opened ({error}): check that it is a file pressbot may write"
    return f"{path}: {error}"


def _may_write_folder_of(path: Path) -> bool:
    """Whether new files (a journal, a lock) can be made beside ``path``."""
    folder = path.parent
    return os.access(folder, os.W_OK | os.X_OK) if folder.is_dir() else False
