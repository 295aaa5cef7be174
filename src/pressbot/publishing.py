"""Publishing, scheduling, correcting and withdrawing items: the admin's actions as functions.

Each writes its change and the resulting deliveries in one transaction (storage/outbox.py),
then wakes the delivery engine. Handlers call these; so does the scheduler.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from pressbot.core.languages import N_, TranslatableError
from pressbot.core.models import Draft, ItemKind, NewItem, Version
from pressbot.delivery.engine import DeliveryEngine
from pressbot.storage import Database


class PublishingError(TranslatableError):
    """An action that can't be done; the message says why, for the admin."""


def draft_versions(draft: Draft) -> tuple[Version, ...]:
    """The finished versions of a draft, trimmed; the first is the release's own."""
    versions = tuple(
        replace(v, title=v.title.strip(), body_html=v.body_html.strip()) for v in draft.finished
    )
    if not versions or any(not v.title or not v.body_html for v in versions):
        raise PublishingError(N_("The draft needs a title and a text."))
    return versions


def draft_item(draft: Draft, now: datetime) -> NewItem:
    """The item a finished draft describes, dated `now`."""
    own, *others = draft_versions(draft)
    return NewItem(
        uid=f"pressbot:{uuid.uuid4()}",
        kind=draft.kind or ItemKind.PRESS_RELEASE,
        title=own.title,
        body_html=own.body_html,
        published_at=now,
        source="",
        urgent=draft.urgent,
        media=draft.media,
        language=own.language,
        translations=tuple(others),
    )


async def publish_draft(
    database: Database, engine: DeliveryEngine, draft: Draft, now: datetime
) -> tuple[int, int]:
    """Store the draft as a published item and start delivery; return (item, broadcast)."""
    item = draft_item(draft, now)
    item_id, broadcast_id = await database.outbox.publish_new(
        item, draft.admin_id, draft.chat_id, now
    )
    await database.drafts.delete(draft.admin_id)
    engine.wake()
    return item_id, broadcast_id


async def reach(database: Database, broadcast_id: int) -> tuple[int, int]:
    """Who gets a just-published release: (chats it is being sent to now, chats whose
    daily digests will carry it), as the press office is told after Publish."""
    progress = await database.outbox.progress(broadcast_id)
    in_digests = await database.digests.listing(broadcast_id)
    return (progress.total if progress else 0), in_digests


async def schedule_draft(
    database: Database, draft: Draft, publish_at: datetime, now: datetime
) -> int:
    """Store the draft as an item held until publish_at; return its id."""
    item = draft_item(draft, publish_at)
    item_id = await database.items.add_scheduled(item, publish_at, draft.admin_id, now)
    await database.drafts.delete(draft.admin_id)
    return item_id


async def release_held(
    database: Database, engine: DeliveryEngine, item_id: int, now: datetime
) -> int | None:
    """Publish a held item now; None when it was cancelled or released already."""
    broadcast_id = await database.outbox.publish_held(item_id, progress_chat_id=None, now=now)
    if broadcast_id is not None:
        engine.wake()
    return broadcast_id


async def correct_item(
    database: Database, engine: DeliveryEngine, draft: Draft, now: datetime
) -> int:
    """Apply an /edit draft: the item changes and every delivered copy is edited in place."""
    if draft.item_id is None:
        raise PublishingError(N_("This draft does not correct an item."))
    broadcast_id = await database.outbox.correct(
        draft.item_id,
        versions=draft_versions(draft),
        media=draft.media,
        requested_by=draft.admin_id,
        progress_chat_id=draft.chat_id,
        now=now,
    )
    if broadcast_id is None:
        raise PublishingError(
            N_("Item {id} is not published, so it can't be corrected."), id=draft.item_id
        )
    if broadcast_id == 0:
        await database.drafts.delete(draft.admin_id)
        raise PublishingError(
            N_("Nothing changed: item {id} stays as it was, and no copy is edited."),
            id=draft.item_id,
        )
    await database.drafts.delete(draft.admin_id)
    engine.wake()
    return broadcast_id


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
    broadcast_id = await database.outbox.withdraw(item_id, admin_id, chat_id, now)
    if broadcast_id is None:
        raise PublishingError(
            N_("Item {id} is not published, so it can't be withdrawn."), id=item_id
        )
    engine.wake()
    return broadcast_id
