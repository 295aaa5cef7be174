"""Subscribers: the chats that get new releases."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from pressbot.core.models import ChatType, Kind, SubscriptionChange
from pressbot.core.quiet import HELD_FOR_QUIET_HOURS
from pressbot.core.reports import JoinReason
from pressbot.storage.connection import Connection
from pressbot.storage.times import to_db_time


async def _release_quiet_holds(db: aiosqlite.Connection, chat_id: int) -> None:
    """Make the chat's deliveries held for its quiet hours due now (its window changed)."""
    await db.execute(
        "UPDATE deliveries SET not_before = 0, error = NULL"
        " WHERE chat_id = ? AND status = 'pending' AND error = ?",
        (chat_id, HELD_FOR_QUIET_HOURS),
    )


class SubscriberStore:
    """The subscribers table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def subscribe(
        self, chat_id: int, chat_type: ChatType, language_code: str | None, now: datetime
    ) -> SubscriptionChange:
        """Make the chat an active subscriber; say whether it already was."""
        stamp = to_db_time(now)
        async with self._connection.transaction() as db:
            async with db.execute(
                "SELECT active FROM subscribers WHERE chat_id = ?", (chat_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None and row["active"]:
                return SubscriptionChange.ALREADY_SUBSCRIBED
            await db.execute(
                "INSERT INTO subscribers (chat_id, chat_type, active, language_code,"
                " subscribed_at, updated_at, change_reason) VALUES (?, ?, 1, ?, ?, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET active = 1, chat_type = excluded.chat_type,"
                " language_code = coalesce(excluded.language_code, language_code),"
                " subscribed_at = excluded.subscribed_at, updated_at = excluded.updated_at,"
                " change_reason = excluded.change_reason",
                (chat_id, chat_type.value, language_code, stamp, stamp, JoinReason.SUBSCRIBED),
            )
        return SubscriptionChange.SUBSCRIBED

    async def unsubscribe(
        self, chat_id: int, now: datetime, reason: JoinReason = JoinReason.STOPPED
    ) -> SubscriptionChange:
        """Make the chat inactive, for `reason`; say whether it was subscribed."""
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "UPDATE subscribers SET active = 0, updated_at = ?, change_reason = ?"
                " WHERE chat_id = ? AND active = 1",
                (to_db_time(now), reason, chat_id),
            )
            changed = cursor.rowcount == 1
        return SubscriptionChange.UNSUBSCRIBED if changed else SubscriptionChange.NOT_SUBSCRIBED

    async def is_active(self, chat_id: int) -> bool:
        """Return whether the chat gets new releases."""
        sql = "SELECT active FROM subscribers WHERE chat_id = ?"
        return bool(await self._connection.value(sql, (chat_id,)))

    async def count_active(self) -> int:
        """Return how many chats get new releases."""
        return int(
            await self._connection.value("SELECT count(*) FROM subscribers WHERE active = 1")
        )

    async def count_inactive(self) -> int:
        """Return how many chats unsubscribed, blocked the bot or were removed."""
        return int(
            await self._connection.value("SELECT count(*) FROM subscribers WHERE active = 0")
        )

    async def muted_kinds(self, chat_id: int) -> frozenset[Kind]:
        """Return the kinds of item this chat does not follow."""
        async with (
            self._connection.reading() as db,
            db.execute("SELECT kind FROM muted_topics WHERE chat_id = ?", (chat_id,)) as cursor,
        ):
            rows = await cursor.fetchall()
        return frozenset(str(row["kind"]) for row in rows)

    async def toggle_kind(self, chat_id: int, kind: Kind) -> bool:
        """Follow the kind if the chat did not, else stop; return whether it now follows it."""
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM muted_topics WHERE chat_id = ? AND kind = ?", (chat_id, kind)
            )
            if cursor.rowcount:
                return True
            await db.execute(
                "INSERT INTO muted_topics (chat_id, kind) VALUES (?, ?)", (chat_id, kind)
            )
        return False

    async def set_channels(self, channel_ids: frozenset[int], now: datetime) -> None:
        """Make exactly these channels subscribers (PRESSBOT_CHANNEL_IDS); others stop."""
        stamp = to_db_time(now)
        async with self._connection.transaction() as db:
            await db.executemany(
                "INSERT INTO subscribers (chat_id, chat_type, active, language_code,"
                " subscribed_at, updated_at, change_reason)"
                " VALUES (?, 'channel', 1, NULL, ?, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET chat_type = 'channel', active = 1,"
                " updated_at = excluded.updated_at, change_reason = excluded.change_reason"
                " WHERE active = 0 OR chat_type != 'channel'",
                [
                    (chat_id, stamp, stamp, JoinReason.CONFIGURED)
                    for chat_id in sorted(channel_ids)
                ],
            )
            await db.execute(
                "UPDATE subscribers SET active = 0, updated_at = ?, change_reason = ?"
                " WHERE chat_type = 'channel' AND active = 1"
                " AND chat_id NOT IN (SELECT value FROM json_each(?))",
                (stamp, JoinReason.UNCONFIGURED, json.dumps(sorted(channel_ids))),
            )

    async def quiet_hours(self, chat_id: int) -> tuple[str | None, str | None, str]:
        """Return the chat's quiet window as ("23:00", "07:00", "London"); None when off."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT quiet_start, quiet_end, quiet_zone FROM subscribers WHERE chat_id = ?",
                (chat_id,),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        if row is None:
            return None, None, "London"
        return row[0], row[1], row[2]

    async def set_quiet_hours(
        self, chat_id: int, start: str | None, end: str | None, zone: str, now: datetime
    ) -> bool:
        """Store the chat's quiet window (None, None: off); False when it is no subscriber.

        What the old window held is due at once: the engine sends it now, or holds it again
        until the new window ends.
        """
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "UPDATE subscribers SET quiet_start = ?, quiet_end = ?, quiet_zone = ?,"
                " updated_at = ? WHERE chat_id = ?",
                (start, end, zone, to_db_time(now), chat_id),
            )
            await _release_quiet_holds(db, chat_id)
            return cursor.rowcount == 1

    async def set_zone(self, chat_id: int, zone: str, now: datetime) -> bool:
        """Set the time zone of the chat's quiet hours and digest; False for no subscriber.

        Like a new window, a new zone releases what the old one held.
        """
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "UPDATE subscribers SET quiet_zone = ?, updated_at = ? WHERE chat_id = ?",
                (zone, to_db_time(now), chat_id),
            )
            await _release_quiet_holds(db, chat_id)
            return cursor.rowcount == 1

    async def set_thread(self, chat_id: int, thread_id: int | None, now: datetime) -> bool:
        """Send the chat's releases to this forum topic (None: the General topic)."""
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "UPDATE subscribers SET thread_id = ?, updated_at = ? WHERE chat_id = ?",
                (thread_id, to_db_time(now), chat_id),
            )
            return cursor.rowcount == 1
