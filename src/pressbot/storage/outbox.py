"""The outbox: broadcasts and their deliveries, written before anything is sent.

Publishing, correcting and withdrawing an item each write the item's change and one delivery
row per chat in a single transaction, with set-based INSERT … SELECT statements: the
subscribers never pass through Python. The delivery engine then claims due rows, sends, and
records the outcomes in batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

import aiosqlite

from pressbot.core.languages import ENGLISH
from pressbot.core.models import (
    BroadcastAction,
    BroadcastProgress,
    DeliveryStatus,
    ItemStatus,
    NewItem,
)
from pressbot.core.quiet import HELD_FOR_QUIET_HOURS, QuietWindow, zone_named
from pressbot.storage.connection import Connection
from pressbot.storage.items import (
    from_db_time,
    insert_item,
    publish_held_item,
    revise_item,
    to_db_time,
    withdraw_item,
)


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """A pending delivery the engine may try now."""

    id: int
    broadcast_id: int
    item_id: int
    action: BroadcastAction
    chat_id: int
    message_id: int | None  # the copy to edit or delete
    copy_sent_at: float | None
    attempts: int
    subscribed: bool = True  # the chat is an active subscriber now
    quiet: QuietWindow | None = None  # the chat's quiet hours
    urgent: bool = False  # the item ignores quiet hours
    thread_id: int | None = None  # the forum topic the chat's releases go to
    language: str = ENGLISH  # the chat's language, for the bot's own words around the item
    queued_at: float = 0.0  # when its broadcast began (Unix time): the deadline counts from it
    last_error: str | None = None  # why the last try did not get through


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What became of one try: a final status, or pending again with a time to retry."""

    delivery_id: int
    chat_id: int
    status: DeliveryStatus
    done_at: float
    message_id: int | None = None
    error: str | None = None
    not_before: float = 0.0
    counts_as_attempt: bool = True
    revision: int | None = None  # the item revision a new copy carries; None: not known


