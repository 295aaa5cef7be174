"""Drafts: an admin's release in the making, written at every step of /post and /edit."""

from __future__ import annotations

from datetime import datetime

from pressbot.core.models import Draft, DraftStage
from pressbot.storage.connection import Connection
from pressbot.storage.media import decode_media, encode_media
from pressbot.storage.times import to_db_time
from pressbot.storage.translations import decode_versions, encode_versions


class DraftStore:
    """The drafts table: at most one draft per admin."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def get(self, admin_id: int) -> Draft | None:
        """Return the admin's draft, or None."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT admin_id, chat_id, stage, item_id, title, body_html, kind, urgent, media,"
                " language, versions FROM drafts"
                " WHERE admin_id = ?",
                (admin_id,),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        if row is None:
            return None
        return Draft(
            admin_id=row["admin_id"],
            chat_id=row["chat_id"],
            stage=DraftStage(row["stage"]),
            item_id=row["item_id"],
            title=row["title"],
            body_html=row["body_html"],
            kind=str(row["kind"]) if row["kind"] else None,
            urgent=bool(row["urgent"]),
            media=decode_media(row["media"]),
            language=row["language"],
            versions=decode_versions(row["versions"]),
        )

    async def save(self, draft: Draft, now: datetime) -> None:
        """Store the draft, replacing the admin's previous one."""
        async with self._connection.transaction() as db:
            await db.execute(
                "INSERT OR REPLACE INTO drafts"
                " (admin_id, chat_id, stage, item_id, title, body_html, kind, urgent, updated_at,"
                " media, language, versions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    draft.admin_id,
                    draft.chat_id,
                    draft.stage.value,
                    draft.item_id,
                    draft.title,
                    draft.body_html,
                    draft.kind,
                    int(draft.urgent),
                    to_db_time(now),
                    encode_media(draft.media),
                    draft.language,
                    encode_versions(draft.versions),
                ),
            )

    async def delete(self, admin_id: int) -> bool:
        """Drop the admin's draft; False when there was none."""
        async with self._connection.transaction() as db:
            cursor = await db.execute("DELETE FROM drafts WHERE admin_id = ?", (admin_id,))
            return cursor.rowcount == 1
