"""Opening the SQLite file: PRAGMAs, explicit transactions, one lock per connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 5000",
)


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

    async def close(self) -> None:
        """Close the file."""
        await self.raw.close()


async def open_connection(path: Path | str) -> Connection:
    """Open (creating when missing) the SQLite file with pressbot's PRAGMAs."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    raw = await aiosqlite.connect(str(path), isolation_level=None)
    raw.row_factory = aiosqlite.Row
    for pragma in _PRAGMAS:
        await raw.execute(pragma)
    return Connection(raw)
