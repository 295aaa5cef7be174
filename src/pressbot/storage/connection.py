"""Opening the SQLite file: PRAGMAs, explicit transactions, one lock per connection."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 5000",
)
#: Kept in the file itself (the others are the connection's): see Connection.use_wal.
_WAL = "PRAGMA journal_mode = WAL"


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
        """Put the file in WAL mode (readers never wait for the writer); a no-op once it is."""
        async with self.reading() as raw:
            await raw.execute(_WAL)

    async def close(self) -> None:
        """Close the file."""
        await self.raw.close()


class DatabaseError(Exception):
    """A database file pressbot can't use; the message names the file and says why."""


async def open_connection(path: Path | str, *, wal: bool = True) -> Connection:
    """Open (creating when missing) the SQLite file with pressbot's PRAGMAs.

    The file must be intact and writable: DatabaseError otherwise, with nothing left open
    (an open connection's thread would keep the process from exiting). ``wal=False`` leaves
    the file's journal mode alone, for a caller that first checks whose file it is.
    """
    if str(path) != ":memory:":
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseError(f"{path}: can't make its folder: {error.strerror}") from None
    try:
        raw = await aiosqlite.connect(str(path), isolation_level=None)  # closes itself on failure
    except sqlite3.Error as error:
        raise DatabaseError(describe_sqlite_error(path, error)) from None
    try:
        raw.row_factory = aiosqlite.Row
        for pragma in _PRAGMAS:
            await raw.execute(pragma)
        await _check_intact(raw, path)
        await _check_writable(raw)
        if wal:
            await raw.execute(_WAL)
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


def describe_sqlite_error(path: Path | str, error: sqlite3.Error) -> str:
    """One line for the operator: the file, and what SQLite found wrong with it."""
    name = getattr(error, "sqlite_errorname", "")
    if name.startswith("SQLITE_READONLY"):
        return f"{path} is read-only: pressbot must be able to write it and its folder"
    if name.startswith("SQLITE_CORRUPT"):
        return f"{path} is damaged ({error}){_DAMAGED_HINT}"
    if name.startswith("SQLITE_CANTOPEN"):
        return f"{path} can't be opened ({error}): check that it is a file pressbot may write"
    return f"{path}: {error}"
