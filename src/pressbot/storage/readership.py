"""Who read and who follows, as counts: first reads of items, and subscriptions over time.

A read is kept once per chat and item (the first time it was opened in full); the history
of subscriptions is written by the triggers of schema_reports.py, whichever statement makes
a chat come or go. Times are Unix seconds here, as the delivery rows keep them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pressbot.core.reports import HourlyChange, SubscriberTrend
from pressbot.storage.connection import Connection

WEEK = timedelta(days=7)
MONTH = timedelta(days=30)


class ReadStore:
    """The reads table: the first time each chat opened each item in full."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def record(self, item_id: int, chat_id: int, now: datetime) -> bool:
        """Keep that the chat opened the item; True the first time, False after."""
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "INSERT OR IGNORE INTO reads (item_id, chat_id, at) VALUES (?, ?, ?)",
                (item_id, chat_id, now.timestamp()),
            )
            return cursor.rowcount == 1

    async def count_since(self, since: datetime) -> int:
        """First reads of any item since `since`."""
        return int(
            await self._connection.value(
                "SELECT count(*) FROM reads WHERE at >= ?", (since.timestamp(),)
            )
        )

    async def total(self) -> int:
        """First reads of any item, ever."""
        return int(await self._connection.value("SELECT count(*) FROM reads"))


class SubscriptionHistory:
    """When chats joined and left, kept by the subscribers table's triggers."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def trend(self, now: datetime) -> SubscriberTrend:
        """Subscribers now, a week and a month ago; who joined and left this week.

        The past counts are the count now less what changed since: the work is the month's
        events, not every subscriber's.
        """
        week, month = (now - WEEK).timestamp(), (now - MONTH).timestamp()
        async with self._connection.reading() as db:
            async with db.execute("SELECT count(*) FROM subscribers WHERE active = 1") as cursor:
                row = await cursor.fetchone()
            active = int(row[0]) if row else 0
            async with db.execute(
                "SELECT coalesce(sum(joined AND at >= ?1), 0),"
                " coalesce(sum(NOT joined AND at >= ?1), 0),"
                " coalesce(sum(joined), 0), coalesce(sum(NOT joined), 0)"
                " FROM subscription_events WHERE at >= ?2",
                (week, month),
            ) as cursor:
                row = await cursor.fetchone()
        joined_week, left_week, joined_month, left_month = (int(v) for v in row or (0,) * 4)
        return SubscriberTrend(
            now=active,
            week_ago=active - joined_week + left_week,
            month_ago=active - joined_month + left_month,
            joined_week=joined_week,
            left_week=left_week,
        )

    async def hourly(self, since: datetime) -> list[HourlyChange]:
        """Joins and leaves in each hour since `since` that had any, oldest first."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT CAST(at / 3600 AS INTEGER) AS hour, sum(joined), sum(NOT joined)"
                " FROM subscription_events WHERE at >= ? GROUP BY hour ORDER BY hour",
                (since.timestamp(),),
            ) as cursor,
        ):
            return [
                HourlyChange(datetime.fromtimestamp(row[0] * 3600, UTC), int(row[1]), int(row[2]))
                async for row in cursor
            ]
