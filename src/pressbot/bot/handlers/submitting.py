"""Submitting for approval: a draft (at once, or with a release time) or a withdrawal goes to
every member who may approve it (bot.context.team_ids, but its author), as a heading, the
preview exactly as subscribers will see it, and Approve, Request changes and Reject.

approval.py takes the decisions. With nobody to approve, nothing is submitted: the author's
draft is kept and they are told to have a publisher added with /team.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CommandHandler

from pressbot.bot.context import PressApplication, PressContext, team_ids
from pressbot.bot.handlers.preview import close_preview, preview_item, send_text, show_item
from pressbot.bot.handlers.release_gate import action_of
from pressbot.bot.handlers.replying import reply_messages
from pressbot.bot.handlers.rights import admin_in_private
from pressbot.core.models import Draft, DraftStage, Item, ItemStatus
from pressbot.core.team import Action, Right, Submission, may_decide
from pressbot.texts import admin as admin_texts
from pressbot.texts import approval as approval_texts

logger = logging.getLogger(__name__)


async def approvers_of(context: PressContext, author_id: int) -> list[int]:
    """Who is asked to decide on the author's submission: every member who may publish but
    the author (in two-person mode the author may not; in the others they need not)."""
    publishers = await team_ids(context.services, Right.PUBLISH)
    return [user_id for user_id in publishers if user_id != author_id]


async def submit_draft(update: Update, context: PressContext, draft: Draft) -> None:
    """Submit for approval (a correction: Submit the correction), to go out once approved."""
    await submit(update, context, draft, None)


async def ask_submission_time(update: Update, context: PressContext, draft: Draft) -> None:
    """Submit with a release time: ask when (the SCHEDULE stage takes the answer)."""
    if not await approvers_of(context, draft.admin_id):
        await _nobody_to_approve(update, context, approval_texts.NOBODY_TO_APPROVE)
        return
    await close_preview(update, context, draft)
    await context.database.drafts.save(replace(draft, stage=DraftStage.SCHEDULE), context.now())
    await reply_messages(update, [context.tr(admin_texts.ASK_TIME)])


async def submit(
    update: Update, context: PressContext, draft: Draft, publish_at: datetime | None
) -> None:
    """Store the draft as a submission (it is the author's draft no more) and send it to
    every approver; `publish_at`: the time the author chose (None: once approved)."""
    approvers = await approvers_of(context, draft.admin_id)
    if not approvers:
        await _nobody_to_approve(update, context, approval_texts.NOBODY_TO_APPROVE)
        return
    await close_preview(update, context, draft)
    submission_id = await context.database.submissions.submit(
        action_of(draft), draft.admin_id, context.now(), draft=draft, publish_at=publish_at
    )
    await _send_out(update, context, submission_id, approvers)


async def submit_withdrawal(update: Update, context: PressContext, item_id: int) -> None:
    """/delete's Withdraw when the withdrawal needs approval: submit it instead."""
    user = update.effective_user
    if user is None:
        return
    approvers = await approvers_of(context, user.id)
    if not approvers:  # the question's press was answered already
        text = context.tr(approval_texts.NOBODY_TO_APPROVE_WITHDRAWAL)
        await reply_messages(update, [text])
        return
    item = await context.database.items.get(item_id)
    if item is None or item.status is not ItemStatus.PUBLISHED:
        await reply_messages(update, [admin_texts.not_published(item_id, context.tr)])
        return
    submission_id = await context.database.submissions.submit(
        Action.WITHDRAWAL, user.id, context.now(), item_id=item_id
    )
    await _send_out(update, context, submission_id, approvers)


async def _nobody_to_approve(update: Update, context: PressContext, text: str) -> None:
    """Nobody else may decide: nothing is submitted, the preview's buttons stay."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await reply_messages(update, [context.tr(text)])


async def _send_out(
    update: Update, context: PressContext, submission_id: int, approvers: list[int]
) -> None:
    """Send the stored submission to each approver; tell the author how many were asked."""
    submission = await context.database.submissions.get(submission_id)
    if submission is None:  # just written: only a database gone wrong loses it
        raise LookupError(f"submission {submission_id} was not stored")
    user = update.effective_user
    author_name = user.full_name if user is not None else ""
    item = await shown_item(context, submission)
    asked = 0
    for approver in approvers:
        if await _ask(context, submission, author_name, item, approver):
            asked += 1
    await reply_messages(update, [approval_texts.submitted(submission.id, asked, context.tr)])


async def shown_item(context: PressContext, submission: Submission) -> Item | None:
    """What an approver is shown: the release or the corrected item as subscribers will see
    it; for a withdrawal, the item as they have it now (None when it is gone)."""
    if submission.draft is not None:
        return await preview_item(context, submission.draft, context.now())
    return await context.database.items.get(submission.item_id or 0)


async def _ask(
    context: PressContext, submission: Submission, author: str, item: Item | None, chat_id: int
) -> bool:
    """The heading, the preview and the decision's buttons in one approver's chat; False
    when Telegram would not take them (a member who never started the bot, or blocked it)."""
    tr = await context.chat_translator(chat_id)
    label = approval_texts.member_label(author, submission.author_id, tr)
    changes = submission.action is not Action.WITHDRAWAL  # a withdrawal has no draft to change
    try:
        await send_text(context, chat_id, approval_texts.heading(submission, label, tr))
        if item is not None:
            await show_item(context, chat_id, item, tr, None)
        question = await send_text(
            context,
            chat_id,
            approval_texts.decision_question(submission.id, tr, changes=changes),
            approval_texts.decision_keyboard(submission.id, tr, changes=changes),
        )
    except TelegramError as error:
        logger.warning("submission %d not shown to %d: %s", submission.id, chat_id, error)
        return False
    await context.database.submissions.add_message(submission.id, chat_id, question.message_id)
    return True


async def pending(update: Update, context: PressContext) -> None:
    """/pending: every submission still waiting that the member may decide, shown again with
    its buttons (one sent to nobody, or to a member since removed, or whose message is gone)."""
    role = await admin_in_private(update, context, Right.PUBLISH)
    user = update.effective_user
    if role is None or user is None:
        return
    approval = context.services.settings.approval
    waiting = [
        found
        for found in await context.database.submissions.pending()
        if may_decide(role, user.id, found.author_id, approval)
    ]
    if not waiting:
        await reply_messages(update, [context.tr(approval_texts.NOTHING_PENDING)])
        return
    for submission in waiting:
        author = await context.database.team.get(submission.author_id)
        item = await shown_item(context, submission)
        await _ask(context, submission, author.name if author else "", item, user.id)


def register(application: PressApplication) -> None:
    """Add /pending."""
    application.add_handler(CommandHandler("pending", pending))
