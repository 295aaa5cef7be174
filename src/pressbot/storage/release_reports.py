"""How each release did: its reach from the broadcasts' counters, its reads, its timeline.

A release is an item's 'send' broadcast. Its counts come from the counters the triggers of
schema_reports.py keep on the broadcast row, so listing releases reads no delivery rows; one
release's detail and timeline read its rows through the (broadcast, status, delivered_at)
index.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Final

import aiosqlite

from pressbot.core.quiet import HELD_FOR_QUIET_HOURS
from pressbot.core.reports import (
    FailureCount,
    ReleaseDetail,
    ReleaseSummary,
    Timeline,
    bucket_for,
)
from pressbot.storage.connection import Connection
from pressbot.storage.times import from_db_time, to_db_time

#: A release with its counts; callers add which releases, in what order.
_SUMMARY: Final = (
    "SELECT b.item_id, i.title, b.created_at, i.status = 'withdrawn', b.total, b.sent,"  # noqa: S608 - fixed SQL
    " b.blocked, b.failed, b.in_digests,"
    # The literal, not a parameter, so that SQLite counts them in the partial index.
    " (SELECT count(*) FROM deliveries AS d WHERE d.broadcast_id = b.id"
    f"  AND d.status = 'pending' AND d.error = '{HELD_FOR_QUIET_HOURS}'),"
    " (SELECT count(*) FROM reads AS r WHERE r.item_id = b.item_id)"
    " FROM broadcasts AS b JOIN items AS i ON i.id = b.item_id WHERE b.action = 'send'"
)


def _summary(row: aiosqlite.Row) -> ReleaseSummary:
    return ReleaseSummary(
        item_id=int(row[0]),
        title=str(row[1]),
        released_at=from_db_time(row[2]),
        withdrawn=bool(row[3]),
        total=int(row[4]),
        sent=int(row[5]),
        blocked=int(row[6]),
        failed=int(row[7]),
        in_digests=int(row[8]),
        held=int(row[9]),
        reads=int(row[10]),
    )


class ReleaseReports:
    """Reports over releases: the latest, those of a period, one in full."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def latest(self, limit: int) -> list[ReleaseSummary]:
        """The newest releases, newest first."""
        return await self._summaries(" ORDER BY b.id DESC LIMIT ?", (limit,))

    async def since(self, since: datetime, until: datetime | None = None) -> list[ReleaseSummary]:
        """The releases from `since` (to `until`), oldest first."""
        until = until or datetime.max.replace(tzinfo=UTC)
        return await self._summaries(
            " AND b.created_at >= ? AND b.created_at < ? ORDER BY b.id",
            (to_db_time(since), to_db_time(until)),
        )

    async def summary(self, item_id: int) -> ReleaseSummary | None:
        """An item's release; None when it was never sent to subscribers."""
        found = await self._summaries(" AND b.item_id = ? ORDER BY b.id LIMIT 1", (item_id,))
        return found[0] if found else None

    async def _summaries(
        self, clause: str, parameters: tuple[object, ...]
    ) -> list[ReleaseSummary]:
        """`clause` is one of the literals above, never built from input."""
        async with (
            self._connection.reading() as db,
            db.execute(_SUMMARY + clause, parameters) as cursor,
        ):
            return [_summary(row) async for row in cursor]

    async def detail(self, item_id: int) -> ReleaseDetail | None:
        """The item's release in full; None when it was never sent to subscribers."""
        summary = await self.summary(item_id)
        if summary is None:
            return None
        async with self._connection.reading() as db:
            broadcast_id = await _release_broadcast(db, item_id)
            # Half of the copies that will reach a chat (those out and those still to go), not
            # of those out so far: until that many are out, there is no "half" to tell.
            half = (summary.sent + summary.pending + 1) // 2
            half_at = (
                await _nth_delivered(db, broadcast_id, half) if summary.sent >= half else None
            )
            all_at = (
                await _nth_delivered(db, broadcast_id, summary.sent)
                if summary.pending == 0
                else None
            )
            async with db.execute(
                "SELECT status = 'blocked', coalesce(error, ''), count(*) FROM deliveries"
                " WHERE broadcast_id = ? AND status IN ('blocked', 'failed')"
                " GROUP BY status, error ORDER BY count(*) DESC, error",
                (broadcast_id,),
            ) as cursor:
                failures = tuple(
                    [FailureCount(bool(row[0]), str(row[1]), int(row[2])) async for row in cursor]
                )
            async with db.execute(
                "SELECT action, created_at FROM broadcasts"
                " WHERE item_id = ? AND action IN ('edit', 'withdraw') ORDER BY id",
                (item_id,),
            ) as cursor:
                later = [(str(row[0]), from_db_time(row[1])) async for row in cursor]
        return ReleaseDetail(
            summary=summary,
            half_at=half_at,
            all_at=all_at,
            failures=failures,
            corrections=tuple(at for action, at in later if action == "edit"),
            # The last withdrawal, and only while it holds: a restored item is not withdrawn.
            withdrawn_at=next((at for action, at in reversed(later) if action == "withdraw"), None)
            if summary.withdrawn
            else None,
        )

    async def timeline(self, item_id: int, now: datetime) -> Timeline | None:
        """The release's deliveries and reads in buckets, from its release to its last
        delivery or read (an hour at least); None when it was never sent."""
        async with self._connection.reading() as db:
            async with db.execute(
                "SELECT id, created_at FROM broadcasts WHERE item_id = ? AND action = 'send'"
                " ORDER BY id LIMIT 1",
                (item_id,),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            broadcast_id, start = int(row[0]), from_db_time(row[1])
            last = start.timestamp()
            for sql, key in (
                (
                    "SELECT max(delivered_at) FROM deliveries"
                    " WHERE broadcast_id = ? AND status = 'sent'",
                    broadcast_id,
                ),
                ("SELECT max(at) FROM reads WHERE item_id = ?", item_id),
            ):
                async with db.execute(sql, (key,)) as cursor:
                    found = await cursor.fetchone()
                if found and found[0] is not None:
                    last = max(last, float(found[0]))
            span = max(timedelta(hours=1), datetime.fromtimestamp(last, UTC) - start)
            bucket = bucket_for(span)
            count = int(span / bucket) + 1
            delivered = await _buckets(
                db,
                "SELECT CAST((delivered_at - ?1) / ?2 AS INTEGER) AS n, count(*) FROM deliveries"
                " WHERE broadcast_id = ?3 AND status = 'sent' GROUP BY n",
                (start.timestamp(), bucket.total_seconds(), broadcast_id),
                count,
            )
            read = await _buckets(
                db,
                "SELECT CAST((at - ?1) / ?2 AS INTEGER) AS n, count(*) FROM reads"
                " WHERE item_id = ?3 GROUP BY n",
                (start.timestamp(), bucket.total_seconds(), item_id),
                count,
            )
        return Timeline(start=start, bucket=bucket, delivered=delivered, read=read)

    async def deliveries(
        self, item_id: int
    ) -> AsyncIterator[tuple[int, str, datetime | None, str]]:
        """The release's deliveries for the operator: chat id, status, when done, error."""
        async with self._connection.reading() as db:
            broadcast_id = await _release_broadcast(db, item_id)
            async with db.execute(
                "SELECT chat_id, status,"
                " CASE status WHEN 'sent' THEN coalesce(delivered_at, done_at) ELSE done_at END,"
                " coalesce(error, '') FROM deliveries"
                " WHERE broadcast_id = ? ORDER BY id",
                (broadcast_id,),
            ) as cursor:
                async for row in cursor:
                    done = None if row[2] is None else datetime.fromtimestamp(row[2], UTC)
                    yield int(row[0]), str(row[1]), done, str(row[3])


async def _release_broadcast(db: aiosqlite.Connection, item_id: int) -> int:
    async with db.execute(
        "SELECT id FROM broadcasts WHERE item_id = ? AND action = 'send' ORDER BY id LIMIT 1",
        (item_id,),
    ) as cursor:
        row = await cursor.fetchone()
    return -1 if row is None else int(row[0])


async def _nth_delivered(db: aiosqlite.Connection, broadcast_id: int, n: int) -> datetime | None:
    """When the n-th copy (from 1) reached its chat; None for none."""
    if n < 1:
        return None
    async with db.execute(
        "SELECT delivered_at FROM deliveries WHERE broadcast_id = ? AND status = 'sent'"
        " AND delivered_at IS NOT NULL ORDER BY delivered_at LIMIT 1 OFFSET ?",
        (broadcast_id, n - 1),
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else datetime.fromtimestamp(float(row[0]), UTC)


async def _buckets(
    db: aiosqlite.Connection, sql: str, parameters: tuple[object, ...], count: int
) -> tuple[int, ...]:
    counts = [0] * count
    async with db.execute(sql, parameters) as cursor:
        async for row in cursor:
            index = min(max(int(row[0]), 0), count - 1)  # a read logged before the release: 0
            counts[index] += int(row[1])
    return tuple(counts)
