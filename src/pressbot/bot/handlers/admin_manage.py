"""Admins look after what is published: /delete (withdraw) and /scheduled."""

from __future__ import annotations

from typing import cast

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, JobQueue

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.release_gate import must_submit
from pressbot.bot.handlers.replying import (
    command_argument,
    edit_in_place,
    replace_buttons,
    reply_messages,
)
from pressbot.bot.handlers.rights import admin_in_private, admin_press
from pressbot.bot.handlers.submitting import submit_withdrawal
from pressbot.bot.release_jobs import cancel_release
from pressbot.core.inputs import parse_id
from pressbot.core.models import ItemStatus
from pressbot.core.team import Action, AuditAction, Right
from pressbot.publishing import PublishingError, withdraw
from pressbot.texts import admin as admin_texts
from pressbot.texts import waiting as waiting_texts


async def delete(update: Update, context: PressContext) -> None:
    """Ask whether to withdraw an item: /delete <id>."""
    if not await admin_in_private(update, context, Right.PUBLISH):
        return
    item_id = parse_id(command_argument(update))
    if item_id is None:
        await reply_messages(update, [admin_texts.usage("delete", context.tr)])
        return
    item = await context.database.items.get(item_id)
    if item is None or item.status is not ItemStatus.PUBLISHED:
        await reply_messages(update, [admin_texts.not_published(item_id, context.tr)])
        return
    await reply_messages(
        update,
        [admin_texts.withdraw_question(item, context.tr)],
        admin_texts.withdraw_keyboard(item.id, context.tr),
    )


async def confirm_withdrawal(update: Update, context: PressContext) -> None:
    """Withdraw (or keep) the item after the confirmation button."""
    pressed = await admin_press(update, context, Right.PUBLISH)
    if pressed is None:
        return
    query, item_id = pressed.query, parse_id(pressed.value)
    await query.answer()
    await replace_buttons(query, None)
    if item_id is None:  # "Keep it"
        await reply_messages(update, [context.tr("Kept: nothing was withdrawn.")])
        return
    if await must_submit(context, pressed.admin_id, Action.WITHDRAWAL):  # two-person mode
        await submit_withdrawal(update, context, item_id)
        return
    try:
        broadcast_id = await withdraw(
            context.database,
            context.engine,
            item_id,
            admin_id=pressed.admin_id,
            chat_id=pressed.chat_id,
            now=context.now(),
        )
    except PublishingError as error:
        await reply_messages(update, [error.render(context.tr)])
        return
    progress = await context.database.outbox.progress(broadcast_id)
    copies = progress.total if progress else 0
    undo = waiting_texts.undo_keyboard(item_id, context.tr)  # waiting.undo_withdrawal
    await reply_messages(update, [admin_texts.withdrawn(item_id, copies, context.tr)], undo)


async def scheduled(update: Update, context: PressContext) -> None:
    """List the held items, each with a button to cancel it and one to move it."""
    if not await admin_in_private(update, context, Right.PUBLISH):
        return
    text, keyboard = admin_texts.scheduled_list(
        await context.database.items.scheduled(), context.tr
    )
    await reply_messages(update, [text], keyboard)


async def unschedule(update: Update, context: PressContext) -> None:
    """Cancel a held item from the /scheduled list."""
    pressed = await admin_press(update, context, Right.PUBLISH)
    if pressed is None:
        return
    query, item_id = pressed.query, parse_id(pressed.value)
    answer = context.tr("That item is no longer scheduled.")
    if item_id is not None and await context.database.items.cancel_scheduled(item_id):
        await context.database.audit.record(
            context.now(), pressed.admin_id, AuditAction.UNSCHEDULED, item_id=item_id
        )
        if context.job_queue is not None:
            cancel_release(cast(JobQueue[PressContext], context.job_queue), item_id)
        answer = context.tr("Item {id} will not be published.", id=item_id)
    text, keyboard = admin_texts.scheduled_list(
        await context.database.items.scheduled(), context.tr
    )
    await edit_in_place(query, text, keyboard)
    await query.answer(answer)


def register(application: PressApplication) -> None:
    """Add /delete, /scheduled and their buttons."""
    application.add_handler(CommandHandler("delete", delete))
    application.add_handler(CommandHandler("scheduled", scheduled))
    application.add_handler(CallbackQueryHandler(confirm_withdrawal, pattern=r"^withdraw:"))
    application.add_handler(CallbackQueryHandler(unschedule, pattern=r"^unschedule:"))
