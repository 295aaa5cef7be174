"""Writing items: inserting, publishing a held one, correcting its versions (a held one's too),
withdrawing it and restoring it.

Each runs inside the caller's transaction (storage/outbox.py, ItemStore) and keeps the search
index in step (search_index.py), so no caller writes an item without its index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import aiosqlite

from pressbot.core.media import Attachment, carry_file_ids
from pressbot.core.models import ItemStatus, NewItem, Version
from pressbot.storage.media import read_media, write_media
from pressbot.storage.search_index import index_item, reindex_item, unindex_item
from pressbot.storage.times import to_db_time
from pressbot.storage.translations import (
    TRANSLATIONS_COLUMN,
    translations_from_column,
    write_translations,
)

#: The id the next item gets: past every id ever given, also to an item deleted since (a
#: cancelled scheduled one), so that an old /read_<id> link never opens another item.
NEXT_ITEM_ID = (
    "SELECT max(coalesce((SELECT max(last) FROM item_ids), 0), coalesce(max(id), 0)) + 1"
    " FROM items"
)


def recency_key(published_at: datetime, item_id: int) -> int:
    """Newest-first order of items: by minute of publication, then by id."""
    minute = int(published_at.timestamp()) // 60
    return (minute << 32) | item_id


async def _versions(db: aiosqlite.Connection, item_id: int) -> tuple[Version, ...]:
    """The item's versions as stored, its own first."""
    async with db.execute(
        f"SELECT title, body_html, revision, language, {TRANSLATIONS_COLUMN} AS translations"  # noqa: S608 - fixed columns
        " FROM items WHERE id = ?",
        (item_id,),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return ()
    own = Version(row["language"], row["title"], row["body_html"], row["revision"])
    others = translations_from_column(row["translations"])
    return (own, *(v for v in others if v.language != own.language))


async def insert_item(
    db: aiosqlite.Connection,
    item: NewItem,
    *,
    status: ItemStatus,
    publish_at: datetime | None,
    posted_by: int | None,
    now: datetime,
) -> int | None:
    """Insert an item inside the caller's transaction; None when its uid exists already.

    Ids are chosen here, inside the write lock, so that the recency key is known up front.
    """
    async with db.execute(NEXT_ITEM_ID) as cursor:
        row = await cursor.fetchone()
    item_id = int(row[0]) if row else 1
    recency = recency_key(item.published_at, item_id)
    stamp = to_db_time(now)
    cursor = await db.execute(
        "INSERT INTO items (id, uid, kind, title, body_html, published_at, recency, source,"
        " created_at, updated_at, status, publish_at, posted_by, urgent, language)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING",
        (
            item_id,
            item.uid,
            item.kind,
            item.title,
            item.body_html,
            to_db_time(item.published_at),
            recency,
            item.source,
            stamp,
            stamp,
            status.value,
            to_db_time(publish_at) if publish_at else None,
            posted_by,
            int(item.urgent),
            item.language,
        ),
    )
    if cursor.rowcount != 1:
        return None
    await write_media(db, item_id, item.media)
    await write_translations(db, item_id, item.language, item.translations)
    if status is ItemStatus.PUBLISHED:
        own = Version(item.language, item.title, item.body_html)
        await index_item(db, recency, (own, *item.translations))
    return item_id


async def publish_held_item(
    db: aiosqlite.Connection, item_id: int, published_at: datetime, now: datetime
) -> bool:
    """Make a scheduled item published, inside the caller's transaction."""
    async with db.execute(
        "SELECT 1 FROM items WHERE id = ? AND status = 'scheduled'", (item_id,)
    ) as cursor:
        if await cursor.fetchone() is None:
            return False
    recency = recency_key(published_at, item_id)
    await db.execute(
        "UPDATE items SET status = 'published', published_at = ?, recency = ?, updated_at = ?,"
        " created_at = ? WHERE id = ?",
        (to_db_time(published_at), recency, to_db_time(now), to_db_time(now), item_id),
    )
    await index_item(db, recency, await _versions(db, item_id))
    return True


@dataclass(frozen=True, slots=True)
class Revision:
    """What a correction changed: the languages of the versions rewritten, and the media."""

    languages: frozenset[str]
    media_changed: bool

    @property
    def changed(self) -> bool:
        """Whether the correction changed anything at all."""
        return bool(self.languages) or self.media_changed


async def revise_item(
    db: aiosqlite.Connection,
    item_id: int,
    *,
    versions: Sequence[Version],
    media: Sequence[Attachment] | None,
    now: datetime,
) -> Revision | None:
    """Rewrite a published item's versions (a new language is added; one not named, or the
    same as stored, is kept) and its media (None: kept), inside the caller's transaction.

    Each version rewritten counts a revision of its own, so only its readers see "Updated".
    None when the item is not published; a correction that changes nothing writes nothing
    (its Revision is empty).
    """
    async with db.execute(
        "SELECT recency FROM items WHERE id = ? AND status = 'published'", (item_id,)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    recency = row["recency"]
    stored = {version.language: version for version in await _versions(db, item_id)}
    own = next(iter(stored))
    media_changed = media is not None and await write_media(
        db, item_id, carry_file_ids(await read_media(db, item_id), media)
    )
    changed = {v.language for v in versions if v.rewrites(stored.get(v.language))}
    if not changed and not media_changed:
        return Revision(frozenset(), media_changed=False)
    current = dict(stored)  # the versions once written, for the index
    for written in versions:
        if written.language not in changed:
            continue
        version = written.revised_from(stored.get(written.language))
        current[version.language] = version
        if version.language == own:
            await db.execute(
                "UPDATE items SET title = ?, body_html = ?, revision = ? WHERE id = ?",
                (version.title, version.body_html, version.revision, item_id),
            )
        else:
            await write_translations(db, item_id, own, [version])
    await db.execute("UPDATE items SET updated_at = ? WHERE id = ?", (to_db_time(now), item_id))
    if changed:  # the words changed, not only the media
        await reindex_item(db, recency, tuple(current.values()))
    return Revision(frozenset(changed), media_changed)


async def revise_held_item(
    db: aiosqlite.Connection,
    item_id: int,
    *,
    versions: Sequence[Version],
    media: Sequence[Attachment] | None,
    now: datetime,
) -> Revision | None:
    """Rewrite a scheduled item's versions and media (as revise_item does) before anybody has
    seen it, inside the caller's transaction: it is not in the index yet, and no version
    counts a revision (its readers will get it new). None when it is not held (any more)."""
    async with db.execute(
        "SELECT 1 FROM items WHERE id = ? AND status = 'scheduled'", (item_id,)
    ) as cursor:
        if await cursor.fetchone() is None:
            return None
    stored = {version.language: version for version in await _versions(db, item_id)}
    own = next(iter(stored))
    media_changed = media is not None and await write_media(
        db, item_id, carry_file_ids(await read_media(db, item_id), media)
    )
    changed = [v for v in versions if v.rewrites(stored.get(v.language))]
    for version in changed:
        if version.language == own:
            await db.execute(
                "UPDATE items SET title = ?, body_html = ? WHERE id = ?",
                (version.title, version.body_html, item_id),
            )
        else:
            await write_translations(db, item_id, own, [replace(version, revision=0)])
    if changed or media_changed:
        await db.execute(
            "UPDATE items SET updated_at = ? WHERE id = ?", (to_db_time(now), item_id)
        )
    return Revision(frozenset(v.language for v in changed), media_changed)


async def withdraw_item(db: aiosqlite.Connection, item_id: int, now: datetime) -> bool:
    """Take a published item out of lists and search, inside the caller's transaction."""
    recency = await _move_status(db, item_id, "published", "withdrawn", now)
    if recency is None:
        return False
    await unindex_item(db, recency)
    return True


async def _move_status(
    db: aiosqlite.Connection, item_id: int, was: str, becomes: str, now: datetime
) -> int | None:
    """Move the item from status `was` to `becomes`; its recency key, None when it was not."""
    cursor = await db.execute(
        "UPDATE items SET status = ?, updated_at = ? WHERE id = ? AND status = ?"
        " RETURNING recency",
        (becomes, to_db_time(now), item_id, was),
    )
    row = await cursor.fetchone()
    return None if row is None else int(row["recency"])


async def restore_item(db: aiosqlite.Connection, item_id: int, now: datetime) -> int | None:
    """Put a withdrawn item back in lists and search, inside the caller's transaction; return
    how many copies its withdrawal had deleted (or marked withdrawn), None when it is not
    withdrawn.

    Those copies are gone from their chats: nothing sends them again, and a later correction
    or withdrawal leaves them alone (their release rows no longer name a message). Copies
    the withdrawal has not reached yet stay where they are.
    """
    recency = await _move_status(db, item_id, "withdrawn", "published", now)
    if recency is None:
        return None
    await index_item(db, recency, await _versions(db, item_id))
    await db.execute(
        "UPDATE deliveries SET status = 'failed', error = 'restored before removal'"
        " WHERE status = 'pending' AND broadcast_id IN"
        " (SELECT id FROM broadcasts WHERE item_id = ? AND action = 'withdraw')",
        (item_id,),
    )
    cursor = await db.execute(
        "UPDATE deliveries SET message_id = NULL WHERE message_id IS NOT NULL AND broadcast_id IN"
        " (SELECT id FROM broadcasts WHERE item_id = ?1 AND action = 'send') AND EXISTS"
        " (SELECT 1 FROM deliveries AS w JOIN broadcasts AS b ON b.id = w.broadcast_id"
        "  WHERE b.item_id = ?1 AND b.action = 'withdraw' AND w.status = 'sent'"
        "  AND w.chat_id = deliveries.chat_id AND w.message_id = deliveries.message_id)",
        (item_id,),
    )
    return cursor.rowcount
