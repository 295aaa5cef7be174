"""The decision on a submission: Approve, Request changes (with a note), Reject.

Any member who may publish decides (core.team.may_decide: in two-person mode, not on their
own); `submissions.decide` is atomic, so of two pressing at once one decides and the other
is told. After a decision the buttons leave every approver's message, and the author is told
in their language. A submission sent back becomes its author's draft again, at the preview.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import cast

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, JobQueue

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.preview import corrected_said, send_text
from pressbot.bot.handlers.replying import replace_buttons, reply_messages
from pressbot.bot.handlers.rights import AdminPress, admin_press, record_refused
from pressbot.bot.release_jobs import schedule_release
from pressbot.core.inputs import parse_id
from pressbot.core.models import Draft
from pressbot.core.team import (
    Action,
    AuditAction,
    Right,
    Submission,
    SubmissionStatus,
    may_decide,
)
from pressbot.publishing import (
    Actor,
    PublishingError,
    correct_item,
    publish_draft,
    reach,
    schedule_draft,
    withdraw,
)
from pressbot.texts import admin as admin_texts
from pressbot.texts import approval as approval_texts
from pressbot.texts import approval_outcomes as told_texts
from pressbot.texts import waiting as waiting_texts
from pressbot.texts.i18n import Translator

logger = logging.getLogger(__name__)

#: One decision's step: the press (by a member who may decide), the pending submission.
Decision = Callable[[Update, PressContext, AdminPress, Submission], Awaitable[None]]


async def decide(update: Update, context: PressContext) -> None:
    """Approve, Request changes or Reject under a submission: the decision's step."""
    pressed = await admin_press(update, context, Right.PUBLISH)
    if pressed is None:
        return
    verb, _, number = pressed.value.partition(":")
    submission_id = parse_id(number)
    step = _DECISIONS.get(verb)
    found = await context.database.submissions.get(submission_id) if submission_id else None
    if step is None or found is None or (verb, found.action) == ("changes", Action.WITHDRAWAL):
        # Forged (a withdrawal has no draft to send back), or of another bot's making.
        await record_refused(update, context, reason="bad button")
        await pressed.query.answer(context.tr(approval_texts.UNKNOWN))
        return
    approval = context.services.settings.approval
    if not may_decide(pressed.role, pressed.admin_id, found.author_id, approval):
        await _refuse_own(update, context, pressed)
        return
    if found.status is not SubmissionStatus.PENDING:
        await _decided_already(context, pressed, found.id)
        return
    await step(update, context, pressed, found)


async def approve(
    update: Update, context: PressContext, pressed: AdminPress, submission: Submission
) -> None:
    """Approve: publish, schedule at the author's time, correct or withdraw, as submitted."""
    now = context.now()
    if not await context.database.submissions.decide(
        submission.id, SubmissionStatus.APPROVED, by=pressed.admin_id, now=now
    ):
        await _decided_already(context, pressed, submission.id)
        return
    await pressed.query.answer()
    author_tr = await context.chat_translator(submission.author_id)
    who = presser_label(update, pressed.admin_id, author_tr)
    what = told_texts.subject(submission, author_tr, title_of(submission))
    undo = None
    try:
        said, told = await _let_out(context, pressed, submission, author_tr, who=who, what=what)
        if submission.action is Action.WITHDRAWAL and submission.item_id is not None:
            undo = waiting_texts.undo_keyboard(submission.item_id, context.tr)
    except PublishingError as error:  # withdrawn or gone meanwhile, or nothing changed
        said = error.render(context.tr)
        told = told_texts.author_failed(submission, what, who, error.render(author_tr), author_tr)
    except Exception:
        # Not done (the database busy, Telegram down): the submission waits again, its
        # buttons still there, so "try again" (the error handler's reply) is true.
        await context.database.submissions.reopen(submission.id, by=pressed.admin_id, now=now)
        raise
    await take_buttons_off(context, submission.id)
    await reply_messages(update, [said], undo)
    await tell(context, submission.author_id, told)


async def _let_out(
    context: PressContext,
    pressed: AdminPress,
    submission: Submission,
    author_tr: Translator,
    *,
    who: str,
    what: str,
) -> tuple[str, str]:
    """Do what the submission asks, by the approver; (what they are told, the author)."""
    database, engine, now, tr = context.database, context.engine, context.now(), context.tr
    by, chat_id = pressed.admin_id, pressed.chat_id
    head = approval_texts.approved(submission.id, tr)
    if submission.action is Action.WITHDRAWAL:
        item_id = submission.item_id or 0
        broadcast_id = await withdraw(
            database, engine, item_id, admin_id=by, chat_id=chat_id, now=now
        )
        copies = await _copies(context, broadcast_id)
        said = admin_texts.withdrawn(item_id, copies, tr)
        return f"{head} {said}", told_texts.author_done(submission, what, who, author_tr)
    draft = submission.draft
    if draft is None:  # a release or a correction always has one (storage/submissions.py)
        raise PublishingError(approval_texts.UNKNOWN)
    if submission.action is Action.CORRECTION:
        broadcast_id = await correct_item(
            database, engine, draft, now, Actor.approver(by, chat_id)
        )
        said = await corrected_said(context, submission.item_id or 0, broadcast_id)
        return f"{head} {said}", told_texts.author_done(submission, what, who, author_tr)
    return await _release(context, pressed, submission, draft, author_tr, who=who, what=what)