async def _start_broadcast(
    db: aiosqlite.Connection,
    item_id: int,
    action: BroadcastAction,
    *,
    requested_by: int | None,
    progress_chat_id: int | None,
    now: datetime,
) -> int:
    cursor = await db.execute(
        "INSERT INTO broadcasts (item_id, action, requested_by, progress_chat_id, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (item_id, action.value, requested_by, progress_chat_id, to_db_time(now)),
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
        cursor = await db.execute(
            "INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, message_id, copy_sent_at)"
            " SELECT ?, d.chat_id, d.message_id, d.done_at FROM deliveries AS d"
            " JOIN broadcasts AS b ON b.id = d.broadcast_id"
            " WHERE b.item_id = ? AND b.action = 'send' AND d.status = 'sent'"
            " AND d.message_id IS NOT NULL",
            (broadcast_id, item_id),
        )
    await db.execute(
        "UPDATE broadcasts SET total = ? WHERE id = ?", (cursor.rowcount, broadcast_id)
    )
    return broadcast_id


async def _follow_up_late_copies(
    db: aiosqlite.Connection, sent: list[tuple[int, int | None]]
) -> None:
    """Give copies recorded after a correction or withdrawal began that same treatment.

    A copy in flight when the admin corrected or withdrew the item is recorded as sent only
    afterwards, so the correction's rows (made from the copies recorded by then) miss it. `sent`
    holds (delivery id, item revision the copy carries): a copy that already carries the
    current revision of a published item needs nothing (the rest of a broadcast corrected
    halfway is sent with the new text); None, not known, follows up whenever a correction or
    withdrawal came after the release.
    """
    before = db.total_changes
    await db.executemany(
        "INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, message_id, copy_sent_at)"
        " SELECT (SELECT max(f.id) FROM broadcasts AS f WHERE f.item_id = s.item_id"
        "   AND f.action != 'send' AND f.id > s.id), d.chat_id, d.message_id, d.done_at"
        " FROM deliveries AS d JOIN broadcasts AS s ON s.id = d.broadcast_id"
        " JOIN items AS i ON i.id = s.item_id"
        " WHERE d.id = ? AND s.action = 'send' AND d.message_id IS NOT NULL"
        " AND (i.status != 'published' OR i.revision != coalesce(?, -1)) AND EXISTS"
        "   (SELECT 1 FROM broadcasts AS f WHERE f.item_id = s.item_id"
        "    AND f.action != 'send' AND f.id > s.id)",
        sent,
    )
    if db.total_changes > before:
        await db.execute(
            "UPDATE broadcasts SET finished_at = NULL,"
            " total = (SELECT count(*) FROM deliveries WHERE broadcast_id = broadcasts.id)"
            " WHERE action != 'send'"
            " AND total != (SELECT count(*) FROM deliveries WHERE broadcast_id = broadcasts.id)"
        )


def quiet_window(start: str | None, end: str | None, zone: str | None) -> QuietWindow | None:
    """The quiet hours stored for a chat, or None."""
    if not start or not end:
        return None
    return QuietWindow(time.fromisoformat(start), time.fromisoformat(end), zone_named(zone))


class OutboxStore:
    """Broadcasts and deliveries."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def publish_new(
        self,
        item: NewItem,
        plain: str,
        posted_by: int | None,
        progress_chat_id: int | None,
        now: datetime,
    ) -> tuple[int, int]:
        """Store a new item as published and queue it for every active subscriber.

        Returns (item id, broadcast id). Raises ValueError when the uid exists already.
        posted_by and progress_chat_id are None for a release the website published.
        """
        async with self._connection.transaction() as db:
            item_id = await insert_item(
                db,
                item,
                plain,
                status=ItemStatus.PUBLISHED,
                publish_at=None,
                posted_by=posted_by,
                now=now,
            )
            if item_id is None:
                raise ValueError(f"an item with uid {item.uid!r} exists already")
            broadcast_id = await _start_broadcast(
                db,
                item_id,
                BroadcastAction.SEND,
                requested_by=posted_by,
                progress_chat_id=progress_chat_id,
                now=now,
            )
        return item_id, broadcast_id

    async def publish_held(
        self, item_id: int, plain: str, progress_chat_id: int | None, now: datetime
    ) -> int | None:
        """Release a scheduled item now; None when it is not held (cancelled, or released)."""
        async with self._connection.transaction() as db:
            if not await publish_held_item(db, item_id, plain, now, now):
                return None
            async with db.execute(
                "SELECT posted_by FROM items WHERE id = ?", (item_id,)
            ) as cursor:
                row = await cursor.fetchone()
            posted_by = row["posted_by"] if row else None
            # The admin who scheduled it sees its progress in their private chat.
            return await _start_broadcast(
                db,
                item_id,
                BroadcastAction.SEND,
                requested_by=posted_by,
                progress_chat_id=progress_chat_id or posted_by,
                now=now,
            )

    async def correct(
        self,
        item_id: int,
        *,
        title: str,
        body_html: str,
        plain: str,
        requested_by: int | None,
        progress_chat_id: int | None,
        now: datetime,
    ) -> int | None:
        """Replace a published item's text and queue an edit of every delivered copy."""
        async with self._connection.transaction() as db:
            if not await revise_item(
                db, item_id, title=title, body_html=body_html, plain=plain, now=now
            ):
                return None
            return await _start_broadcast(
                db,
                item_id,
                BroadcastAction.EDIT,
                requested_by=requested_by,
                progress_chat_id=progress_chat_id,
                now=now,
            )

    async def withdraw(
        self, item_id: int, requested_by: int, progress_chat_id: int, now: datetime
    ) -> int | None:
        """Withdraw a published item and queue the removal of every delivered copy."""
        async with self._connection.transaction() as db:
            if not await withdraw_item(db, item_id, now):
                return None
            # Chats the release has not reached yet never get it.
            await db.execute(
                "UPDATE deliveries SET status = 'failed', error = 'withdrawn before delivery'"
                " WHERE status = 'pending' AND broadcast_id IN"
                " (SELECT id FROM broadcasts WHERE item_id = ? AND action != 'withdraw')",
                (item_id,),
            )
            return await _start_broadcast(
                db,
                item_id,
                BroadcastAction.WITHDRAW,
                requested_by=requested_by,
                progress_chat_id=progress_chat_id,
                now=now,
            )

    async def due(self, after_id: int, now_ts: float, limit: int) -> list[DueDelivery]:
        """Return pending deliveries after `after_id` whose time has come, oldest first."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT d.id, d.broadcast_id, b.item_id, b.action, d.chat_id, d.message_id,"
                " d.copy_sent_at, d.attempts, coalesce(s.active, 0), s.quiet_start,"
                " s.quiet_end, s.quiet_zone, i.urgent, s.thread_id, l.language,"
                " unixepoch(b.created_at), d.error"
                " FROM deliveries AS d"
                " JOIN broadcasts AS b ON b.id = d.broadcast_id"
                " JOIN items AS i ON i.id = b.item_id"
                " LEFT JOIN subscribers AS s ON s.chat_id = d.chat_id"
                " LEFT JOIN chat_languages AS l ON l.chat_id = d.chat_id"
                " WHERE d.status = 'pending' AND d.id > ? AND d.not_before <= ?"
                " ORDER BY d.id LIMIT ?",
                (after_id, now_ts, limit),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [
            DueDelivery(
                id=row[0],
                broadcast_id=row[1],
                item_id=row[2],
                action=BroadcastAction(row[3]),
                chat_id=row[4],
                message_id=row[5],
                copy_sent_at=row[6],
                attempts=row[7],
                subscribed=bool(row[8]),
                quiet=quiet_window(row[9], row[10], row[11]),
                urgent=bool(row[12]),
                thread_id=row[13],
                language=row[14] or ENGLISH,
                queued_at=float(row[15] or 0),
                last_error=row[16],
            )
            for row in rows
        ]

    async def next_due_at(self) -> float | None:
        """Return when the next pending delivery is due (a Unix time), or None."""
        due = await self._connection.value(
            "SELECT min(not_before) FROM deliveries WHERE status = 'pending'"
        )
        return None if due is None else float(due)

    async def make_due(self, delivery_ids: Sequence[int], now_ts: float) -> None:
        """Make pending deliveries due now, whatever backoff they were waiting out."""
        async with self._connection.transaction() as db:
            await db.executemany(
                "UPDATE deliveries SET not_before = ? WHERE id = ? AND status = 'pending'"
                " AND not_before > ?",
                [(now_ts, delivery_id, now_ts) for delivery_id in delivery_ids],
            )

    async def record(self, outcomes: Sequence[DeliveryOutcome], now: datetime) -> None:
        """Write a batch of outcomes in one transaction; blocked chats stop being subscribers."""
        if not outcomes:
            return
        final = [o for o in outcomes if o.status is not DeliveryStatus.PENDING]
        retry = [o for o in outcomes if o.status is DeliveryStatus.PENDING]
        blocked = [o for o in outcomes if o.status is DeliveryStatus.BLOCKED]
        async with self._connection.transaction() as db:
            await db.executemany(
                "UPDATE deliveries SET status = ?, message_id = coalesce(?, message_id),"
                " error = ?, done_at = ?, attempts = attempts + 1 WHERE id = ?",
                [(o.status.value, o.message_id, o.error, o.done_at, o.delivery_id) for o in final],
            )
            await db.executemany(
                "UPDATE deliveries SET not_before = ?, error = ?, attempts = attempts + ?"
                " WHERE id = ?",
                [(o.not_before, o.error, int(o.counts_as_attempt), o.delivery_id) for o in retry],
            )
            await db.executemany(
                "UPDATE subscribers SET active = 0, updated_at = ? WHERE chat_id = ?",
                [(to_db_time(now), o.chat_id) for o in blocked],
            )
            sent = [(o.delivery_id, o.revision) for o in final if o.status is DeliveryStatus.SENT]
            await _follow_up_late_copies(db, sent)

    async def migrate_chat(self, old_chat_id: int, new_chat_id: int, now: datetime) -> None:
        """Follow a group that became a supergroup: the subscriber and its pending rows move."""
        async with self._connection.transaction() as db:
            await db.execute(
                "UPDATE OR REPLACE subscribers SET chat_id = ?, chat_type = 'supergroup',"
                " updated_at = ? WHERE chat_id = ?",
                (new_chat_id, to_db_time(now), old_chat_id),
            )
            await db.execute(
                "UPDATE OR IGNORE deliveries SET chat_id = ?"
                " WHERE chat_id = ? AND status = 'pending'",
                (new_chat_id, old_chat_id),
            )
            await db.execute(
                "UPDATE OR IGNORE muted_topics SET chat_id = ? WHERE chat_id = ?",
                (new_chat_id, old_chat_id),
            )
            await db.execute(
                "UPDATE OR IGNORE chat_languages SET chat_id = ? WHERE chat_id = ?",
                (new_chat_id, old_chat_id),
            )
            # A row left behind means the new chat already has that broadcast queued.
            await db.execute(
                "UPDATE deliveries SET status = 'failed', error = ?"
                " WHERE chat_id = ? AND status = 'pending'",
                (f"chat moved to {new_chat_id}, which has this delivery already", old_chat_id),
            )

    async def progress(self, broadcast_id: int) -> BroadcastProgress | None:
        """Return the counts of one broadcast."""
        found = await self._progress_of([broadcast_id])
        return found[0] if found else None

    async def open_broadcasts(self) -> list[BroadcastProgress]:
        """Return the broadcasts not yet reported finished, oldest first."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT id FROM broadcasts WHERE finished_at IS NULL ORDER BY id"
            ) as cursor,
        ):
            ids = [row[0] async for row in cursor]
        return await self._progress_of(ids)

    async def recent(self, limit: int) -> list[BroadcastProgress]:
        """Return the newest broadcasts, newest first."""
        async with (
            self._connection.reading() as db,
            db.execute("SELECT id FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,)) as cursor,
        ):
            ids = [row[0] async for row in cursor]
        return await self._progress_of(ids)

    async def _progress_of(self, broadcast_ids: Sequence[int]) -> list[BroadcastProgress]:
        result = []
        async with self._connection.reading() as db:
            for broadcast_id in broadcast_ids:
                async with db.execute(
                    "SELECT item_id, action, total, progress_chat_id, progress_message_id,"
                    " finished_at IS NOT NULL, created_at FROM broadcasts WHERE id = ?",
                    (broadcast_id,),
                ) as cursor:
                    row = await cursor.fetchone()
                if row is None:
                    continue
                async with db.execute(
                    "SELECT status, count(*) FROM deliveries WHERE broadcast_id = ?"
                    " GROUP BY status",
                    (broadcast_id,),
                ) as cursor:
                    counts = {status: n async for status, n in cursor}
                async with db.execute(
                    "SELECT count(*) FROM deliveries AS d JOIN subscribers AS s"
                    " ON s.chat_id = d.chat_id"
                    " WHERE d.broadcast_id = ? AND d.status = 'sent' AND s.chat_type = 'channel'",
                    (broadcast_id,),
                ) as cursor:
                    channel_row = await cursor.fetchone()
                result.append(
                    BroadcastProgress(
                        broadcast_id=broadcast_id,
                        item_id=row[0],
                        action=BroadcastAction(row[1]),
                        total=row[2],
                        sent=counts.get("sent", 0),
                        blocked=counts.get("blocked", 0),
                        failed=counts.get("failed", 0),
                        progress_chat_id=row[3],
                        progress_message_id=row[4],
                        finished=bool(row[5]),
                        created_at=from_db_time(row[6]),
                        channels_sent=int(channel_row[0]) if channel_row else 0,
                    )
                )
        return result

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

    async def pending_count(self) -> int:
        """Return how many deliveries wait to be tried."""
        return int(
            await self._connection.value(
                "SELECT count(*) FROM deliveries WHERE status = 'pending'"
            )
        )
