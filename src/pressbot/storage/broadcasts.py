"""Broadcasts: one per release, correction or withdrawal, with its delivery rows and progress.

`start_broadcast` writes a broadcast and one delivery row per chat with set-based
INSERT … SELECT statements, so the subscribers never pass through Python; the progress of a
broadcast (or of many) is read back in one query.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Final

import aiosqlite

from pressbot.core.models import BroadcastAction, BroadcastProgress
from pressbot.core.quiet import HELD_FOR_QUIET_HOURS
from pressbot.storage.connection import Connection
from pressbot.storage.times import from_db_time, to_db_time

#: A broadcast with its deliveries counted; the callers add which broadcasts, in what order.
_PROGRESS: Final = (
    "SELECT b.id, b.item_id, b.action, b.total, b.progress_chat_id, b.progress_message_id,"
    " b.finished_at IS NOT NULL, b.created_at,"
    " b.sent, b.blocked, b.failed,"  # kept by the triggers of schema_reports.py
    " (SELECT count(*) FROM deliveries AS d JOIN subscribers AS s ON s.chat_id = d.chat_id"
    "  WHERE d.broadcast_id = b.id AND d.status = 'sent' AND s.chat_type = 'channel')"
    " FROM broadcasts AS b"
)


async def start_broadcast(
    db: aiosqlite.Connection,
    item_id: int,
    action: BroadcastAction,
    *,
    requested_by: int | None,
    progress_chat_id: int | None,
    now: datetime,
    media_changed: bool = False,
    languages: Collection[str] | None = None,
) -> int:
    """Queue `action` of an item for every chat it concerns, inside the caller's transaction.

    A release goes to the active subscribers who follow its kind; an edit or a withdrawal to
    every chat a copy reached (`media_changed`: an edit replaces the copies' media too;
    `languages`: an edit reaches only the chats whose version is in one of them).
    Returns the broadcast's id.
    """
    cursor = await db.execute(
        "INSERT INTO broadcasts"
        " (item_id, action, requested_by, progress_chat_id, created_at, media_changed,"
        " languages) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            item_id,
            action.value,
            requested_by,
            progress_chat_id,
            to_db_time(now),
            int(media_changed),
            ",".join(sorted(languages or ())),
        ),
    )
    broadcast_id = cursor.lastrowid
    assert broadcast_id is not None  # noqa: S101 - an INSERT always has a rowid
    if action is BroadcastAction.SEND:
        # Active subscribers who follow the item's kind; chats that take a daily digest get
        # urgent items only (the rest is listed in their digest).
        cursor = await db.execute(
            "INSERT INTO deliveries (broadcast_id, chat_id)"
            " SELECT ?, s.chat_id FROM subscribers AS s JOIN items AS i ON i.id = ?"
            " WHERE s.active = 1 AND (s.digest_at IS NULL OR i.urgent = 1) AND NOT EXISTS"
            " (SELECT 1 FROM muted_topics AS m WHERE m.chat_id = s.chat_id AND m.kind = i.kind)",
            (broadcast_id, item_id),
        )
        # The chats left out for their digest, which lists the release instead.
        await db.execute(
            "UPDATE broadcasts SET in_digests = (SELECT count(*) FROM subscribers AS s"
            " JOIN items AS i ON i.id = ?2 WHERE s.active = 1 AND s.digest_at IS NOT NULL"
            " AND i.urgent = 0 AND NOT EXISTS (SELECT 1 FROM muted_topics AS m"
            "  WHERE m.chat_id = s.chat_id AND m.kind = i.kind)) WHERE id = ?1",
            (broadcast_id, item_id),
        )
    else:
        # Every copy that reached a chat is edited or withdrawn in place.
        # The version each copy carries, as recorded when it was sent (else the item's own).
        version = "coalesce(d.version, (SELECT i.language FROM items AS i WHERE i.id = b.item_id))"
        cursor = await db.execute(
            "INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, message_id, copy_sent_at,"  # noqa: S608 - fixed SQL
            " media_message_ids, copy_shape, version)"
            " SELECT ?1, d.chat_id, d.message_id, d.done_at, d.media_message_ids, d.copy_shape,"
            " d.version FROM deliveries AS d"
            " JOIN broadcasts AS b ON b.id = d.broadcast_id"
            " WHERE b.item_id = ?2 AND b.action = 'send' AND d.status = 'sent'"
            " AND d.message_id IS NOT NULL"
            f" AND (?3 IS NULL OR instr(',' || ?3 || ',', ',' || {version} || ',') > 0)",
            (broadcast_id, item_id, None if languages is None else ",".join(sorted(languages))),
        )
    await db.execute(
        "UPDATE broadcasts SET total = ? WHERE id = ?", (cursor.rowcount, broadcast_id)
    )
    return broadcast_id


def _progress(row: aiosqlite.Row) -> BroadcastProgress:
    return BroadcastProgress(
        broadcast_id=row[0],
        item_id=row[1],
        action=BroadcastAction(row[2]),
        total=row[3],
        sent=row[8],
        blocked=row[9],
        failed=row[10],
        progress_chat_id=row[4],
        progress_message_id=row[5],
        finished=bool(row[6]),
        created_at=from_db_time(row[7]),
        channels_sent=int(row[11]),
    )


class BroadcastStore:
    """The broadcasts table: progress, copies held for quiet hours, the admin's report."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def progress(self, broadcast_id: int) -> BroadcastProgress | None:
        """Return the counts of one broadcast."""
        found = await self._progress_where(" WHERE b.id = ?", (broadcast_id,))
        return found[0] if found else None

    async def open_broadcasts(self) -> list[BroadcastProgress]:
        """Return the broadcasts not yet reported finished, oldest first."""
        return await self._progress_where(" WHERE b.finished_at IS NULL ORDER BY b.id", ())

    async def recent(self, limit: int) -> list[BroadcastProgress]:
        """Return the newest broadcasts, newest first."""
        return await self._progress_where(" ORDER BY b.id DESC LIMIT ?", (limit,))

    async def _progress_where(
        self, clause: str, parameters: tuple[int, ...]
    ) -> list[BroadcastProgress]:
        """The progress of the broadcasts `clause` selects, in its order, in one query.

        `clause` is one of the literals above, never built from input.
        """
        async with (
            self._connection.reading() as db,
            db.execute(_PROGRESS + clause, parameters) as cursor,
        ):
            return [_progress(row) async for row in cursor]

    async def held(self, broadcast_id: int) -> tuple[int, datetime | None]:
        """How many of a broadcast's copies wait for their chat's quiet hours, and until when
        the last of them waits."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT count(*), max(not_before) FROM deliveries"
                " WHERE broadcast_id = ? AND status = 'pending' AND error = ?",
                (broadcast_id, HELD_FOR_QUIET_HOURS),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        if row is None or not row[0]:
            return 0, None
        return int(row[0]), datetime.fromtimestamp(float(row[1]), UTC)

    async def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        """Remember the admin's progress message, to edit it as delivery goes on."""
        async with self._connection.transaction() as db:
            await db.execute(
                "UPDATE broadcasts SET progress_message_id = ? WHERE id = ?",
                (message_id, broadcast_id),
            )

    async def finish(self, broadcast_id: int, total: int, now: datetime) -> bool:
        """Mark a broadcast reported: every delivery is final and the report is out.

        `total` is the count the report showed. When deliveries were added meanwhile (copies
        that left during a correction or withdrawal) it stays open, to be reported again.
        """
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "UPDATE broadcasts SET finished_at = ? WHERE id = ? AND finished_at IS NULL"
                " AND total = ? AND NOT EXISTS (SELECT 1 FROM deliveries"
                "  WHERE broadcast_id = broadcasts.id AND status = 'pending')",
                (to_db_time(now), broadcast_id, total),
            )
            return cursor.rowcount == 1
