"""Website sources (feeds and pages): their poll state; their entries are in source_entries.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from pressbot.core.sources import SourceKind
from pressbot.storage.connection import Connection
from pressbot.storage.times import from_db_time, to_db_time

_SELECT_SOURCES = (
    "SELECT s.id, s.url, s.kind, s.language, s.etag, s.last_modified, s.first_success_at,"
    " s.last_success_at, s.failures, s.error, s.failing_since, s.next_poll_at,"
    " (SELECT count(*) FROM source_entries AS e WHERE e.source_id = s.id"
    "  AND e.item_id IS NOT NULL) AS items,"
    " (SELECT count(*) FROM source_entries AS e WHERE e.source_id = s.id"
    "  AND e.state = 'held') AS held"
    " FROM sources AS s ORDER BY s.id"
)


@dataclass(frozen=True, slots=True)
class Source:
    """A feed or page and how polling it went."""

    id: int
    url: str
    kind: SourceKind
    language: str  # what it writes in: its entries become items in it
    etag: str | None
    last_modified: str | None
    first_success_at: datetime | None
    last_success_at: datetime | None
    failures: int  # in a row; 0 when the last poll worked
    error: str | None
    failing_since: datetime | None
    next_poll_at: datetime | None
    items: int  # items that came from it
    held: int  # entries waiting for an admin


def _time(text: str | None) -> datetime | None:
    return from_db_time(text) if text else None


def _source(row: aiosqlite.Row) -> Source:
    return Source(
        id=row["id"],
        url=row["url"],
        kind=SourceKind(row["kind"]),
        language=row["language"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        first_success_at=_time(row["first_success_at"]),
        last_success_at=_time(row["last_success_at"]),
        failures=row["failures"],
        error=row["error"],
        failing_since=_time(row["failing_since"]),
        next_poll_at=_time(row["next_poll_at"]),
        items=row["items"],
        held=row["held"],
    )


class SourceStore:
    """The sources and source_entries tables."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def ensure(self, sources: Sequence[tuple[str, SourceKind, str]], now: datetime) -> None:
        """Add each (url, kind, language) not known yet, a new source due at once; a known
        one takes its language from the settings (what it brings from now on is in it)."""
        async with self._connection.transaction() as db:
            await db.executemany(
                "INSERT INTO sources (url, kind, language, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET language = excluded.language"
                " WHERE language != excluded.language",
                [(url, kind, language, to_db_time(now)) for url, kind, language in sources],
            )

    async def listed(self, urls: Sequence[str]) -> list[Source]:
        """The sources with these URLs, in the order given."""
        by_url = {source.url: source for source in await self._all()}
        return [by_url[url] for url in urls if url in by_url]

    async def due(self, urls: Sequence[str], now: datetime) -> list[Source]:
        """The sources with these URLs whose next poll is due."""
        sources = await self.listed(urls)
        return [s for s in sources if s.next_poll_at is None or s.next_poll_at <= now]

    async def _all(self) -> list[Source]:
        # A handful of rows: filtering them here keeps the SQL one constant statement.
        async with (
            self._connection.reading() as db,
            db.execute(_SELECT_SOURCES) as cursor,
        ):
            rows = await cursor.fetchall()
        return [_source(row) for row in rows]

    async def record_failure(
        self, source_id: int, error: str, next_poll_at: datetime, now: datetime
    ) -> int:
        """Count one more failure in a row; return how many there are now."""
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "UPDATE sources SET failures = failures + 1, error = ?, next_poll_at = ?,"
                " failing_since = coalesce(failing_since, ?) WHERE id = ? RETURNING failures",
                (error, to_db_time(next_poll_at), to_db_time(now), source_id),
            )
            row = await cursor.fetchone()
        return int(row["failures"]) if row else 0

    async def record_success(
        self,
        source_id: int,
        *,
        etag: str | None,
        last_modified: str | None,
        next_poll_at: datetime,
        now: datetime,
    ) -> int:
        """Remember a good poll (and its validators); return the failures it ends."""
        async with self._connection.transaction() as db:
            async with db.execute(
                "SELECT failures FROM sources WHERE id = ?", (source_id,)
            ) as cursor:
                row = await cursor.fetchone()
            await db.execute(
                "UPDATE sources SET etag = coalesce(?, etag),"
                " last_modified = coalesce(?, last_modified), next_poll_at = ?,"
                " last_success_at = ?, first_success_at = coalesce(first_success_at, ?),"
                " error = NULL, failing_since = NULL, failures = 0 WHERE id = ?",
                (
                    etag,
                    last_modified,
                    to_db_time(next_poll_at),
                    to_db_time(now),
                    to_db_time(now),
                    source_id,
                ),
            )
        return int(row["failures"]) if row else 0
