"""The update ids the webhook has taken, so that one Telegram posts again is not handled twice.

Telegram posts an update again when it did not see the 200 in time. The newest ids (about
10,000) are kept in SQLite, so a restart remembers them too; older ones are trimmed now and
then rather than on every insert.
"""

from __future__ import annotations

from typing import Final

from pressbot.storage.connection import Connection

#: How many of the newest update ids are kept.
KEEP: Final = 10_000
#: Trim once this many new ids have come since the last trim.
TRIM_EVERY: Final = 500


class UpdatesSeenStore:
    """The webhook_updates table: update ids already taken, and when."""

    def __init__(
        self, connection: Connection, *, keep: int = KEEP, trim_every: int = TRIM_EVERY
    ) -> None:
        self._connection = connection
        self._keep = keep
        self._trim_every = trim_every
        self._since_trim = 0

    async def first_time(self, update_id: int, now_ts: float) -> bool:
        """Record the update id; whether it is new (False: it was taken before)."""
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "INSERT OR IGNORE INTO webhook_updates (update_id, received_at) VALUES (?, ?)",
                (update_id, now_ts),
            )
            new = cursor.rowcount == 1
            if new:
                self._since_trim += 1
                if self._since_trim >= self._trim_every:
                    self._since_trim = 0
                    # The newest by arrival: Telegram's ids may start afresh after a quiet week.
                    await db.execute(
                        "DELETE FROM webhook_updates WHERE update_id NOT IN"
                        " (SELECT update_id FROM webhook_updates"
                        " ORDER BY received_at DESC, update_id DESC LIMIT ?)",
                        (self._keep,),
                    )
        return new

    async def count(self) -> int:
        """How many update ids are kept."""
        return int(await self._connection.value("SELECT count(*) FROM webhook_updates") or 0)
