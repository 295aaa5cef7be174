"""The outbox: broadcasts and their deliveries, written before anything is sent.

Publishing, correcting and withdrawing an item each write the item's change and one delivery
row per chat in a single transaction (broadcasts.start_broadcast): the subscribers never pass
through Python. The delivery engine then claims due rows, sends, and records the outcomes in
batches (deliveries.py); the admin's progress reports read the broadcasts (broadcasts.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pressbot.core.media import Attachment
from pressbot.core.models import BroadcastAction, ItemStatus, NewItem, Version
from pressbot.storage.audit import AuditRow
from pressbot.storage.broadcasts import BroadcastStore, start_broadcast
from pressbot.storage.deliveries import DeliveryStore
from pressbot.storage.item_writes import (
    insert_item,
    publish_held_item,
    revise_item,
    withdraw_item,
)


class OutboxStore(BroadcastStore, DeliveryStore):
    """Broadcasts and deliveries, and the writes that publish, correct and withdraw items.

    Both bases keep only the connection, so either one's __init__ does for the two.
    """

    async def publish_new(
        self,
        item: NewItem,
        posted_by: int | None,
        progress_chat_id: int | None,
        now: datetime,
        *,
        audit: AuditRow | None = None,
    ) -> tuple[int, int]:
        """Store a new item as published and queue it for every active subscriber (and
        append `audit` in the same transaction).

        Returns (item id, broadcast id). Raises ValueError when the uid exists already.
        posted_by and progress_chat_id are None for a release the website published.
        """
        async with self._connection.transaction() as db:
            item_id = await insert_item(
                db,
                item,
                status=ItemStatus.PUBLISHED,
                publish_at=None,
                posted_by=posted_by,
                now=now,
            )
            if item_id is None:
                raise ValueError(f"an item with uid {item.uid!r} exists already")
            broadcast_id = await start_broadcast(
                db,
                item_id,
                BroadcastAction.SEND,
                requested_by=posted_by,
                progress_chat_id=progress_chat_id,
                now=now,
            )
            if audit is not None:
                await audit.append_to(db, now, item_id)
        return item_id, broadcast_id

    async def publish_held(
        self,
        item_id: int,
        progress_chat_id: int | None,
        now: datetime,
        *,
        audit: AuditRow | None = None,
    ) -> int | None:
        """Release a scheduled item now (`audit` appended with it); None when it is not held
        (cancelled, or released)."""
        async with self._connection.transaction() as db:
            if not await publish_held_item(db, item_id, now, now):
                return None
            async with db.execute(
                "SELECT posted_by FROM items WHERE id = ?", (item_id,)
            ) as cursor:
                row = await cursor.fetchone()
            posted_by = row["posted_by"] if row else None
            # The admin who scheduled it sees its progress in their private chat.
            broadcast_id = await start_broadcast(
                db,
                item_id,
                BroadcastAction.SEND,
                requested_by=posted_by,
                progress_chat_id=progress_chat_id or posted_by,
                now=now,
            )
            if audit is not None:
                await audit.append_to(db, now, item_id)
            return broadcast_id

    async def correct(
        self,
        item_id: int,
        *,
        versions: Sequence[Version],
        media: Sequence[Attachment] | None = None,
        requested_by: int | None,
        progress_chat_id: int | None,
        now: datetime,
        audit: AuditRow | None = None,
    ) -> int | None:
        """Rewrite a published item's versions and media (None: keep them) and queue an edit
        of every delivered copy of a version that changed (of every copy when the media did),
        `audit` appended with it; None when the item is not published, 0 when nothing changed
        (nothing is queued or recorded)."""
        async with self._connection.transaction() as db:
            revision = await revise_item(db, item_id, versions=versions, media=media, now=now)
            if revision is None:
                return None
            if not revision.changed:
                return 0
            broadcast_id = await start_broadcast(
                db,
                item_id,
                BroadcastAction.EDIT,
                requested_by=requested_by,
                progress_chat_id=progress_chat_id,
                now=now,
                media_changed=revision.media_changed,
                languages=None if revision.media_changed else revision.languages,
            )
            if audit is not None:
                await audit.append_to(db, now, item_id)
            return broadcast_id

    async def withdraw(
        self,
        item_id: int,
        requested_by: int,
        progress_chat_id: int,
        now: datetime,
        *,
        audit: AuditRow | None = None,
    ) -> int | None:
        """Withdraw a published item and queue the removal of every delivered copy (`audit`
        appended with it)."""
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
            broadcast_id = await start_broadcast(
                db,
                item_id,
                BroadcastAction.WITHDRAW,
                requested_by=requested_by,
                progress_chat_id=progress_chat_id,
                now=now,
            )
            if audit is not None:
                await audit.append_to(db, now, item_id)
            return broadcast_id
