"""What a submission's author is told of the decision on it: approved (and published,
scheduled, corrected or withdrawn), not done after all, rejected, or sent back with a note.

Titles and notes pass through markup.escape (shown_title), the one escaping path; `who`, the
member who decided, comes as approval.member_label made it.
"""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from pressbot.core.team import Action, Submission
from pressbot.texts.admin import format_release_time
from pressbot.texts.approval import APPROVAL_PREFIX
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import escape, shown_title


def subject(submission: Submission, tr: Translator, title: str = "") -> str:
    """What a submission asks for, in a few words: the release's title, or which item."""
    if submission.action is Action.CORRECTION:
        return tr("correction of item {id}", id=submission.item_id)
    if submission.action is Action.WITHDRAWAL:
        return tr("withdrawal of item {id}", id=submission.item_id)
    return tr("“{title}”", title=shown_title(title))


def author_published(
    submission: Submission, what: str, who: str, tr: Translator, *, item_id: int, late: bool
) -> str:
    """The author: the release was approved and published."""
    if late:
        return tr(
            "Your submission {id} ({what}) was approved by {who}. Its release time had passed,"
            " so it was published at once as /read_{item}.",
            id=submission.id,
            what=what,
            who=who,
            item=item_id,
        )
    return tr(
        "Your submission {id} ({what}) was approved by {who} and published as /read_{item}.",
        id=submission.id,
        what=what,
        who=who,
        item=item_id,
    )


def author_scheduled(
    submission: Submission, what: str, who: str, tr: Translator, *, item_id: int, when: datetime
) -> str:
    """The author: the release was approved and scheduled at their time."""
    return tr(
        "Your submission {id} ({what}) was approved by {who}: item {item} will be published"
        " on {when}.",
        id=submission.id,
        what=what,
        who=who,
        item=item_id,
        when=format_release_time(when, tr),
    )


def author_done(submission: Submission, what: str, who: str, tr: Translator) -> str:
    """The author: a correction or a withdrawal was approved and is under way."""
    if submission.action is Action.WITHDRAWAL:
        return tr(
            "Your submission {id} ({what}) was approved by {who}: the item is withdrawn.",
            id=submission.id,
            what=what,
            who=who,
        )
    return tr(
        "Your submission {id} ({what}) was approved by {who}: the delivered copies are being"
        " corrected.",
        id=submission.id,
        what=what,
        who=who,
    )


def author_failed(submission: Submission, what: str, who: str, reason: str, tr: Translator) -> str:
    """The author: approved, but it could not be done (`reason` rendered already)."""
    return tr(
        "Your submission {id} ({what}) was approved by {who}, but it could not be done: {reason}",
        id=submission.id,
        what=what,
        who=who,
        reason=reason,
    )


def author_rejected(submission: Submission, what: str, who: str, tr: Translator) -> str:
    """The author: rejected."""
    if submission.action is Action.WITHDRAWAL:
        return tr(
            "{who} rejected your submission {id} ({what}). Nothing was withdrawn.",
            id=submission.id,
            what=what,
            who=who,
        )
    return tr(
        "{who} rejected your submission {id} ({what}). Nothing was published.",
        id=submission.id,
        what=what,
        who=who,
    )


def author_changes(
    submission: Submission, what: str, who: str, tr: Translator, *, note: str, busy: bool
) -> str:
    """The author: changes were asked for, with the note; the draft comes back (`busy`: once
    the draft they are writing now is done)."""
    head = tr(
        "{who} asked for changes to your submission {id} ({what}):",
        id=submission.id,
        what=what,
        who=who,
    )
    if busy:
        then = tr(
            "You have another draft in progress: finish it or /cancel it, then press the"
            " button to reopen this one."
        )
    else:
        then = tr(
            "The draft is yours again: its preview follows, where you can rewrite a version"
            " and submit it again."
        )
    return f"{head}\n\n<i>{escape(note)}</i>\n\n{then}"


def reopen_keyboard(submission_id: int, tr: Translator) -> InlineKeyboardMarkup:
    """The button that brings a sent-back submission back as the author's draft."""
    label = tr("Reopen submission {id}", id=submission_id)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"{APPROVAL_PREFIX}:reopen:{submission_id}")]]
    )
