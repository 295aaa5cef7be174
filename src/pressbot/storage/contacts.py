"""Contacts (consular queries) and small key-value facts about the database."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from pressbot.core.models import Contact
from pressbot.storage.connection import Connection


def _labels_column(translations: Mapping[str, str]) -> str:
    """A contact's labels in other languages as stored: one spelling, so equal is unchanged."""
    return json.dumps(dict(sorted(translations.items())), ensure_ascii=False)


class ContactStore:
    """The contacts table, in the order they were first stored."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def put_many(self, contacts: Sequence[Contact]) -> int:
        """Add or update contacts by label; return how many were new or changed (a phone, an
        e-mail or a label in another language)."""
        changed = 0
        async with self._connection.transaction() as db:
            for contact in contacts:
                cursor = await db.execute(
                    "INSERT INTO contacts (label, phone, email, translations) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (label) DO UPDATE SET phone = excluded.phone,"
                    " email = excluded.email, translations = excluded.translations"
                    " WHERE phone != excluded.phone OR email != excluded.email"
                    " OR translations != excluded.translations",
                    (
                        contact.label,
                        contact.phone,
                        contact.email,
                        _labels_column(contact.translations),
                    ),
                )
                changed += cursor.rowcount
        return changed

    async def all(self) -> list[Contact]:
        """Return every contact."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT label, phone, email, translations FROM contacts ORDER BY position"
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [
            Contact(row["label"], row["phone"], row["email"], json.loads(row["translations"]))
            for row in rows
        ]


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
