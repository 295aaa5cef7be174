"""Publishing, scheduling, correcting and withdrawing items: the admin's actions as functions.

Each writes its change and the resulting deliveries in one transaction (storage/outbox.py),
records it in the audit trail, then wakes the delivery engine. Handlers call these; so do the
scheduler and the approval of a submission (bot/handlers/approval.py), which acts for its
author: `Actor` says who lets a draft out.

- releases.py: a draft published or scheduled, a held item released or moved;
- corrections.py: an item corrected, published or still held;
- withdrawals.py: an item withdrawn, and the withdrawal undone.
"""

from pressbot.publishing.acting import Actor, PublishingError
from pressbot.publishing.corrections import HELD_CORRECTED, correct_item, correction_details
from pressbot.publishing.releases import (
    draft_item,
    draft_versions,
    move_held,
    publish_draft,
    reach,
    release_held,
    schedule_draft,
)
from pressbot.publishing.withdrawals import restore, withdraw

__all__ = [
    "HELD_CORRECTED",
    "Actor",
    "PublishingError",
    "correct_item",
    "correction_details",
    "draft_item",
    "draft_versions",
    "move_held",
    "publish_draft",
    "reach",
    "release_held",
    "restore",
    "schedule_draft",
    "withdraw",
]
