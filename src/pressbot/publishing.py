"""Publishing, scheduling, correcting and withdrawing items: the admin's actions as functions.

Each writes its change and the resulting deliveries in one transaction (storage/outbox.py),
then wakes the delivery engine. Handlers call these; so does the scheduler.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from pressbot.core.languages import N_, TranslatableError
from pressbot.core.models import Draft, ItemKind, NewItem, Version
from pressbot.core.team import AuditAction
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
    database: Database,
    engine: DeliveryEngine,
    draft: Draft,
    now: datetime,
    *,
    by: int | None = None,
    progress_chat_id: int | None = None,
) -> tuple[int, int]:
    """Store the draft as a published item and start delivery; return (item, broadcast).

    `by` is who lets it out (the draft's author, or the publisher approving it), audited;
    the progress message goes to `progress_chat_id` (by default the draft's chat).
    """
    item = draft_item(draft, now)
    actor = draft.admin_id if by is None else by
    chat_id = draft.chat_id if progress_chat_id is None else progress_chat_id
    item_id, broadcast_id = await database.outbox.publish_new(item, actor, chat_id, now)
    await database.drafts.delete(draft.admin_id)
    await database.audit.record(
        now,
        actor,
        AuditAction.PUBLISHED,
        item_id=item_id,
        details={"title": item.title, "author": draft.admin_id},
    )
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
    *,
    by: int | None = None,
) -> int:
    """Store the draft as an item held until publish_at; return its id. `by` as for
    publish_draft."""
    item = draft_item(draft, publish_at)
    actor = draft.admin_id if by is None else by
    item_id = await database.items.add_scheduled(item, publish_at, actor, now)
    await database.drafts.delete(draft.admin_id)
    await database.audit.record(
        now,
        actor,
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
    broadcast_id = await database.outbox.publish_held(item_id, progress_chat_id=None, now=now)
    if broadcast_id is not None:
        await database.audit.record(
            now, None, AuditAction.PUBLISHED, item_id=item_id, details={"scheduled": "yes"}
        )
        engine.wake()
    return broadcast_id


async def correct_item(
    database: Database,
    engine: DeliveryEngine,
    draft: Draft,
    now: datetime,
    *,
    by: int | None = None,
    progress_chat_id: int | None = None,
) -> int:
    """Apply an /edit draft: the item changes and every delivered copy is edited in place.

    Audited with each changed version's title and text before and after; `by` and
    `progress_chat_id` as for publish_draft.
    """
    if draft.item_id is None:
        raise PublishingError(N_("This draft does not correct an item."))
    actor = draft.admin_id if by is None else by
    before = await database.items.get(draft.item_id)
    versions = draft_versions(draft)
    broadcast_id = await database.outbox.correct(
        draft.item_id,
        versions=versions,
        media=draft.media,
        requested_by=actor,
        progress_chat_id=draft.chat_id if progress_chat_id is None else progress_chat_id,
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
    details = correction_details(before.versions if before else (), versions)
    details["author"] = str(draft.admin_id)
    await database.audit.record(
        now, actor, AuditAction.CORRECTED, item_id=draft.item_id, details=details
    )
    engine.wake()
    return broadcast_id


def correction_details(before: Sequence[Version], after: Sequence[Version]) -> dict[str, str]:
    """What an audit row keeps of a correction: each changed version's title and text,
    before and after ("title before (en)": ...)."""
    stored = {v.language: v for v in before}
    details: dict[str, str] = {}
    for version in after:
        old = stored.get(version.language)
        if old is not None and not version.rewrites(old):
            continue
        language = version.language
        details[f"title before ({language})"] = old.title if old else ""
        details[f"title after ({language})"] = version.title
        details[f"text before ({language})"] = old.body_html if old else ""
        details[f"text after ({language})"] = version.body_html
    return details


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
    await database.audit.record(now, admin_id, AuditAction.WITHDRAWN, item_id=item_id)
    engine.wake()
    return broadcast_id
