"""Items' photos, videos and documents (item_media), drafts' (a JSON column), and what a
release went without because Telegram could not fetch it (dropped_media)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from pressbot.core.media import Attachment, MediaKind
from pressbot.storage.connection import Connection
from pressbot.storage.times import to_db_time

_FIELDS = ("kind", "file_id", "url", "path", "file_name", "size", "width", "height")
_COLUMNS = ", ".join(_FIELDS)


def _attachment(values: Mapping[str, Any]) -> Attachment:
    return Attachment(
        MediaKind(values["kind"]),
        file_id=values.get("file_id"),
        url=values.get("url"),
        path=values.get("path"),
        file_name=values.get("file_name"),
        size=values.get("size"),
        width=values.get("width"),
        height=values.get("height"),
    )


def _values(attachment: Attachment) -> tuple[Any, ...]:
    return tuple(
        attachment.kind.value if name == "kind" else getattr(attachment, name) for name in _FIELDS
    )


#: An item's media as one column of its row: a JSON array of [position, kind, file_id, …].
MEDIA_COLUMN = (
    "(SELECT json_group_array(json_array(m.position, m.kind, m.file_id, m.url, m.path,"
    " m.file_name, m.size, m.width, m.height)) FROM item_media AS m WHERE m.item_id = items.id)"
)


#: The kinds of an item's media, for a list's marks: "photo,document" (any order).
MEDIA_KINDS_COLUMN = (
    "(SELECT group_concat(m.kind) FROM item_media AS m WHERE m.item_id = items.id)"
)


def kinds_from_column(text: str | None) -> tuple[MediaKind, ...]:
    """The kinds of MEDIA_KINDS_COLUMN."""
    return tuple(MediaKind(kind) for kind in (text or "").split(",") if kind)


def media_from_column(text: str | None) -> tuple[Attachment, ...]:
    """The media of MEDIA_COLUMN, in position order."""
    rows = sorted(json.loads(text or "[]"))
    return tuple(_attachment(dict(zip(_FIELDS, row[1:], strict=True))) for row in rows)


def encode_media(media: Sequence[Attachment]) -> str:
    """A draft's media as its JSON column holds them."""
    return json.dumps([dict(zip(_FIELDS, _values(a), strict=True)) for a in media])


def decode_media(text: str) -> tuple[Attachment, ...]:
    """A draft's media from its JSON column."""
    return tuple(_attachment(values) for values in json.loads(text or "[]"))


async def write_media(db: aiosqlite.Connection, item_id: int, media: Sequence[Attachment]) -> bool:
    """Make the item's media these, inside the caller's transaction; True when they changed."""
    if tuple(media) == await read_media(db, item_id):
        return False
    await db.execute("DELETE FROM item_media WHERE item_id = ?", (item_id,))
    await db.executemany(
        f"INSERT INTO item_media (item_id, position, {_COLUMNS})"  # noqa: S608 - fixed names
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(item_id, position, *_values(a)) for position, a in enumerate(media)],
    )
    return True


async def read_media(db: aiosqlite.Connection, item_id: int) -> tuple[Attachment, ...]:
    """The item's media in order, read as every read of an item reads them (MEDIA_COLUMN)."""
    async with db.execute(
        f"SELECT {MEDIA_COLUMN} FROM items WHERE id = ?",  # noqa: S608 - a fixed column
        (item_id,),
    ) as cursor:
        row = await cursor.fetchone()
    return media_from_column(row[0]) if row else ()


@dataclass(frozen=True, slots=True)
class DroppedMedia:
    """A photo or file a release went without: what it was, where from, and Telegram's answer."""

    id: int
    item_id: int
    title: str
    kind: MediaKind
    source: str
    reason: str


class MediaStore:
    """What the engine learns of items' media while sending them."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def keep_file_ids(self, item_id: int, file_ids: Mapping[int, str]) -> None:
        """Telegram has these attachments now (by position): later copies reuse the ids."""
        async with self._connection.transaction() as db:
            await db.executemany(
                "UPDATE item_media SET file_id = ? WHERE item_id = ? AND position = ?"
                " AND file_id IS NULL",
                [(file_id, item_id, position) for position, file_id in file_ids.items()],
            )

    async def drop(
        self, item_id: int, positions: Sequence[int], reason: str, now: datetime
    ) -> bool:
        """The release goes without these attachments (Telegram could not fetch them), and
        the admins are to be told; False when they were dropped already."""
        async with self._connection.transaction() as db:
            media = await read_media(db, item_id)
            gone = [media[p] for p in positions if p < len(media) and not media[p].on_telegram]
            if not gone:
                return False
            await write_media(db, item_id, [a for a in media if a not in gone])
            await db.executemany(
                "INSERT INTO dropped_media (item_id, kind, source, reason) VALUES (?, ?, ?, ?)",
                [(item_id, a.kind.value, a.url or a.path or "", reason) for a in gone],
            )
            await db.execute(
                "UPDATE items SET updated_at = ? WHERE id = ?", (to_db_time(now), item_id)
            )
        return True

    async def untold_drops(self) -> list[DroppedMedia]:
        """What releases went without that the admins have not been told of, oldest first."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT d.id, d.item_id, i.title, d.kind, d.source, d.reason"
                " FROM dropped_media AS d JOIN items AS i ON i.id = d.item_id"
                " WHERE d.told_at IS NULL ORDER BY d.id"
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [
            DroppedMedia(row[0], row[1], row[2], MediaKind(row[3]), row[4], row[5]) for row in rows
        ]

    async def mark_told(self, drop_ids: Sequence[int], now: datetime) -> None:
        """The admins have been told of these."""
        async with self._connection.transaction() as db:
            await db.executemany(
                "UPDATE dropped_media SET told_at = ? WHERE id = ?",
                [(to_db_time(now), drop_id) for drop_id in drop_ids],
            )
