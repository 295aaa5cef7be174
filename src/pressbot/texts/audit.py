"""What /audit shows: the audit trail's rows as a press officer reads them.

One line per row: when, who, the action, the item and the few details that say what it was
(a title, a role from and to, what a refusal tried); one item's history adds a correction's
title and text before and after. Everything from the rows (titles, names, texts, what a user
typed) passes through markup.escape, shortened first; the messages are split by split_html.
"""

from __future__ import annotations

from collections.abc import Sequence

from pressbot.core.languages import N_
from pressbot.core.team import AuditAction, AuditEntry
from pressbot.texts.admin import format_release_time
from pressbot.texts.audit_details import (
    Known,
    correction_lines,
    details_said,
    who,
    with_row_titles,
)
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import escape
from pressbot.texts.splitting import split_html

#: How many rows /audit shows, and how many of one item's history /audit <id> does.
LATEST = 20
HISTORY = 30

USAGE = N_(
    "Send /audit for the latest actions, or /audit followed by an item number, e.g."
    " /audit 12, for that item's history."
)
NOTHING_YET = N_("Nothing is recorded in the audit trail yet.")
_ACTION_NAMES = {
    AuditAction.SUBMITTED: N_("submitted for approval"),
    AuditAction.APPROVED: N_("approved"),
    AuditAction.APPROVAL_FAILED: N_("approval failed, waits again"),
    AuditAction.REJECTED: N_("rejected"),
    AuditAction.CHANGES_REQUESTED: N_("changes requested"),
    AuditAction.PUBLISHED: N_("published"),
    AuditAction.SCHEDULED: N_("scheduled"),
    AuditAction.RESCHEDULED: N_("moved to another time"),
    AuditAction.UNSCHEDULED: N_("scheduled release cancelled"),
    AuditAction.CORRECTED: N_("corrected"),
    AuditAction.WITHDRAWN: N_("withdrawn"),
    AuditAction.RESTORED: N_("withdrawal undone"),
    AuditAction.ENTRY_PUBLISHED: N_("website entry published"),
    AuditAction.ENTRY_SKIPPED: N_("website entry skipped"),
    AuditAction.MEMBER_ADDED: N_("member added"),
    AuditAction.MEMBER_JOINED: N_("joined by invite"),
    AuditAction.ROLE_CHANGED: N_("role changed"),
    AuditAction.MEMBER_REMOVED: N_("member removed"),
    AuditAction.INVITE_CREATED: N_("invite created"),
    AuditAction.REFUSED: N_("refused"),
}


def action_name(action: AuditAction, tr: Translator) -> str:
    """The action's name in the reader's language."""
    return tr(_ACTION_NAMES[action])


def latest_actions(entries: Sequence[AuditEntry], known: Known, tr: Translator) -> list[str]:
    """/audit: the rows given (newest first), one line each, as messages under the limit."""
    if not entries:
        return [tr(NOTHING_YET)]
    head = tr.plural(
        "<b>Audit trail</b>: the latest action. /audit followed by an item number shows that"
        " item's history.",
        "<b>Audit trail</b>: the {count} latest actions, newest first. /audit followed by an"
        " item number shows that item's history.",
        len(entries),
    )
    known = with_row_titles(known, entries)
    return split_html("\n\n".join([head, *(entry_line(e, known, tr) for e in entries)]))


def item_history(
    item_id: int,
    entries: Sequence[AuditEntry],
    known: Known,
    tr: Translator,
    *,
    complete: bool = True,
) -> list[str]:
    """/audit <id>: the item's rows oldest first, a correction's words before and after.

    `complete` is False when only the newest rows are given: the reply says so.
    """
    if not entries:
        return [tr("No actions are recorded for item {id}.", id=item_id)]
    head = tr("<b>History of item {id}</b>, oldest first.", id=item_id)
    if not complete:
        more = tr(
            "Only its {count} latest actions are shown; <code>pressbot audit</code> exports"
            " them all.",
            count=len(entries),
        )
        head = f"{head} {more}"
    blocks, known = [head], with_row_titles(known, entries)
    for entry in entries:
        changes = correction_lines(entry.details, tr)
        blocks.append("\n".join([entry_line(entry, known, tr), *changes]))
    return split_html("\n\n".join(blocks))


def entry_line(entry: AuditEntry, known: Known, tr: Translator) -> str:
    """One row: “1 December 2026, 09:00 London · 12:00 Moscow — Anna: published, item 12,
    “Title””."""
    what = [action_name(entry.action, tr)]
    if entry.item_id is not None:
        what.append(tr("item {id}", id=entry.item_id))
    what += details_said(entry, known, tr)
    when = f"<b>{escape(format_release_time(entry.at, tr))}</b>"
    return tr(
        "{time} — {who}: {what}", time=when, who=who(entry.actor_id, known), what=", ".join(what)
    )
