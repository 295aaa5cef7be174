"""Entries held for an admin: Publish (through the same path as /post) or Skip."""

from __future__ import annotations

from datetime import datetime

from pressbot.core.team import AuditAction
from pressbot.delivery.engine import DeliveryEngine
from pressbot.storage import Database
from pressbot.storage.audit import AuditRow


async def publish_held_entry(
    database: Database,
    engine: DeliveryEngine,
    entry_id: int,
    *,
    admin_id: int,
    chat_id: int,
    now: datetime,
) -> tuple[int, int] | None:
    """Publish a held entry as an item and start its delivery: (item, broadcast); None when
    it is not held."""
    held = await database.source_entries.get_held(entry_id)
    if held is None:
        return None
    details = {"entry": entry_id, "title": held.item.title, "source": held.item.source}
    try:
        item_id, broadcast_id = await database.outbox.publish_new(
            held.item,
            admin_id,
            chat_id,
            now,
            audit=AuditRow(admin_id, AuditAction.ENTRY_PUBLISHED, details),
        )
    except ValueError:
        # Its uid is stored already: a second press, or a try cut short before it was settled.
        await database.source_entries.settle_held(entry_id, "published", now)
        return None
    await database.source_entries.settle_held(entry_id, "published", now)
    engine.wake()
    return item_id, broadcast_id


async def skip_held_entry(
    database: Database, entry_id: int, now: datetime, *, admin_id: int
) -> str | None:
    """Drop a held entry for good; its title, or None when it is not held."""
    held = await database.source_entries.get_held(entry_id)
    if held is None or not await database.source_entries.settle_held(entry_id, "skipped", now):
        return None
    await database.audit.record(
        now,
        admin_id,
        AuditAction.ENTRY_SKIPPED,
        details={"entry": entry_id, "title": held.item.title, "source": held.item.source},
    )
    return held.item.title
