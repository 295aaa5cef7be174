"""Items: storing, listing newest first, reading one, and full-text search.

Lists and search give each item's title in the reader's language (translations.py); the
writes themselves, which keep the search index in step, are item_writes.py's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from pressbot.core.languages import ENGLISH
from pressbot.core.media import Attachment
from pressbot.core.models import (
    Item,
    ItemHeadline,
    ItemPage,
    ItemStatus,
    Kind,
    NewItem,
    Version,
)
from pressbot.storage.connection import Connection
from pressbot.storage.item_writes import (
    NEXT_ITEM_ID,
    Revision,
    insert_item,
    recency_key,
    restore_item,
    revise_held_item,
)
from pressbot.storage.media import (
    MEDIA_COLUMN,
    MEDIA_KINDS_COLUMN,
    kinds_from_column,
    media_from_column,
)
from pressbot.storage.search_index import match_query
from pressbot.storage.times import from_db_time, to_db_time
from pressbot.storage.translations import (
    TRANSLATIONS_COLUMN,
    title_column,
    translations_from_column,
)

#: An item's columns, and the kinds of its media (for a list's marks), as lists show them.
_ITEM_COLUMNS = (
    "SELECT id, uid, kind, title, body_html, published_at, source, created_at, updated_at,"  # noqa: S608 - fixed column names
    f" status, publish_at, revision, urgent, {MEDIA_COLUMN} AS media, language,"
    f" {TRANSLATIONS_COLUMN} AS translations FROM items"
)
#: A list's columns; the title in the language bound to the query's first parameter.
_HEADLINE_COLUMNS = (
    f"SELECT id, kind, {title_column('?1')} AS title, published_at,"  # noqa: S608 - fixed columns
    f" {MEDIA_KINDS_COLUMN} AS media FROM items"
)


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
        language=row["language"],
        translations=translations_from_column(row["translations"]),
    )


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

    async def revise_scheduled(
        self,
        item_id: int,
        *,
        versions: Sequence[Version],
        media: Sequence[Attachment] | None,
        now: datetime,
    ) -> Revision | None:
        """Correct a held item in place before its release (item_writes.revise_held_item);
        None when it is not held (any more)."""
        async with self._connection.transaction() as db:
            return await revise_held_item(db, item_id, versions=versions, media=media, now=now)

    async def move_scheduled(
        self, item_id: int, publish_at: datetime, now: datetime
    ) -> datetime | None:
        """Give a held item another release time; return the time it had, None when it is
        not held (any more)."""
        async with self._connection.transaction() as db:
            async with db.execute(
                "SELECT publish_at FROM items WHERE id = ? AND status = 'scheduled'", (item_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None or row["publish_at"] is None:
                return None
            # Its date is the release time until it is released (publish_held_item sets both).
            await db.execute(
                "UPDATE items SET publish_at = ?1, published_at = ?1, recency = ?2,"
                " updated_at = ?3 WHERE id = ?4",
                (
                    to_db_time(publish_at),
                    recency_key(publish_at, item_id),
                    to_db_time(now),
                    item_id,
                ),
            )
        return from_db_time(row["publish_at"])

    async def restore(self, item_id: int, now: datetime) -> int | None:
        """Undo a withdrawal (item_writes.restore_item): return how many copies it had
        removed, None when the item is not withdrawn."""
        async with self._connection.transaction() as db:
            return await restore_item(db, item_id, now)

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

    async def latest(self, limit: int, offset: int = 0, *, language: str = ENGLISH) -> ItemPage:
        """Return a page of headlines, newest first, titled for a reader of `language`."""
        # One row more than asked says whether older items exist, without counting them all.
        async with (
            self._connection.reading() as db,
            db.execute(
                f"{_HEADLINE_COLUMNS} WHERE status = 'published'"
                " ORDER BY recency DESC LIMIT ? OFFSET ?",
                (language, limit + 1, offset),
            ) as cursor,
        ):
            rows = list(await cursor.fetchall())
        headlines = tuple(_headline(row) for row in rows[:limit])
        return ItemPage(headlines, offset, limit, more=len(rows) > limit)

    async def search(
        self, words: str, limit: int, offset: int = 0, *, language: str = ENGLISH
    ) -> list[ItemHeadline]:
        """Return up to `limit` items matching every word (in any of their versions), newest
        first, after `offset`, titled for a reader of `language`."""
        query = match_query(words)
        if query is None:
            return []
        async with (
            self._connection.reading() as db,
            db.execute(
                f"{_HEADLINE_COLUMNS} JOIN ("  # noqa: S608 - fixed column names
                "  SELECT rowid AS key FROM items_fts WHERE items_fts MATCH ?"
                "  ORDER BY rowid DESC LIMIT ? OFFSET ?"
                ") AS hits ON items.recency = hits.key ORDER BY items.recency DESC",
                (language, query, limit, offset),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [_headline(row) for row in rows]
