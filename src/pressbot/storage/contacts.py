"""Contacts (consular queries) and small key-value facts about the database."""

from __future__ import annotations

from collections.abc import Sequence

from pressbot.core.models import Contact
from pressbot.storage.connection import Connection


class ContactStore:
    """The contacts table, in the order they were first stored."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def put_many(self, contacts: Sequence[Contact]) -> int:
        """Add or update contacts by label; return how many were new or changed."""
        changed = 0
        async with self._connection.transaction() as db:
            for contact in contacts:
                cursor = await db.execute(
                    "INSERT INTO contacts (label, phone, email) VALUES (?, ?, ?)"
                    " ON CONFLICT (label) DO UPDATE SET phone = excluded.phone,"
                    " email = excluded.email"
                    " WHERE phone != excluded.phone OR email != excluded.email",
                    (contact.label, contact.phone, contact.email),
                )
                changed += cursor.rowcount
        return changed

    async def all(self) -> list[Contact]:
        """Return every contact."""
        async with (
            self._connection.reading() as db,
            db.execute("SELECT label, phone, email FROM contacts ORDER BY position") as cursor,
        ):
            rows = await cursor.fetchall()
        return [Contact(row["label"], row["phone"], row["email"]) for row in rows]


class MetaStore:
    """Facts about the database itself, such as whether it was seeded."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def get(self, key: str) -> str | None:
        """Return the value stored under key, or None."""
        value = await self._connection.value("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    async def put(self, key: str, value: str) -> None:
        """Store value under key."""
        async with self._connection.transaction() as db:
            await db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
