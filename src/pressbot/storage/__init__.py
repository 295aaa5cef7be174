"""The only place SQL lives: the connection, the migrations and the stores."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pressbot.storage.connection import Connection, open_connection
from pressbot.storage.contacts import ContactStore, MetaStore
from pressbot.storage.digests import DigestStore
from pressbot.storage.drafts import DraftStore
from pressbot.storage.items import ItemStore
from pressbot.storage.languages import LanguageStore
from pressbot.storage.migrations import apply_migrations
from pressbot.storage.outbox import OutboxStore
from pressbot.storage.source_entries import SourceEntryStore
from pressbot.storage.sources import SourceStore
from pressbot.storage.subscribers import SubscriberStore

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

    async def close(self) -> None:
        """Close the connection."""
        await self.connection.close()


async def open_database(path: Path | str) -> Database:
    """Open the SQLite file, bringing its schema up to date."""
    connection = await open_connection(path)
    await apply_migrations(connection)
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
        source_entries=SourceEntryStore(connection),
    )
