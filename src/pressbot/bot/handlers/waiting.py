"""Admins change what waits: a held item moved to another time, a withdrawal undone.

Move (under /scheduled) asks for the new time through a draft at the SCHEDULE stage that
names the item: the same step that takes a new release's time (draft_steps.take_release_time)
then calls move_to. /restore <id> and Undo (under "withdrawn") put an item back in the lists.
Each asks for Right.PUBLISH afresh (rights.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import cast

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, JobQueue

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.replying import command_argument, replace_buttons, reply_messages
from pressbot.bot.handlers.rights import admin_in_private, admin_press
from pressbot.bot.release_jobs import cancel_release, schedule_release
from pressbot.core.inputs import parse_id
from pressbot.core.models import Draft, DraftStage, ItemStatus
from pressbot.core.team import Right
from pressbot.publishing import PublishingError, move_held, restore
from pressbot.texts import admin as admin_texts
from pressbot.texts import waiting as waiting_texts


async def ask_new_time(update: Update, context: PressContext) -> None:
    """Move under /scheduled: ask for the held item's new time (a draft that moves it)."""
    pressed = await admin_press(update, context, Right.PUBLISH)
    if pressed is None:
        return
    item_id = parse_id(pressed.value)
    item = await context.database.items.get(item_id) if item_id is not None else None
    if item is None or item.status is not ItemStatus.SCHEDULED:
        await pressed.query.answer(context.tr(waiting_texts.NOT_HELD))
        return
    await pressed.query.answer()
    existing = await context.database.drafts.get(pressed.admin_id)
    if existing is not None:
        await reply_messages(update, [admin_texts.draft_in_progress(existing.title, context.tr)])
        return
    draft = replace(Draft.correction(pressed.admin_id, item), stage=DraftStage.SCHEDULE)
    await context.database.drafts.save(draft, context.now())
    await reply_messages(update, [waiting_texts.ask_new_time(item, context.tr)])


async def move_to(update: Update, context: PressContext, draft: Draft, when: datetime) -> None:
    """The new time of the held item a draft moves: move it and its release job."""
    item_id = draft.item_id
    if item_id is None:
        return
    if not await admin_in_private(update, context, Right.PUBLISH):  # the role may have changed
        await context.database.drafts.delete(draft.admin_id)
        return
    now = context.now()
    await context.database.drafts.delete(draft.admin_id)
    job_queue = cast("JobQueue[PressContext] | None", context.job_queue)
    # The old job goes first: it can't release the item at its old time once it is moved.
    if job_queue is not None:
        cancel_release(job_queue, item_id)
    try:
        before = await move_held(context.database, item_id, when, now, by=draft.admin_id)
    except PublishingError as error:  # released or cancelled meanwhile: no job to keep
        await reply_messages(update, [error.render(context.tr)])
        return
    if job_queue is not None:
        schedule_release(job_queue, item_id, when, now)
    await reply_messages(update, [waiting_texts.moved(item_id, before, when, context.tr)])


async def restore_command(update: Update, context: PressContext) -> None:
    """Undo a withdrawal: /restore <id>."""
    user = update.effective_user
    if not await admin_in_private(update, context, Right.PUBLISH) or user is None:
        return
    item_id = parse_id(command_argument(update))
    if item_id is None:
        await reply_messages(update, [admin_texts.usage("restore", context.tr)])
        return
    await _restore(update, context, item_id, user.id)


async def undo_withdrawal(update: Update, context: PressContext) -> None:
    """Undo under "withdrawn": restore the item."""
    pressed = await admin_press(update, context, Right.PUBLISH)
    if pressed is None:
        return
    item_id = parse_id(pressed.value)
    if item_id is None:  # not a button of ours
        await pressed.query.answer(context.tr(admin_texts.STALE_BUTTON))
        return
    await pressed.query.answer()
    await replace_buttons(pressed.query, None)
    await _restore(update, context, item_id, pressed.admin_id)


async def _restore(update: Update, context: PressContext, item_id: int, admin_id: int) -> None:
    try:
        removed = await restore(context.database, item_id, by=admin_id, now=context.now())
    except PublishingError as error:
        await reply_messages(update, [error.render(context.tr)])
        return
    await reply_messages(update, [waiting_texts.restored(item_id, removed, context.tr)])


def register(application: PressApplication) -> None:
    """Add /restore, Undo and Move."""
    application.add_handler(CommandHandler("restore", restore_command))
    application.add_handler(
        CallbackQueryHandler(undo_withdrawal, pattern=rf"^{waiting_texts.UNDO_CALLBACK_PREFIX}:")
    )
    application.add_handler(
        CallbackQueryHandler(ask_new_time, pattern=rf"^{waiting_texts.MOVE_CALLBACK_PREFIX}:")
    )
