"""/quiet: a nightly window when releases wait (urgent ones do not), in London or Moscow time."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.replying import command_argument, edit_in_place, reply_messages
from pressbot.bot.handlers.rights import may_change_or_told_who_may
from pressbot.bot.handlers.zones import press_zone_button
from pressbot.core.languages import N_
from pressbot.core.quiet import QuietWindowError, parse_window
from pressbot.texts.chat_settings import (
    QUIET_CALLBACK_PREFIX,
    render_quiet,
    zone_chosen,
    zone_keyboard,
)

NOT_SUBSCRIBED = N_("This chat is not subscribed. /subscribe first, then set quiet hours.")


async def quiet(update: Update, context: PressContext) -> None:
    """Show, set ("23:00-07:00") or turn off ("off") the chat's quiet hours."""
    chat = update.effective_chat
    if chat is None:
        return
    subscribers = context.database.subscribers
    argument = command_argument(update)
    start, end, zone = await subscribers.quiet_hours(chat.id)
    if argument:
        if not await may_change_or_told_who_may(update, context):
            return
        if argument.lower() == "off":
            start = end = None
        else:
            try:
                start_time, end_time = parse_window(argument)
            except QuietWindowError as error:
                await reply_messages(update, [error.render(context.tr)])
                return
            start, end = start_time.strftime("%H:%M"), end_time.strftime("%H:%M")
        if not await subscribers.set_quiet_hours(chat.id, start, end, zone, context.now()):
            await reply_messages(update, [context.tr(NOT_SUBSCRIBED)])
            return
        context.engine.wake()  # what the old window held is due now
    await reply_messages(
        update, [render_quiet(start, end, zone, context.tr)], _keyboard(zone, context)
    )


async def choose_zone(update: Update, context: PressContext) -> None:
    """The London / Moscow buttons: the window's time zone."""
    zone = await press_zone_button(
        update, context, command="/quiet", not_subscribed=NOT_SUBSCRIBED
    )
    query, chat = update.callback_query, update.effective_chat
    if zone is None or query is None or chat is None:
        return
    start, end, _ = await context.database.subscribers.quiet_hours(chat.id)
    text = render_quiet(start, end, zone, context.tr)
    await edit_in_place(query, text, _keyboard(zone, context))
    await query.answer(zone_chosen(zone, context.tr))


def _keyboard(zone: str, context: PressContext) -> InlineKeyboardMarkup:
    return zone_keyboard(zone, QUIET_CALLBACK_PREFIX, context.tr)


def register(application: PressApplication) -> None:
    """Add /quiet and its buttons."""
    application.add_handler(CommandHandler("quiet", quiet))
    application.add_handler(
        CallbackQueryHandler(choose_zone, pattern=f"^{QUIET_CALLBACK_PREFIX}:")
    )
