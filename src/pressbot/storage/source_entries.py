"""Every entry seen on a website source: its identity, its state, and the held ones' text.

An entry's `uid` is the uid of the item it became (or would become), so the items table's
UNIQUE uid is the last word on "nothing twice". Entries held for an admin live only here: an
item row exists only for what is, or is about to be, published.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from pressbot.core.models import ItemStatus, NewItem
from pressbot.storage.connection import Connection
from pressbot.storage.item_writes import insert_item
from pressbot.storage.media import decode_media, encode_media
from pressbot.storage.times import from_db_time, to_db_time


@dataclass(frozen=True, slots=True)
class KnownEntry:
    """What is remembered of an entry to tell new, changed and unchanged apart."""

    id: int
    uid: str
    state: str
    item_id: int | None
    content_hash: str


@dataclass(frozen=True, slots=True)
class HeldEntry:
    """An entry waiting for an admin's Publish."""

    id: int
    source_id: int
    source_url: str
    item: NewItem


def _held(row: aiosqlite.Row) -> HeldEntry:
    item = NewItem(
        uid=row["uid"],
        kind=str(row["kind"]),
        title=row["title"],
        body_html=row["body_html"],
        published_at=from_db_time(row["published_at"]),
        source=row["link"],
        media=decode_media(row["media"]),
        language=row["language"],
    )
    return HeldEntry(row["id"], row["source_id"], row["url"], item)


async def _record(
    db: aiosqlite.Connection,
    source_id: int,
    *,
    item: NewItem,
    content_hash: str,
    state: str,
    item_id: int | None,
    now: datetime,
) -> int | None:
    stamp = to_db_time(now)
    cursor = await db.execute(
        "INSERT INTO source_entries (source_id, uid, state, item_id, kind, title, body_html,"
        " published_at, link, content_hash, seen_at, updated_at, media, language)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (source_id, uid) DO NOTHING",
        (
            source_id,
            item.uid,
            state,
            item_id,
            item.kind,
            item.title,
            item.body_html,
            to_db_time(item.published_at),
            item.source,
            content_hash,
            stamp,
            stamp,
            encode_media(item.media),
            item.language,
        ),
    )
    return cursor.lastrowid if cursor.rowcount == 1 else None


class SourceEntryStore:
    """The source_entries table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def known(self, source_id: int) -> dict[str, KnownEntry]:
        """Every entry this source showed before, by uid."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT id, uid, state, item_id, content_hash FROM source_entries"
                " WHERE source_id = ?",
                (source_id,),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return {row["uid"]: KnownEntry(*row) for row in rows}

    async def elsewhere(self, uids: Sequence[str]) -> dict[str, int | None]:
        """Of these uids, those stored already as items or held from any source (item id)."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT value AS uid, (SELECT id FROM items WHERE uid = value) AS item_id"
                " FROM json_each(?) WHERE EXISTS (SELECT 1 FROM items WHERE uid = value)"
                " OR EXISTS (SELECT 1 FROM source_entries WHERE uid = value"
                "  AND state = 'held')",
                (json.dumps(list(uids)),),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return {row["uid"]: row["item_id"] for row in rows}

    async def import_silently(
        self, source_id: int, items: Sequence[tuple[NewItem, str]], now: datetime
    ) -> list[int]:
        """Store (item, content hash) pairs as published items, without any delivery.

        Returns the ids of the items added; an item whose uid exists already is only linked.
        """
        added = []
        async with self._connection.transaction() as db:
            for item, content_hash in items:
                item_id = await insert_item(
                    db,
                    item,
                    status=ItemStatus.PUBLISHED,
                    publish_at=None,
                    posted_by=None,
                    now=now,
                )
                if item_id is not None:
                    added.append(item_id)
                else:
                    async with db.execute(
                        "SELECT id FROM items WHERE uid = ?", (item.uid,)
                    ) as cursor:
                        row = await cursor.fetchone()
                    item_id = row["id"] if row else None
                await _record(
                    db, source_id, item=item, content_hash=content_hash, state="imported",
                    item_id=item_id, now=now,
                )  # fmt: skip
        return added

    async def remember(
        self,
        source_id: int,
        item: NewItem,
        content_hash: str,
        *,
        state: str,
        item_id: int | None,
        now: datetime,
    ) -> int | None:
        """Record an entry (held, published or seen elsewhere); return its id, None if known."""
        async with self._connection.transaction() as db:
            return await _record(
                db, source_id, item=item, content_hash=content_hash, state=state,
                item_id=item_id, now=now,
            )  # fmt: skip

    async def update_entry(
        self, entry_id: int, item: NewItem, content_hash: str, now: datetime
    ) -> None:
        """Keep an entry's new title, text, media and language (a held one is published with
        them later)."""
        async with self._connection.transaction() as db:
            await db.execute(
                "UPDATE source_entries SET kind = ?, title = ?, body_html = ?, link = ?,"
                " content_hash = ?, updated_at = ?, media = ?, language = ? WHERE id = ?",
                (
                    item.kind,
                    item.title,
                    item.body_html,
                    item.source,
                    content_hash,
                    to_db_time(now),
                    encode_media(item.media),
                    item.language,
                    entry_id,
                ),
            )

    async def held(self, entry_id: int | None = None) -> list[HeldEntry]:
        """Every entry waiting for an admin (or just the one with `entry_id`), oldest first."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT e.id, e.source_id, s.url, e.uid, e.kind, e.title, e.body_html,"
                " e.published_at, e.link, e.media, e.language FROM source_entries AS e"
                " JOIN sources AS s ON s.id = e.source_id"
                " WHERE e.state = 'held' AND (?1 IS NULL OR e.id = ?1)"
                " ORDER BY e.published_at, e.id",
                (entry_id,),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [_held(row) for row in rows]

    async def get_held(self, entry_id: int) -> HeldEntry | None:
        """The held entry with this id, or None when it is not held (any more)."""
        return next(iter(await self.held(entry_id)), None)

    async def settle_held(self, entry_id: int, state: str, now: datetime) -> bool:
        """Mark a held entry published or skipped; False when it is not held (any more).

        The item, when there is one, is found by uid: it may come from an earlier try.
        """
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "UPDATE source_entries SET state = ?, updated_at = ?,"
                " item_id = (SELECT id FROM items WHERE items.uid = source_entries.uid)"
                " WHERE id = ? AND state = 'held'",
                (state, to_db_time(now), entry_id),
            )
            return cursor.rowcount == 1
