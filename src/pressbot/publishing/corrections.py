"""An item corrected: published (every delivered copy edited) or still held (in place)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from pressbot.core.languages import N_
from pressbot.core.models import Draft, Item, ItemStatus, Version
from pressbot.core.team import AuditAction
from pressbot.delivery.engine import DeliveryEngine
from pressbot.publishing.acting import Actor, PublishingError
from pressbot.publishing.releases import draft_versions
from pressbot.storage import Database
from pressbot.storage.audit import AuditRow

#: What correct_item returns for an item still held for release: corrected in place, its
#: time kept, nothing sent (no broadcast has this id).
HELD_CORRECTED: Final = 0


async def correct_item(
    database: Database,
    engine: DeliveryEngine,
    draft: Draft,
    now: datetime,
    actor: Actor | None = None,
) -> int:
    """Apply an /edit draft: the item changes and every delivered copy is edited in place;
    return the broadcast that edits them. An item still held for release changes in place
    and keeps its time, nothing sent: HELD_CORRECTED (one released meanwhile is corrected as
    a published one).

    Audited with each changed version's title and text before and after; `actor` as for
    publish_draft.
    """
    if draft.item_id is None:
        raise PublishingError(N_("This draft does not correct an item."))
    actor = actor or Actor.author_of(draft)
    before = await database.items.get(draft.item_id)
    versions = draft_versions(draft)
    if before is not None and before.status is ItemStatus.SCHEDULED:
        if await _correct_held(database, draft, before, versions, actor=actor, now=now):
            return HELD_CORRECTED
        before = await database.items.get(draft.item_id)  # released meanwhile: as published
    details = correction_details(before.versions if before else (), versions)
    details["author"] = str(draft.admin_id)
    broadcast_id = await database.outbox.correct(
        draft.item_id,
        versions=versions,
        media=draft.media,
        requested_by=actor.user_id,
        progress_chat_id=actor.chat_id,
        now=now,
        audit=AuditRow(actor.user_id, AuditAction.CORRECTED, details),
    )
    if broadcast_id is None:
        raise PublishingError(
            N_("Item {id} is not published, so it can't be corrected."), id=draft.item_id
        )
    if broadcast_id == 0:
        await actor.done_with(database, draft)
        raise PublishingError(
            N_("Nothing changed: item {id} stays as it was, and no copy is edited."),
            id=draft.item_id,
        )
    await actor.done_with(database, draft)
    engine.wake()
    return broadcast_id


async def _correct_held(
    database: Database,
    draft: Draft,
    before: Item,
    versions: Sequence[Version],
    *,
    actor: Actor,
    now: datetime,
) -> bool:
    """Correct an item still held for release, audited; False when it was released meanwhile."""
    revision = await database.items.revise_scheduled(
        before.id, versions=versions, media=draft.media, now=now
    )
    if revision is None:
        return False
    await actor.done_with(database, draft)
    if not revision.changed:
        raise PublishingError(
            N_("Nothing changed: item {id} stays as it was, and no copy is edited."), id=before.id
        )
    details = correction_details(before.versions, versions)
    details["author"] = str(draft.admin_id)
    if before.publish_at is not None:
        details["publish at"] = before.publish_at.isoformat()
    await database.audit.record(
        now, actor.user_id, AuditAction.CORRECTED, item_id=before.id, details=details
    )
    return True


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
