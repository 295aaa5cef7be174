"""Admins look after what is published: /delete (withdraw), /scheduled and /stats."""

from __future__ import annotations

from typing import cast

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, JobQueue

from pressbot import admin_texts
from pressbot.handlers.admin_post import admin_in_private
from pressbot.handlers.replying import command_argument, edit_in_place, reply_messages
from pressbot.models import ItemStatus
from pressbot.publishing import PublishingError, withdraw
from pressbot.release_jobs import cancel_release
from pressbot.services import PressApplication, PressContext

RECENT_BROADCASTS = 5


async def delete(update: Update, context: PressContext) -> None:
    """Ask whether to withdraw an item: /delete <id>."""
    if not await admin_in_private(update, context):
        return
    argument = command_argument(update)
    if not argument.isdigit() or len(argument) > 18:
        await reply_messages(update, [admin_texts.usage("delete")])
        return
    item = await context.database.items.get(int(argument))
    if item is None or item.status is not ItemStatus.PUBLISHED:
        await reply_messages(update, [admin_texts.not_published(int(argument))])
        return
    await reply_messages(
        update, [admin_texts.withdraw_question(item)], admin_texts.withdraw_keyboard(item.id)
    )


async def confirm_withdrawal(update: Update, context: PressContext) -> None:
    """Withdraw (or keep) the item after the confirmation button."""
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or user is None or chat is None:
        return
    if not context.is_admin(user.id):
        await query.answer(admin_texts.NOT_ADMIN, show_alert=True)
        return
    choice = (query.data or "").partition(":")[2]
    await query.answer()
    await query.edit_message_reply_markup(None)
    if not choice.isdigit():
        await reply_messages(update, ["Kept: nothing was withdrawn."])
        return
    try:
        broadcast_id = await withdraw(
            context.database,
            context.engine,
            int(choice),
            admin_id=user.id,
            chat_id=chat.id,
            now=context.now(),
        )
    except PublishingError as error:
        await reply_messages(update, [str(error)])
        return
    progress = await context.database.outbox.progress(broadcast_id)
    copies = progress.total if progress else 0
    await reply_messages(update, [admin_texts.withdrawn(int(choice), copies)])


async def scheduled(update: Update, context: PressContext) -> None:
    """List the held items, each with a button to cancel it."""
    if not await admin_in_private(update, context):
        return
    text, keyboard = admin_texts.scheduled_list(await context.database.items.scheduled())
    await reply_messages(update, [text], keyboard)


async def unschedule(update: Update, context: PressContext) -> None:
    """Cancel a held item from the /scheduled list."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    if not context.is_admin(user.id):
        await query.answer(admin_texts.NOT_ADMIN, show_alert=True)
        return
    item_id = (query.data or "").partition(":")[2]
    answer = "That item is no longer scheduled."
    if item_id.isdigit() and await context.database.items.cancel_scheduled(int(item_id)):
        if context.job_queue is not None:
            cancel_release(cast(JobQueue[PressContext], context.job_queue), int(item_id))
        answer = f"Item {item_id} will not be published."
    text, keyboard = admin_texts.scheduled_list(await context.database.items.scheduled())
    await edit_in_place(query, text, keyboard)
    await query.answer(answer)


async def stats(update: Update, context: PressContext) -> None:
    """Subscribers, items by kind, and the recent releases' delivery counts."""
    if not await admin_in_private(update, context):
        return
    database = context.database
    recent = []
    for progress in await database.outbox.recent(RECENT_BROADCASTS):
        item = await database.items.get(progress.item_id)
        recent.append((progress, item.title if item else f"item {progress.item_id}"))
    text = admin_texts.stats(
        await database.subscribers.count_active(),
        await database.subscribers.count_inactive(),
        await database.items.count_by_kind(),
        recent,
    )
    await reply_messages(update, [text])


def register(application: PressApplication) -> None:
    """Add /delete, /scheduled, /stats and their buttons."""
    application.add_handler(CommandHandler("delete", delete))
    application.add_handler(CommandHandler("scheduled", scheduled))
    application.add_handler(CommandHandler("stats", stats))
    application.add_handler(CallbackQueryHandler(confirm_withdrawal, pattern=r"^withdraw:"))
    application.add_handler(CallbackQueryHandler(unschedule, pattern=r"^unschedule:"))
