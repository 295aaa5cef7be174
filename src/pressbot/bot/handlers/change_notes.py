"""Request changes, continued: the publisher's note, and the draft given back to its author.

After Request changes (approval.py) the publisher's next text in their private chat is the
note (admin_post.draft_input asks `take_note` first: the note comes before any draft of
theirs); /cancel drops the request. The author gets the note and the submitted draft back at
its preview; with another draft in progress, a button reopens it once that one is done.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.approval import (
    author_label,
    decided_text,
    presser_label,
    take_buttons_off,
    title_of,
)
from pressbot.bot.handlers.preview import present_preview, send_text
from pressbot.bot.handlers.replying import replace_buttons, reply_messages
from pressbot.bot.handlers.rights import admin_press, refuse
from pressbot.core.inputs import parse_id
from pressbot.core.team import Right, Submission, SubmissionStatus, may, may_decide
from pressbot.texts import approval as approval_texts
from pressbot.texts import approval_outcomes as told_texts

logger = logging.getLogger(__name__)


async def take_note(update: Update, context: PressContext) -> bool:
    """The note of a publisher asked for one: send the submission back with it. False (the
    message is someone else's business) when no note was asked of the sender."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.chat.type != "private":
        return False
    submissions = context.database.submissions
    submission_id = await submissions.note_asked(user.id)
    if submission_id is None:
        return False
    role = await context.role_of(user.id)  # asked afresh: they may have lost the right
    found = await submissions.get(submission_id)
    approval = context.services.settings.approval
    if found is None or not may_decide(role, user.id, found.author_id, approval):
        await submissions.drop_note(user.id)
        if not may(role, Right.PUBLISH):
            await refuse(update, context, role, Right.PUBLISH)
        return True
    note = (message.text or "").strip()
    if not note:
        await reply_messages(update, [context.tr(approval_texts.NOTE_AS_TEXT)])
    elif len(note) > approval_texts.NOTE_LIMIT:
        await reply_messages(update, [approval_texts.note_too_long(len(note), context.tr)])
    elif await submissions.decide(
        found.id, SubmissionStatus.CHANGES_REQUESTED, by=user.id, now=context.now(), note=note
    ):
        await take_buttons_off(context, found.id)
        author_tr = await context.chat_translator(found.author_id)
        await give_back(context, found, presser_label(update, user.id, author_tr), note)
        author = await author_label(context, found.author_id, context.tr)
        await reply_messages(update, [approval_texts.sent_back(found.id, author, context.tr)])
    else:  # decided by another member since the note was asked
        await submissions.drop_note(user.id)
        await reply_messages(update, [await decided_text(context, found.id)])
    return True


async def give_back(context: PressContext, submission: Submission, who: str, note: str) -> None:
    """The author gets the note, and the submitted draft back at its preview (or, with a
    draft in progress, a button to reopen it once that one is done)."""
    author = submission.author_id
    tr = await context.chat_translator(author)
    what = told_texts.subject(submission, tr, title_of(submission))
    draft = submission.draft
    busy = draft is not None and await context.database.drafts.get(author) is not None
    text = told_texts.author_changes(submission, what, who, tr, note=note, busy=busy)
    if draft is not None and not busy:
        await context.database.drafts.save(draft, context.now())  # kept even when unshown
    try:
        if busy:
            keyboard = told_texts.reopen_keyboard(submission.id, tr)
            await send_text(context, author, text, keyboard)
            return
        await send_text(context, author, text)
        if draft is not None:
            await present_preview(context, draft, tr)
    except TelegramError as error:
        logger.warning("author %d not given submission %d back: %s", author, submission.id, error)


async def reopen(update: Update, context: PressContext) -> None:
    """Reopen a submission sent back for changes as the author's draft, at its preview."""
    pressed = await admin_press(update, context, Right.DRAFT)
    if pressed is None:
        return
    submission_id = parse_id(pressed.value.partition(":")[2])
    found = await context.database.submissions.get(submission_id) if submission_id else None
    query = pressed.query
    if found is None:
        await query.answer(context.tr(approval_texts.UNKNOWN))
    elif found.author_id != pressed.admin_id:
        await query.answer(context.tr(approval_texts.NOT_YOURS), show_alert=True)
    elif found.status is not SubmissionStatus.CHANGES_REQUESTED or found.draft is None:
        await query.answer(context.tr(approval_texts.NOT_SENT_BACK))
    elif await context.database.drafts.get(pressed.admin_id) is not None:
        await query.answer(context.tr(approval_texts.REOPEN_LATER), show_alert=True)
    else:
        await query.answer()
        await replace_buttons(query, None)
        await present_preview(context, found.draft, context.tr)


async def drop_note(update: Update, context: PressContext) -> bool:
    """/cancel while a note is asked: no note, the submission waits; False when none was."""
    user = update.effective_user
    if user is None or not await context.database.submissions.drop_note(user.id):
        return False
    await reply_messages(update, [context.tr(approval_texts.NOTE_DROPPED)])
    return True


def register(application: PressApplication) -> None:
    """Add the reopen button (before approval.register's other decision buttons)."""
    pattern = rf"^{approval_texts.APPROVAL_PREFIX}:reopen:"
    application.add_handler(CallbackQueryHandler(reopen, pattern=pattern))
