"""Items: storing, listing newest first, reading one, and full-text search."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import aiosqlite

from pressbot.models import Item, ItemHeadline, ItemKind, ItemPage, NewItem
from pressbot.storage.connection import Connection

_WORD = re.compile(r"\w+")
_MAX_QUERY_WORDS = 12
_PREFIX_MIN_LENGTH = 3


def to_db_time(moment: datetime) -> str:
    """Store instants as ISO 8601 in UTC, which sorts as text."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_db_time(text: str) -> datetime:
    """Read an instant stored by `to_db_time`."""
    return datetime.fromisoformat(text)


def recency_key(published_at: datetime, item_id: int) -> int:
    """Newest-first order of items: by minute of publication, then by id."""
    minute = int(published_at.timestamp()) // 60
    return (minute << 32) | item_id


def fts_query(words: str) -> str | None:
    """Turn anything a user typed into a safe FTS5 query: every word, prefixes allowed.

    Only word characters survive, each word is quoted, so FTS5 syntax (quotes, brackets,
    NEAR, OR, *) in the input is searched for as text or dropped, never interpreted.
    """
    tokens = _WORD.findall(words)[:_MAX_QUERY_WORDS]
    if not tokens:
        return None
    return " ".join(
        f'"{token}"*' if len(token) >= _PREFIX_MIN_LENGTH else f'"{token}"' for token in tokens
    )


def _headline(row: aiosqlite.Row) -> ItemHeadline:
    return ItemHeadline(
        id=row["id"],
        kind=ItemKind(row["kind"]),
        title=row["title"],
        published_at=from_db_time(row["published_at"]),
    )


def _item(row: aiosqlite.Row) -> Item:
    return Item(
        id=row["id"],
        uid=row["uid"],
        kind=ItemKind(row["kind"]),
        title=row["title"],
        body_html=row["body_html"],
        published_at=from_db_time(row["published_at"]),
        source=row["source"],
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
    )


class ItemStore:
    """The items table and its search index."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add_many(self, items: list[NewItem], plain_bodies: list[str], now: datetime) -> int:
        """Store items whose uid is new, in order, in one transaction; return how many."""
        added = 0
        stamp = to_db_time(now)
        async with self._connection.transaction() as db:
            # Ids are chosen here, inside the write lock, so the recency key is known up front.
            async with db.execute("SELECT coalesce(max(id), 0) + 1 FROM items") as cursor:
                row = await cursor.fetchone()
            next_id = int(row[0]) if row else 1
            for item, plain in zip(items, plain_bodies, strict=True):
                recency = recency_key(item.published_at, next_id)
                cursor = await db.execute(
                    "INSERT INTO items (id, uid, kind, title, body_html, published_at, recency,"
                    " source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (uid) DO NOTHING",
                    (
                        next_id,
                        item.uid,
                        item.kind.value,
                        item.title,
                        item.body_html,
                        to_db_time(item.published_at),
                        recency,
                        item.source,
                        stamp,
                        stamp,
                    ),
                )
                if cursor.rowcount != 1:
                    continue
                await db.execute(
                    "INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)",
                    (recency, item.title, plain),
                )
                next_id += 1
                added += 1
        return added

    async def get(self, item_id: int) -> Item | None:
        """Return the item with this id, or None."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT id, uid, kind, title, body_html, published_at, source, created_at,"
                " updated_at FROM items WHERE id = ?",
                (item_id,),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return _item(row) if row else None

    async def count(self) -> int:
        """Return how many items there are."""
        async with (
            self._connection.reading() as db,
            db.execute("SELECT count(*) FROM items") as cursor,
        ):
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def latest(self, limit: int, offset: int = 0) -> ItemPage:
        """Return a page of headlines, newest first."""
        async with self._connection.reading() as db:
            async with db.execute(
                "SELECT id, kind, title, published_at FROM items"
                " ORDER BY recency DESC LIMIT ? OFFSET ?",
                (limit, offset),
            ) as cursor:
                rows = await cursor.fetchall()
            async with db.execute("SELECT count(*) FROM items") as cursor:
                total_row = await cursor.fetchone()
        total = int(total_row[0]) if total_row else 0
        return ItemPage(tuple(_headline(row) for row in rows), offset, limit, total)

    async def search(self, words: str, limit: int) -> list[ItemHeadline]:
        """Return up to `limit` items matching every word, newest first."""
        query = fts_query(words)
        if query is None:
            return []
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT id, kind, title, published_at FROM items JOIN ("
                "  SELECT rowid AS key FROM items_fts WHERE items_fts MATCH ?"
                "  ORDER BY rowid DESC LIMIT ?"
                ") AS hits ON items.recency = hits.key ORDER BY items.recency DESC",
                (query, limit),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [_headline(row) for row in rows]
