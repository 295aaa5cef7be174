"""Each chat's language: chosen with /language, or taken from the first user's Telegram."""

from __future__ import annotations

from pressbot.storage.connection import Connection


class LanguageStore:
    """The chat_languages table."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def get(self, chat_id: int) -> str | None:
        """The chat's language, or None when it has none yet."""
        sql = "SELECT language FROM chat_languages WHERE chat_id = ?"
        language = await self._connection.value(sql, (chat_id,))
        return None if language is None else str(language)

    async def set(self, chat_id: int, language: str) -> None:
        """Choose the chat's language."""
        async with self._connection.transaction() as db:
            await db.execute(
                "INSERT INTO chat_languages (chat_id, language) VALUES (?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
                (chat_id, language),
            )

    async def set_default(self, chat_id: int, language: str) -> str:
        """Give the chat `language` unless it has one; return the chat's language."""
        async with self._connection.transaction() as db:
            await db.execute(
                "INSERT INTO chat_languages (chat_id, language) VALUES (?, ?)"
                " ON CONFLICT (chat_id) DO NOTHING",
                (chat_id, language),
            )
            async with db.execute(
                "SELECT language FROM chat_languages WHERE chat_id = ?", (chat_id,)
            ) as cursor:
                row = await cursor.fetchone()
        return language if row is None else str(row[0])
