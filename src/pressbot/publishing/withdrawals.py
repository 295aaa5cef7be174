"""An item withdrawn (out of lists and search, copies removed), and the withdrawal undone."""

from __future__ import annotations

from datetime import datetime

from pressbot.core.languages import N_
from pressbot.core.team import AuditAction
from pressbot.delivery.engine import DeliveryEngine
from pressbot.publishing.acting import PublishingError
from pressbot.storage import Database
from pressbot.storage.audit import AuditRow


async def withdraw(
    database: Database,
    engine: DeliveryEngine,
    item_id: int,
    *,
    admin_id: int,
    chat_id: int,
    now: datetime,
) -> int:
    """Withdraw an item: out of lists and search, delivered copies deleted or marked."""
    broadcast_id = await database.outbox.withdraw(
        item_id, admin_id, chat_id, now, audit=AuditRow(admin_id, AuditAction.WITHDRAWN)
    )
    if broadcast_id is None:
        raise PublishingError(
            N_("Item {id} is not published, so it can't be withdrawn."), id=item_id
        )
    engine.wake()
    return broadcast_id


async def restore(database: Database, item_id: int, *, by: int, now: datetime) -> int:
    """Undo a withdrawal: the item is back in lists and search. Return how many delivered
    copies the withdrawal had removed: those are not sent again. Audited."""
    removed = await database.items.restore(item_id, now)
    if removed is None:
        raise PublishingError(
            N_("Item {id} is not withdrawn, so there is nothing to restore."), id=item_id
        )
    await database.audit.record(
        now, by, AuditAction.RESTORED, item_id=item_id, details={"copies removed": str(removed)}
    )
    return removed
