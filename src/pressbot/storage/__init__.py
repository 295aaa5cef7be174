"""The only place SQL lives: the connection, the migrations and the stores."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pressbot.storage.audit import AuditStore
from pressbot.storage.connection import (
    Connection,
    DatabaseError,
    describe_sqlite_error,
    open_connection,
)
from pressbot.storage.contacts import ContactStore, MetaStore
from pressbot.storage.digests import DigestStore
from pressbot.storage.drafts import DraftStore
from pressbot.storage.items import ItemStore
from pressbot.storage.languages import LanguageStore
from pressbot.storage.media import MediaStore
from pressbot.storage.migrations import SchemaError, apply_migrations
from pressbot.storage.outbox import OutboxStore
from pressbot.storage.readership import ReadStore, SubscriptionHistory
from pressbot.storage.release_reports import ReleaseReports
from pressbot.storage.source_entries import SourceEntryStore
from pressbot.storage.sources import SourceStore
from pressbot.storage.submissions import SubmissionStore
from pressbot.storage.subscribers import SubscriberStore
from pressbot.storage.team import TeamStore
from pressbot.storage.updates_seen import UpdatesSeenStore

__all__ = ["Database", "open_database"]


@dataclass(frozen=True, slots=True)
class Database:
    """The stores over one SQLite connection."""

    connection: Connection
    items: ItemStore
    subscribers: SubscriberStore
    contacts: ContactStore
    meta: MetaStore
    drafts: DraftStore
    outbox: OutboxStore
    languages: LanguageStore
    digests: DigestStore
    sources: SourceStore
    source_entries: SourceEntryStore
    updates_seen: UpdatesSeenStore
    media: MediaStore
    team: TeamStore
    submissions: SubmissionStore
    audit: AuditStore
    reads: ReadStore
    subscription_history: SubscriptionHistory
    releases: ReleaseReports

    async def close(self) -> None:
        """Close the connection."""
        await self.connection.close()


async def open_database(path: Path | str) -> Database:
    """Open the SQLite file, bringing its schema up to date.

    DatabaseError (see storage.connection), with the file closed again, for a file that is
    not an SQLite database, is damaged or read-only, is another program's, or has a schema
    newer than this pressbot knows.
    """
    connection = await open_connection(path, wal=False)  # not before it is known to be ours
    try:
        await apply_migrations(connection)
        await connection.use_wal()
    except BaseException as error:
        await connection.close()  # an open connection's thread would keep the process alive
        if isinstance(error, SchemaError):
            raise DatabaseError(f"{path} {error}") from None
        if isinstance(error, sqlite3.Error):
            raise DatabaseError(describe_sqlite_error(path, error)) from None
        raise
    return Database(
        connection=connection,
        items=ItemStore(connection),
        subscribers=SubscriberStore(connection),
        contacts=ContactStore(connection),
        meta=MetaStore(connection),
        drafts=DraftStore(connection),
        outbox=OutboxStore(connection),
        languages=LanguageStore(connection),
        digests=DigestStore(connection),
        sources=SourceStore(connection),
        media=MediaStore(connection),
        source_entries=SourceEntryStore(connection),
        updates_seen=UpdatesSeenStore(connection),
        team=TeamStore(connection),
        submissions=SubmissionStore(connection),
        audit=AuditStore(connection),
        reads=ReadStore(connection),
        subscription_history=SubscriptionHistory(connection),
        releases=ReleaseReports(connection),
    )
