"""Items: storing, listing newest first, reading one, and full-text search.

The search index holds what a reader sees of each published item (its title, and its body as
plain text); the functions that write an item derive that text, so no caller computes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from pressbot.core.media import Attachment, carry_file_ids
from pressbot.core.models import Item, ItemHeadline, ItemPage, ItemStatus, Kind, NewItem
from pressbot.storage.connection import Connection
from pressbot.storage.media import (
    MEDIA_COLUMN,
    MEDIA_KINDS_COLUMN,
    kinds_from_column,
    media_from_column,
    read_media,
    write_media,
)
from pressbot.storage.times import from_db_time, to_db_time
from pressbot.texts.markup import html_to_plain

_WORD = re.compile(r"\w+")
#: The id the next item gets: past every id ever given, also to an item deleted since (a
#: cancelled scheduled one), so that an old /read_<id> link never opens another item.
NEXT_ITEM_ID = (
    "SELECT max(coalesce((SELECT max(last) FROM item_ids), 0), coalesce(max(id), 0)) + 1"
    " FROM items"
)
_MAX_QUERY_WORDS = 12
#: An item's columns, and the kinds of its media (for a list's marks), as lists show them.
_ITEM_COLUMNS = (
    "SELECT id, uid, kind, title, body_html, published_at, source, created_at, updated_at,"  # noqa: S608 - fixed column names
    f" status, publish_at, revision, urgent, {MEDIA_COLUMN} AS media FROM items"
)
_HEADLINE_COLUMNS = (
    f"SELECT id, kind, title, published_at, {MEDIA_KINDS_COLUMN} AS media FROM items"  # noqa: S608 - fixed columns
)


def recency_key(published_at: datetime, item_id: int) -> int:
    """Newest-first order of items: by minute of publication, then by id."""
    minute = int(published_at.timestamp()) // 60
    return (minute << 32) | item_id


def fts_query(words: str) -> str | None:
    """Turn anything a user typed into a safe FTS5 query that needs every word.

    Only word characters survive and each word is quoted, so FTS5 syntax (quotes, brackets,
    NEAR, OR, *) in the input is searched for as text or dropped, never interpreted.
    """
    tokens = _WORD.findall(words)[:_MAX_QUERY_WORDS]
    if not tokens:
        return None
    return " ".join(f'"{token}"' for token in tokens)


def _headline(row: aiosqlite.Row) -> ItemHeadline:
    return ItemHeadline(
        id=row["id"],
        kind=str(row["kind"]),
        title=row["title"],
        published_at=from_db_time(row["published_at"]),
        media=kinds_from_column(row["media"]),
    )


def _item(row: aiosqlite.Row) -> Item:
    return Item(
        id=row["id"],
        uid=row["uid"],
        kind=str(row["kind"]),
        title=row["title"],
        body_html=row["body_html"],
        published_at=from_db_time(row["published_at"]),
        source=row["source"],
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        status=ItemStatus(row["status"]),
        publish_at=from_db_time(row["publish_at"]) if row["publish_at"] else None,
        revision=row["revision"],
        urgent=bool(row["urgent"]),
        media=media_from_column(row["media"]),
    )


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
        " created_at, updated_at, status, publish_at, posted_by, urgent)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING",
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
        ),
    )
    if cursor.rowcount != 1:
        return None
    await write_media(db, item_id, item.media)
    if status is ItemStatus.PUBLISHED:
        await db.execute(
            "INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)",
            (recency, item.title, html_to_plain(item.body_html)),
        )
    return item_id


async def publish_held_item(
    db: aiosqlite.Connection, item_id: int, published_at: datetime, now: datetime
) -> bool:
    """Make a scheduled item published, inside the caller's transaction."""
    async with db.execute(
        "SELECT title, body_html FROM items WHERE id = ? AND status = 'scheduled'", (item_id,)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return False
    recency = recency_key(published_at, item_id)
    await db.execute(
        "UPDATE items SET status = 'published', published_at = ?, recency = ?, updated_at = ?,"
        " created_at = ? WHERE id = ?",
        (to_db_time(published_at), recency, to_db_time(now), to_db_time(now), item_id),
    )
    await db.execute(
        "INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)",
        (recency, row["title"], html_to_plain(row["body_html"])),
    )
    return True


async def revise_item(
    db: aiosqlite.Connection,
    item_id: int,
    *,
    title: str,
    body_html: str,
    media: Sequence[Attachment] | None,
    now: datetime,
) -> bool | None:
    """Replace a published item's title, text and media (None: kept), inside the caller's
    transaction. None when the item is not published; else whether its media changed.
    """
    cursor = await db.execute(
        "UPDATE items SET title = ?, body_html = ?, updated_at = ?, revision = revision + 1"
        " WHERE id = ? AND status = 'published' RETURNING recency",
        (title, body_html, to_db_time(now), item_id),
    )
    row = await cursor.fetchone()
    if row is None:
        return None
    await db.execute(
        "UPDATE items_fts SET title = ?, body = ? WHERE rowid = ?",
        (title, html_to_plain(body_html), row["recency"]),
    )
    if media is None:
        return False
    return await write_media(db, item_id, carry_file_ids(await read_media(db, item_id), media))


async def withdraw_item(db: aiosqlite.Connection, item_id: int, now: datetime) -> bool:
    """Take a published item out of lists and search, inside the caller's transaction."""
    cursor = await db.execute(
        "UPDATE items SET status = 'withdrawn', updated_at = ?"
        " WHERE id = ? AND status = 'published' RETURNING recency",
        (to_db_time(now), item_id),
    )
    row = await cursor.fetchone()
    if row is None:
        return False
    await db.execute("DELETE FROM items_fts WHERE rowid = ?", (row["recency"],))
    return True


class ItemStore:
    """The items table and its search index."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add_many(self, items: Sequence[NewItem], now: datetime) -> int:
        """Store published items whose uid is new, in order, in one transaction; say how many."""
        added = 0
        async with self._connection.transaction() as db:
            for item in items:
                if await insert_item(
                    db,
                    item,
                    status=ItemStatus.PUBLISHED,
                    publish_at=None,
                    posted_by=None,
                    now=now,
                ):
                    added += 1
        return added

    async def add_scheduled(
        self, item: NewItem, publish_at: datetime, posted_by: int, now: datetime
    ) -> int:
        """Store an item held for release at publish_at; return its id."""
        async with self._connection.transaction() as db:
            item_id = await insert_item(
                db,
                item,
                status=ItemStatus.SCHEDULED,
                publish_at=publish_at,
                posted_by=posted_by,
                now=now,
            )
        if item_id is None:
            raise ValueError(f"an item with uid {item.uid!r} exists already")
        return item_id

    async def scheduled(self) -> list[Item]:
        """Return the items held for release, soonest first."""
        async with (
            self._connection.reading() as db,
            db.execute(
                f"{_ITEM_COLUMNS} WHERE status = 'scheduled' ORDER BY publish_at, id"
            ) as cursor,
        ):
            return [_item(row) for row in await cursor.fetchall()]

    async def cancel_scheduled(self, item_id: int) -> bool:
        """Drop a held item before its release; False when it is not held (any more)."""
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM items WHERE id = ? AND status = 'scheduled'", (item_id,)
            )
            return cursor.rowcount == 1

    async def next_id(self) -> int:
        """The id the next item will get (for previews; storing chooses it again)."""
        return int(await self._connection.value(NEXT_ITEM_ID))

    async def count_by_kind(self) -> dict[Kind, int]:
        """Return how many published items there are of each kind."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT kind, count(*) AS n FROM items WHERE status = 'published' GROUP BY kind"
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return {str(row["kind"]): int(row["n"]) for row in rows}

    async def get(self, item_id: int) -> Item | None:
        """Return the item with this id, or None."""
        async with (
            self._connection.reading() as db,
            db.execute(f"{_ITEM_COLUMNS} WHERE id = ?", (item_id,)) as cursor,
        ):
            row = await cursor.fetchone()
        return _item(row) if row else None

    async def count(self) -> int:
        """Return how many items there are."""
        return int(
            await self._connection.value("SELECT count(*) FROM items WHERE status = 'published'")
        )

    async def latest(self, limit: int, offset: int = 0) -> ItemPage:
        """Return a page of headlines, newest first."""
        # One row more than asked says whether older items exist, without counting them all.
        async with (
            self._connection.reading() as db,
            db.execute(
                f"{_HEADLINE_COLUMNS} WHERE status = 'published'"
                " ORDER BY recency DESC LIMIT ? OFFSET ?",
                (limit + 1, offset),
            ) as cursor,
        ):
            rows = list(await cursor.fetchall())
        headlines = tuple(_headline(row) for row in rows[:limit])
        return ItemPage(headlines, offset, limit, more=len(rows) > limit)

    async def search(self, words: str, limit: int, offset: int = 0) -> list[ItemHeadline]:
        """Return up to `limit` items matching every word, newest first, after `offset`."""
        query = fts_query(words)
        if query is None:
            return []
        async with (
            self._connection.reading() as db,
            db.execute(
                f"{_HEADLINE_COLUMNS} JOIN ("  # noqa: S608 - fixed column names
                "  SELECT rowid AS key FROM items_fts WHERE items_fts MATCH ?"
                "  ORDER BY rowid DESC LIMIT ? OFFSET ?"
                ") AS hits ON items.recency = hits.key ORDER BY items.recency DESC",
                (query, limit, offset),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [_headline(row) for row in rows]
