"""Daily digests: which chats take one, and the releases each chat's next digest lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from pressbot.core.languages import ENGLISH
from pressbot.core.models import ItemHeadline
from pressbot.storage.connection import Connection
from pressbot.storage.media import MEDIA_KINDS_COLUMN, kinds_from_column
from pressbot.storage.times import from_db_time, to_db_time
from pressbot.storage.translations import title_column


@dataclass(frozen=True, slots=True)
class DigestChat:
    """A subscriber that takes one message a day: when, and since when releases wait."""

    chat_id: int
    at: time
    zone: str
    since: datetime  # the last digest's time, or when the digest was switched on
    after: int  # the last broadcast the chat has had, one by one or in a digest
    language: str = ENGLISH
    thread_id: int | None = None


class DigestStore:
    """The digest columns of subscribers, and the releases they collect."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def setting(self, chat_id: int) -> tuple[str | None, str, int | None]:
        """The chat's digest time (HH:MM, or None: each release as it comes), its time zone,
        and the last broadcast it has had (None without a digest)."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT digest_at, quiet_zone, digest_after FROM subscribers WHERE chat_id = ?",
                (chat_id,),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        if row is None:
            return None, "London", None
        return row[0], row[1], row[2]

    async def set(self, chat_id: int, at: str | None, zone: str, now: datetime) -> bool:
        """Set the digest time and zone of an active subscriber; False when it is not one.

        Switching the digest on starts collecting after the last broadcast: releases before
        it reached the chat one by one (their outbox rows were written with the broadcast).
        """
        stamp = to_db_time(now)
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "UPDATE subscribers SET digest_at = ?1, quiet_zone = ?2, updated_at = ?3,"
                " digest_since = CASE WHEN ?1 IS NULL THEN NULL"
                "  ELSE coalesce(digest_since, ?3) END,"
                " digest_after = CASE WHEN ?1 IS NULL THEN NULL"
                "  ELSE coalesce(digest_after, (SELECT coalesce(max(id), 0) FROM broadcasts)) END"
                " WHERE chat_id = ?4 AND active = 1",
                (at, zone, stamp, chat_id),
            )
            return cursor.rowcount == 1

    async def chats(self) -> list[DigestChat]:
        """Every active subscriber that takes a daily digest."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT s.chat_id, s.digest_at, s.quiet_zone, s.digest_since, s.digest_after,"
                " l.language, s.thread_id FROM subscribers AS s"
                " LEFT JOIN chat_languages AS l ON l.chat_id = s.chat_id"
                " WHERE s.active = 1 AND s.digest_at IS NOT NULL AND s.digest_since IS NOT NULL"
                " ORDER BY s.chat_id"
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [
            DigestChat(
                row[0],
                time.fromisoformat(row[1]),
                row[2],
                from_db_time(row[3]),
                row[4],
                row[5] or ENGLISH,
                row[6],
            )
            for row in rows
        ]

    async def headlines(
        self, chat_id: int, after: int, until: datetime, language: str = ENGLISH
    ) -> list[ItemHeadline]:
        """Releases broadcast after broadcast `after`, by `until`, that the chat follows,
        titled for a reader of `language`.

        Oldest first.

        Urgent ones are left out: they reached the chat at once.
        """
        async with (
            self._connection.reading() as db,
            db.execute(
                f"SELECT items.id, items.kind, {title_column('?1')}, items.published_at,"  # noqa: S608 - fixed columns
                f" {MEDIA_KINDS_COLUMN} FROM broadcasts AS b"
                " JOIN items ON items.id = b.item_id"
                " WHERE b.action = 'send' AND b.id > ?2 AND b.created_at <= ?3"
                " AND items.status = 'published' AND items.urgent = 0 AND NOT EXISTS"
                " (SELECT 1 FROM muted_topics AS m WHERE m.chat_id = ?4 AND m.kind = items.kind)"
                " ORDER BY b.id",
                (language, after, to_db_time(until), chat_id),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        seen: set[int] = set()
        headlines = []
        for row in rows:
            if row[0] not in seen:  # an item released twice is listed once
                seen.add(row[0])
                media = kinds_from_column(row[4])
                headlines.append(
                    ItemHeadline(row[0], str(row[1]), row[2], from_db_time(row[3]), media)
                )
        return headlines

    async def listing(self, broadcast_id: int) -> int:
        """How many chats were left out of a release's outbox for their daily digest, which
        lists it instead (counted when it was published)."""
        sql = "SELECT in_digests FROM broadcasts WHERE id = ?"
        return int(await self._connection.value(sql, (broadcast_id,)) or 0)

    async def mark_sent(self, chat_id: int, after: int, until: datetime) -> bool:
        """Move the chat's digest on past every broadcast by `until`, unless it changed."""
        stamp = to_db_time(until)
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "UPDATE subscribers SET digest_since = ?1, digest_after = (SELECT"
                "  coalesce(max(id), ?2) FROM broadcasts WHERE id > ?2 AND created_at <= ?1)"
                " WHERE chat_id = ?3 AND digest_after = ?2 AND digest_at IS NOT NULL",
                (stamp, after, chat_id),
            )
            return cursor.rowcount == 1
