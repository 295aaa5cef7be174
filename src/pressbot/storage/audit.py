"""The audit trail: who did what, when, to which item. Appended to only.

The database refuses to change or remove a row (migration 14's triggers); `append` is the one
way a row is written, by this store and by the stores whose changes it records in the same
transaction (a decision on a submission, an invite taken).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import aiosqlite

from pressbot.core.team import AuditAction, AuditEntry
from pressbot.storage.connection import Connection, DatabaseError, describe_sqlite_error
from pressbot.storage.times import from_db_time, to_db_time


@dataclass(frozen=True, slots=True)
class AuditRow:
    """A row for a store to append in the transaction of the change it records (the item's
    id is the store's to fill in: a new item has none before)."""

    actor_id: int | None
    action: AuditAction
    details: Mapping[str, object] = field(default_factory=dict)

    async def append_to(self, db: aiosqlite.Connection, at: datetime, item_id: int) -> None:
        """Append it, about `item_id`, inside the caller's transaction."""
        await append(db, at, self.actor_id, self.action, item_id=item_id, details=self.details)


_COLUMNS = "SELECT id, at, actor_id, action, item_id, details FROM audit"


async def append(
    db: aiosqlite.Connection,
    at: datetime,
    actor_id: int | None,
    action: AuditAction,
    *,
    item_id: int | None = None,
    details: Mapping[str, object] | None = None,
) -> None:
    """Add one row inside the caller's transaction."""
    await db.execute(
        "INSERT INTO audit (at, actor_id, action, item_id, details) VALUES (?, ?, ?, ?, ?)",
        (
            to_db_time(at),
            actor_id,
            action.value,
            item_id,
            json.dumps({k: str(v) for k, v in (details or {}).items()}, ensure_ascii=False),
        ),
    )


def _entry(row: aiosqlite.Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=from_db_time(row["at"]),
        actor_id=row["actor_id"],
        action=AuditAction(row["action"]),
        item_id=row["item_id"],
        details=dict(json.loads(row["details"])),
    )


class AuditStore:
    """The audit table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def record(
        self,
        at: datetime,
        actor_id: int | None,
        action: AuditAction,
        *,
        item_id: int | None = None,
        details: Mapping[str, object] | None = None,
    ) -> None:
        """Append one row in a transaction of its own."""
        async with self._connection.transaction() as db:
            await append(db, at, actor_id, action, item_id=item_id, details=details)

    async def refused_since(self, actor_id: int, tried: str, moment: datetime) -> bool:
        """Whether a refusal of `actor_id` whose "tried" starts with `tried` is recorded at or
        after `moment`."""
        value = await self._connection.value(
            "SELECT 1 FROM audit WHERE actor_id = ? AND at >= ? AND action = ?"
            " AND substr(json_extract(details, '$.tried'), 1, length(?)) = ? LIMIT 1",
            (actor_id, to_db_time(moment), AuditAction.REFUSED.value, tried, tried),
        )
        return value is not None

    async def latest(self, limit: int, *, item_id: int | None = None) -> list[AuditEntry]:
        """The newest rows first (one item's only, when item_id is given)."""
        parameters: tuple[int, ...]
        where, parameters = "", (limit,)
        if item_id is not None:  # item 0 too (no row names it), not every row
            where, parameters = "WHERE item_id = ?", (item_id, limit)
        async with (
            self._connection.reading() as db,
            db.execute(f"{_COLUMNS} {where} ORDER BY id DESC LIMIT ?", parameters) as cursor,
        ):
            return [_entry(row) async for row in cursor]

    async def since(self, moment: datetime) -> list[AuditEntry]:
        """Every row at or after `moment`, oldest first: what `pressbot audit` exports."""
        async with (
            self._connection.reading() as db,
            db.execute(f"{_COLUMNS} WHERE at >= ? ORDER BY id", (to_db_time(moment),)) as cursor,
        ):
            return [_entry(row) async for row in cursor]


def read_since(path: Path, moment: datetime) -> list[AuditEntry]:
    """Every row at or after `moment`, oldest first, read from the file at `path` without
    writing to it: `pressbot audit` exports a running bot's database, or a backup, as it is.

    DatabaseError, in one line, for a file that is not an SQLite database, is damaged, or
    keeps no audit trail (another program's, or a pressbot's from before the team's schema).
    """
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise DatabaseError(describe_sqlite_error(path, error)) from None
    with contextlib.closing(connection):
        connection.row_factory = sqlite3.Row
        try:
            if connection.execute(_HAS_AUDIT).fetchone() is None:
                raise DatabaseError(
                    f"{path} keeps no audit trail: it is not a pressbot database, or one whose"
                    " schema is older than the team's (pressbot run brings it up to date)"
                )
            query = f"{_COLUMNS} WHERE at >= ? ORDER BY id"
            return [_entry(row) for row in connection.execute(query, (to_db_time(moment),))]
        except sqlite3.Error as error:
            raise DatabaseError(describe_sqlite_error(path, error)) from None


_HAS_AUDIT = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'"
