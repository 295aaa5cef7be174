"""/quiet: a nightly window when releases wait (urgent ones do not), in London or Moscow time."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from pressbot.handlers.replying import command_argument, edit_in_place, reply_messages
from pressbot.handlers.subscriptions import may_change_subscription
from pressbot.quiet import ZONES, QuietWindowError, parse_window
from pressbot.rendering import (
    GROUP_ADMINS_ONLY,
    QUIET_CALLBACK_PREFIX,
    quiet_keyboard,
    render_quiet,
)
from pressbot.services import PressApplication, PressContext

NOT_SUBSCRIBED = "This chat is not subscribed. /subscribe first, then set quiet hours."


async def quiet(update: Update, context: PressContext) -> None:
    """Show, set ("23:00-07:00") or turn off ("off") the chat's quiet hours."""
    chat = update.effective_chat
    if chat is None:
        return
    subscribers = context.database.subscribers
    argument = command_argument(update)
    start, end, zone = await subscribers.quiet_hours(chat.id)
    if argument:
        if not await may_change_subscription(update):
            await reply_messages(update, [GROUP_ADMINS_ONLY])
            return
        if argument.lower() == "off":
            start = end = None
        else:
            try:
                start_time, end_time = parse_window(argument)
            except QuietWindowError as error:
                await reply_messages(update, [str(error)])
                return
            start, end = start_time.strftime("%H:%M"), end_time.strftime("%H:%M")
        if not await subscribers.set_quiet_hours(chat.id, start, end, zone, context.now()):
            await reply_messages(update, [NOT_SUBSCRIBED])
            return
    await reply_messages(update, [render_quiet(start, end, zone)], quiet_keyboard(zone))


async def choose_zone(update: Update, context: PressContext) -> None:
    """The London / Moscow buttons: the window's time zone."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    zone = (query.data or "").partition(":")[2]
    if zone not in ZONES:
        await query.answer("This button no longer works. Send /quiet.")
        return
    if not await may_change_subscription(update):
        await query.answer(GROUP_ADMINS_ONLY, show_alert=True)
        return
    subscribers = context.database.subscribers
    start, end, _ = await subscribers.quiet_hours(chat.id)
    if not await subscribers.set_quiet_hours(chat.id, start, end, zone, context.now()):
        await query.answer(NOT_SUBSCRIBED, show_alert=True)
        return
    await edit_in_place(query, render_quiet(start, end, zone), quiet_keyboard(zone))
    await query.answer(f"{zone} time")


def register(application: PressApplication) -> None:
    """Add /quiet and its buttons."""
    application.add_handler(CommandHandler("quiet", quiet))
    application.add_handler(
        CallbackQueryHandler(choose_zone, pattern=f"^{QUIET_CALLBACK_PREFIX}:")
    )
