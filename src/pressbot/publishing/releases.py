"""A draft published or scheduled; a held item released at its time or moved."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from pressbot.core.languages import N_
from pressbot.core.models import Draft, ItemKind, NewItem, Version
from pressbot.core.team import AuditAction
from pressbot.delivery.engine import DeliveryEngine
from pressbot.publishing.acting import Actor, PublishingError
from pressbot.storage import Database
from pressbot.storage.audit import AuditRow


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
    database: Database,
    engine: DeliveryEngine,
    draft: Draft,
    now: datetime,
    actor: Actor | None = None,
) -> tuple[int, int]:
    """Store the draft as a published item and start delivery; return (item, broadcast).

    `actor` lets it out (audited) and follows its progress: the draft's author by default.
    """
    actor = actor or Actor.author_of(draft)
    item = draft_item(draft, now)
    row = AuditRow(
        actor.user_id, AuditAction.PUBLISHED, {"title": item.title, "author": draft.admin_id}
    )
    item_id, broadcast_id = await database.outbox.publish_new(
        item, actor.user_id, actor.chat_id, now, audit=row
    )
    await actor.done_with(database, draft)
    engine.wake()
    return item_id, broadcast_id


async def reach(database: Database, broadcast_id: int) -> tuple[int, int]:
    """Who gets a just-published release: (chats it is being sent to now, chats whose
    daily digests will carry it), as the press office is told after Publish."""
    progress = await database.outbox.progress(broadcast_id)
    in_digests = await database.digests.listing(broadcast_id)
    return (progress.total if progress else 0), in_digests


async def schedule_draft(
    database: Database,
    draft: Draft,
    publish_at: datetime,
    now: datetime,
    actor: Actor | None = None,
) -> int:
    """Store the draft as an item held until publish_at; return its id. `actor` as for
    publish_draft."""
    actor = actor or Actor.author_of(draft)
    item = draft_item(draft, publish_at)
    item_id = await database.items.add_scheduled(item, publish_at, actor.user_id, now)
    await actor.done_with(database, draft)
    await database.audit.record(
        now,
        actor.user_id,
        AuditAction.SCHEDULED,
        item_id=item_id,
        details={
            "title": item.title,
            "publish at": publish_at.isoformat(),
            "author": draft.admin_id,
        },
    )
    return item_id


async def release_held(
    database: Database, engine: DeliveryEngine, item_id: int, now: datetime
) -> int | None:
    """Publish a held item now; None when it was cancelled or released already."""
    row = AuditRow(None, AuditAction.PUBLISHED, {"scheduled": "yes"})
    broadcast_id = await database.outbox.publish_held(
        item_id, progress_chat_id=None, now=now, audit=row
    )
    if broadcast_id is not None:
        engine.wake()
    return broadcast_id


async def move_held(
    database: Database, item_id: int, publish_at: datetime, now: datetime, *, by: int
) -> datetime:
    """Give a held item another release time; return the time it had. Audited (from, to).

    The caller moves its release job (bot/release_jobs.py).
    """
    before = await database.items.move_scheduled(item_id, publish_at, now)
    if before is None:
        raise PublishingError(
            N_("Item {id} is no longer scheduled, so its time can't be changed."), id=item_id
        )
    await database.audit.record(
        now,
        by,
        AuditAction.RESCHEDULED,
        item_id=item_id,
        details={"from": before.isoformat(), "to": publish_at.isoformat()},
    )
    return before