async def _release(
    context: PressContext,
    pressed: AdminPress,
    submission: Submission,
    draft: Draft,
    author_tr: Translator,
    *,
    who: str,
    what: str,
) -> tuple[str, str]:
    """_let_out for a new release: scheduled at the author's time, or published now (also
    when that time passed while it waited)."""
    database, now, tr = context.database, context.now(), context.tr
    by, head = pressed.admin_id, approval_texts.approved(submission.id, tr)
    when = submission.publish_at
    if when is not None and when > now:
        item_id = await schedule_draft(
            database, draft, when, now, Actor.approver(by, pressed.chat_id)
        )
        if context.job_queue is not None:
            job_queue = cast(JobQueue[PressContext], context.job_queue)
            schedule_release(job_queue, item_id, when, now)
        said = admin_texts.scheduled(item_id, when, tr)
        told = told_texts.author_scheduled(
            submission, what, who, author_tr, item_id=item_id, when=when
        )
        return f"{head} {said}", told
    item_id, broadcast_id = await publish_draft(
        database, context.engine, draft, now, Actor.approver(by, pressed.chat_id)
    )
    said = admin_texts.published(item_id, *await reach(database, broadcast_id), tr)
    late = when is not None  # its time passed while it waited
    if late:
        head = f"{head} {approval_texts.time_passed(tr)}"
    told = told_texts.author_published(
        submission, what, who, author_tr, item_id=item_id, late=late
    )
    return f"{head} {said}", told


async def ask_for_changes(
    update: Update, context: PressContext, pressed: AdminPress, submission: Submission
) -> None:
    """Request changes: the publisher's next message is the note (change_notes.py takes it)."""
    await context.database.submissions.ask_note(pressed.admin_id, submission.id, context.now())
    await pressed.query.answer()
    author = await author_label(context, submission.author_id, context.tr)
    await reply_messages(update, [approval_texts.ask_note(submission.id, author, context.tr)])


async def reject(
    update: Update, context: PressContext, pressed: AdminPress, submission: Submission
) -> None:
    """Reject: decided at once; the author is told."""
    if not await context.database.submissions.decide(
        submission.id, SubmissionStatus.REJECTED, by=pressed.admin_id, now=context.now()
    ):
        await _decided_already(context, pressed, submission.id)
        return
    await pressed.query.answer()
    await take_buttons_off(context, submission.id)
    author_tr = await context.chat_translator(submission.author_id)
    who = presser_label(update, pressed.admin_id, author_tr)
    what = told_texts.subject(submission, author_tr, title_of(submission))
    await tell(
        context,
        submission.author_id,
        told_texts.author_rejected(submission, what, who, author_tr),
    )
    author = await author_label(context, submission.author_id, context.tr)
    await reply_messages(update, [approval_texts.rejected(submission.id, author, context.tr)])


_DECISIONS: dict[str, Decision] = {
    "approve": approve,
    "changes": ask_for_changes,
    "reject": reject,
}


async def take_buttons_off(context: PressContext, submission_id: int) -> None:
    """Take the decision's buttons off every message that showed them (errors logged)."""
    for chat_id, message_id in await context.database.submissions.messages(submission_id):
        try:
            await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        except TelegramError as error:  # deleted by its reader, or too old: nothing to undo
            logger.info("buttons of submission %d stay in %d: %s", submission_id, chat_id, error)


async def author_label(context: PressContext, user_id: int, tr: Translator) -> str:
    """A member by the name the team knows them by (and their id)."""
    member = await context.database.team.get(user_id)
    return approval_texts.member_label(member.name if member else "", user_id, tr)


def presser_label(update: Update, user_id: int, tr: Translator) -> str:
    user = update.effective_user
    return approval_texts.member_label(user.full_name if user else "", user_id, tr)


def title_of(submission: Submission) -> str:
    return submission.draft.title if submission.draft is not None else ""


async def _copies(context: PressContext, broadcast_id: int) -> int:
    progress = await context.database.outbox.progress(broadcast_id)
    return progress.total if progress else 0


async def tell(context: PressContext, user_id: int, text: str) -> None:
    """A message to a member that is no reply (the author); a failure is one log line."""
    try:
        await send_text(context, user_id, text)
    except TelegramError as error:
        logger.warning("member %d not told of a decision: %s", user_id, error)


async def _decided_already(context: PressContext, pressed: AdminPress, submission_id: int) -> None:
    """Another member decided first: say who, and how; the buttons go."""
    text = await decided_text(context, submission_id, markup=False)
    await pressed.query.answer(text, show_alert=True)
    await replace_buttons(pressed.query, None)


async def decided_text(context: PressContext, submission_id: int, *, markup: bool = True) -> str:
    """Who decided the submission, and how (`markup` False: for an alert's plain text)."""
    found = await context.database.submissions.get(submission_id)
    status = found.status if found else SubmissionStatus.PENDING
    who = ""
    if found is not None and found.decided_by is not None:
        member = await context.database.team.get(found.decided_by)
        name = member.name if member else ""
        who = approval_texts.member_label(name, found.decided_by, context.tr, markup=markup)
    return approval_texts.decided_already(submission_id, status, who, context.tr)


async def _refuse_own(update: Update, context: PressContext, pressed: AdminPress) -> None:
    """Two-person mode: nobody decides on their own submission; refused and recorded."""
    await context.database.audit.record(
        context.now(),
        pressed.admin_id,
        AuditAction.REFUSED,
        details={
            "tried": (pressed.query.data or "")[:64],
            "needs": "another member",
            "role": pressed.role,
        },
    )
    await pressed.query.answer(context.tr(approval_texts.OWN_SUBMISSION), show_alert=True)


def register(application: PressApplication) -> None:
    """Add the decision's buttons (after change_notes.register: its reopen button first)."""
    pattern = rf"^{approval_texts.APPROVAL_PREFIX}:"
    application.add_handler(CallbackQueryHandler(decide, pattern=pattern))
