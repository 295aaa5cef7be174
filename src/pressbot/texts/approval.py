"""What the bot says about approval to the publishers who decide and to the author who
submits; what the author is told of each decision is in approval_outcomes.py.

Names pass through markup.escape, the one escaping path.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from pressbot.core.languages import N_
from pressbot.core.team import Action, Submission, SubmissionStatus
from pressbot.texts.admin import format_release_time
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import escape, shorten

#: The longest note a publisher may send back with a submission (it is quoted to the author).
NOTE_LIMIT = 1000
#: How much of a member's name a message repeats.
NAME_LIMIT = 64
APPROVAL_PREFIX = "approval"

NOBODY_TO_APPROVE = N_(
    "Nobody else can approve it yet: an owner must first add a publisher with /team."
    " Nothing was submitted; your draft is kept."
)
NOBODY_TO_APPROVE_WITHDRAWAL = N_(
    "Nobody else can approve a withdrawal yet: an owner must first add a publisher with"
    " /team. Nothing was withdrawn."
)
OWN_SUBMISSION = N_(
    "In two-person mode nobody decides on their own submission: another member must."
)
NEEDS_APPROVAL = N_(
    "In two-person mode nothing goes out without a second member's approval: submit it instead."
)
NOTE_AS_TEXT = N_("Please send the note as text, or /cancel.")
NOTE_DROPPED = N_("No note was sent; the submission still waits for a decision.")
NOT_YOURS = N_("Only the author of the submission can reopen it.")
REOPEN_LATER = N_(
    "You have a draft in progress: finish it, or /cancel it, then press the button again."
)
NOT_SENT_BACK = N_("That submission is not waiting for changes.")
UNKNOWN = N_("That submission does not exist.")
NOTHING_PENDING = N_("No submission waits for your decision.")
_DECIDED = {
    SubmissionStatus.APPROVED: N_("Submission {id} was decided already: approved by {who}."),
    SubmissionStatus.REJECTED: N_("Submission {id} was decided already: rejected by {who}."),
    SubmissionStatus.CHANGES_REQUESTED: N_(
        "Submission {id} was decided already: sent back for changes by {who}."
    ),
}


def member_label(name: str, user_id: int, tr: Translator, *, markup: bool = True) -> str:
    """A member as a message names them: "Anna Petrova (id 5001)", or their id alone;
    escaped for HTML unless `markup` is False (an alert's plain text)."""
    if name.strip():
        shown = shorten(name, NAME_LIMIT)
        return tr("{name} (id {id})", name=escape(shown) if markup else shown, id=user_id)
    return tr("id {id}", id=user_id)


def heading(submission: Submission, author: str, tr: Translator) -> str:
    """The first message a publisher gets of a submission: its number, author, what it is."""
    head = tr(
        "<b>Submission {id}</b> from {author}, waiting for approval.",
        id=submission.id,
        author=author,
    )
    if submission.action is Action.CORRECTION:
        what = tr(
            "A correction of item {id}: its delivered copies will be corrected to the"
            " preview below.",
            id=submission.item_id,
        )
    elif submission.action is Action.WITHDRAWAL:
        what = tr(
            "A withdrawal of item {id}, shown below as subscribers have it: it would leave"
            " /latest and /search, and its delivered copies would be deleted or marked as"
            " withdrawn.",
            id=submission.item_id,
        )
    elif submission.publish_at is not None:
        what = tr(
            "A new release, to be published on {when}. The preview below is exactly what"
            " subscribers will receive.",
            when=format_release_time(submission.publish_at, tr),
        )
    else:
        what = tr(
            "A new release, to be published as soon as it is approved. The preview below is"
            " exactly what subscribers will receive."
        )
    return f"{head}\n{what}"


def decision_question(submission_id: int, tr: Translator, *, changes: bool = True) -> str:
    """The message under the preview that carries the decision's buttons (`changes` as for
    decision_keyboard)."""
    if not changes:
        return tr("Submission {id}: approve it or reject it?", id=submission_id)
    return tr("Submission {id}: approve it, ask for changes, or reject it?", id=submission_id)


def decision_keyboard(
    submission_id: int, tr: Translator, *, changes: bool = True
) -> InlineKeyboardMarkup:
    """Approve, Request changes (`changes`: not for a withdrawal, which has no draft), Reject."""
    choices = [
        (N_("Approve"), "approve"),
        (N_("Request changes"), "changes"),
        (N_("Reject"), "reject"),
    ]
    row = [
        InlineKeyboardButton(tr(label), callback_data=f"{APPROVAL_PREFIX}:{verb}:{submission_id}")
        for label, verb in choices
        if changes or verb != "changes"
    ]
    return InlineKeyboardMarkup([row])


def submitted(submission_id: int, asked: int, tr: Translator) -> str:
    """The author, after submitting: how many publishers were asked."""
    if not asked:
        return tr(
            "Submitted for approval as submission {id}, but no publisher could be reached:"
            " each must have started a chat with the bot. It waits for them.",
            id=submission_id,
        )
    return tr.plural(
        "Submitted for approval as submission {id}: {count} publisher was asked. You will be"
        " told of the decision.",
        "Submitted for approval as submission {id}: {count} publishers were asked. You will"
        " be told of the decision.",
        asked,
        id=submission_id,
    )


def decided_already(submission_id: int, status: SubmissionStatus, who: str, tr: Translator) -> str:
    """A publisher pressing after another one decided."""
    if status is SubmissionStatus.PENDING:  # pressed while it was being decided
        return tr("Submission {id} is being decided by another member.", id=submission_id)
    return tr(_DECIDED[status], id=submission_id, who=who)


def ask_note(submission_id: int, author: str, tr: Translator) -> str:
    """Request changes: the publisher's next message is the note."""
    return tr(
        "What should {author} change in submission {id}? Send a note: it goes back to them"
        " with the draft. /cancel keeps the submission waiting.",
        author=author,
        id=submission_id,
    )


def note_too_long(length: int, tr: Translator) -> str:
    """A note over NOTE_LIMIT characters."""
    return tr(
        "That note is too long ({length} characters; at most {limit}). Send a shorter one.",
        length=length,
        limit=NOTE_LIMIT,
    )


def sent_back(submission_id: int, author: str, tr: Translator) -> str:
    """The publisher, after the note."""
    return tr(
        "Submission {id} is sent back to {author} with your note.", id=submission_id, author=author
    )


def rejected(submission_id: int, author: str, tr: Translator) -> str:
    """The publisher, after Reject."""
    return tr("Submission {id} is rejected; {author} is told.", id=submission_id, author=author)


def approved(submission_id: int, tr: Translator) -> str:
    """The first words of the publisher's confirmation of Approve."""
    return tr("Submission {id} is approved.", id=submission_id)


def time_passed(tr: Translator) -> str:
    """Approve after the author's release time: it goes out at once."""
    return tr("Its release time had passed, so it is published now.")
