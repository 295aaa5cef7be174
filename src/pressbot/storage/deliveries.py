"""Deliveries: the outbox's rows the engine claims, and the outcomes it writes back.

One row per chat and broadcast. The engine reads the due ones in id order (`due`), sends, and
records what became of each in batches (`record`); a chat that blocked the bot stops being a
subscriber in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from pressbot.core.languages import ENGLISH
from pressbot.core.models import BroadcastAction, DeliveryStatus
from pressbot.core.quiet import QuietWindow, stored_window
from pressbot.core.reports import JoinReason
from pressbot.storage.connection import Connection
from pressbot.storage.times import to_db_time


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
    media_message_ids: tuple[int, ...] = ()  # the copy's media messages (sent so far)
    copy_shape: str = ""  # how the copy was built ("" a text message; see delivery/copies.py)
    media_changed: bool = False  # an edit that replaces the copy's media too
    version: str | None = None  # the version the copy carries (None: a new copy, the chat's)


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
    media_message_ids: tuple[int, ...] | None = None  # the copy's media messages; None: as was
    copy_shape: str | None = None  # how the copy was built; None: as it was
    replaced_copy: bool = False  # an edit sent a new copy in place of the old one
    version: str | None = None  # the language of the version a new copy carries


def message_ids_text(ids: tuple[int, ...] | None) -> str | None:
    """A copy's media message ids as the column holds them: "12 13 14"."""
    return None if ids is None else " ".join(str(i) for i in ids)


def _message_ids(text: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in (text or "").split())


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
        "INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, message_id, copy_sent_at,"
        " media_message_ids, copy_shape, version)"
        " SELECT (SELECT max(f.id) FROM broadcasts AS f WHERE f.item_id = s.item_id"
        "   AND f.action != 'send' AND f.id > s.id), d.chat_id, d.message_id, d.done_at,"
        " d.media_message_ids, d.copy_shape, d.version"
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


async def _point_releases_at_new_copies(
    db: aiosqlite.Connection, replaced: Sequence[DeliveryOutcome]
) -> None:
    """An edit that sent a new copy in place of the old one: the release's row for that chat,
    and the rows of corrections and a withdrawal still to come there, now name the new
    messages."""
    rows = [
        (
            o.message_id,
            message_ids_text(o.media_message_ids) or "",
            o.copy_shape or "",
            o.done_at,
            o.chat_id,
            o.delivery_id,
        )
        for o in replaced
    ]
    await db.executemany(
        "UPDATE deliveries SET message_id = ?, media_message_ids = ?, copy_shape = ?,"
        " copy_sent_at = ? WHERE chat_id = ? AND status = 'pending' AND id != ?6"
        " AND broadcast_id IN (SELECT later.id FROM broadcasts AS later"
        "  JOIN broadcasts AS e ON e.item_id = later.item_id"
        "  JOIN deliveries AS d ON d.broadcast_id = e.id"
        "  WHERE d.id = ?6 AND later.action != 'send' AND later.id != e.id)",
        rows,
    )
    await db.executemany(
        "UPDATE deliveries SET message_id = ?, media_message_ids = ?, copy_shape = ?,"
        " done_at = ? WHERE chat_id = ? AND status = 'sent' AND broadcast_id IN"
        " (SELECT s.id FROM broadcasts AS s JOIN broadcasts AS e ON e.item_id = s.item_id"
        "  JOIN deliveries AS d ON d.broadcast_id = e.id WHERE d.id = ? AND s.action = 'send')",
        rows,
    )


class DeliveryStore:
    """The deliveries table, as the engine claims and records it."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def due(self, after_id: int, now_ts: float, limit: int) -> list[DueDelivery]:
        """Return pending deliveries after `after_id` whose time has come, oldest first."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT d.id, d.broadcast_id, b.item_id, b.action, d.chat_id, d.message_id,"
                " d.copy_sent_at, d.attempts, coalesce(s.active, 0), s.quiet_start,"
                " s.quiet_end, s.quiet_zone, i.urgent, s.thread_id, l.language,"
                " unixepoch(b.created_at), d.error, d.media_message_ids, d.copy_shape,"
                " b.media_changed, d.version"
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
                quiet=stored_window(row[9], row[10], row[11]),
                urgent=bool(row[12]),
                thread_id=row[13],
                language=row[14] or ENGLISH,
                queued_at=float(row[15] or 0),
                last_error=row[16],
                media_message_ids=_message_ids(row[17]),
                copy_shape=row[18],
                media_changed=bool(row[19]),
                version=row[20],
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
                "UPDATE deliveries SET status = ?1, message_id = coalesce(?2, message_id),"
                " error = ?3, done_at = ?4, attempts = attempts + 1,"
                # When the copy first reached its chat: a replaced copy moves done_at, not this.
                " delivered_at = CASE WHEN ?1 = 'sent' THEN coalesce(delivered_at, ?4)"
                "  ELSE delivered_at END,"
                " media_message_ids = coalesce(?, media_message_ids),"
                " copy_shape = coalesce(?, copy_shape), version = coalesce(?, version)"
                " WHERE id = ?",
                [
                    (
                        o.status.value,
                        o.message_id,
                        o.error,
                        o.done_at,
                        message_ids_text(o.media_message_ids),
                        o.copy_shape,
                        o.version,
                        o.delivery_id,
                    )
                    for o in final
                ],
            )
            # A copy half sent (its album went, its words did not) keeps what went, and the
            # shape of the copy it was part of.
            await db.executemany(
                "UPDATE deliveries SET not_before = ?, error = ?, attempts = attempts + ?,"
                " media_message_ids = coalesce(?, media_message_ids),"
                " copy_shape = coalesce(?, copy_shape) WHERE id = ?",
                [
                    (
                        o.not_before,
                        o.error,
                        int(o.counts_as_attempt),
                        message_ids_text(o.media_message_ids),
                        o.copy_shape,
                        o.delivery_id,
                    )
                    for o in retry
                ],
            )
            await _point_releases_at_new_copies(db, [o for o in final if o.replaced_copy])
            await db.executemany(
                "UPDATE subscribers SET active = 0, updated_at = ?, change_reason = ?"
                " WHERE chat_id = ?",
                [(to_db_time(now), JoinReason.BLOCKED, o.chat_id) for o in blocked],
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
                # No chat id in it: /stats shows the reasons to admins, who see only counts.
                ("the group moved to a supergroup, which has this delivery already", old_chat_id),
            )

    async def pending_count(self) -> int:
        """Return how many deliveries wait to be tried."""
        return int(
            await self._connection.value(
                "SELECT count(*) FROM deliveries WHERE status = 'pending'"
            )
        )
