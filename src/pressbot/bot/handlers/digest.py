"""/digest: each release as it comes, or one message a day at HH:MM in London or Moscow time."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.replying import command_argument, edit_in_place, reply_messages
from pressbot.bot.handlers.rights import may_change_or_told_who_may
from pressbot.bot.handlers.zones import press_zone_button
from pressbot.core.languages import N_
from pressbot.core.quiet import zone_named
from pressbot.delivery.digests import DigestTimeError, parse_digest_time
from pressbot.texts.chat_settings import (
    render_digest_setting,
    zone_chosen,
    zone_keyboard,
)
from pressbot.texts.reader import render_digest

DIGEST_CALLBACK_PREFIX = "digestzone"
NOT_SUBSCRIBED = N_("This chat is not subscribed. /subscribe first, then choose a digest.")


async def digest(update: Update, context: PressContext) -> None:
    """Show, set ("08:00") or turn off ("off") the chat's daily digest."""
    chat = update.effective_chat
    if chat is None:
        return
    digests = context.database.digests
    argument = command_argument(update)
    at, zone, after = await digests.setting(chat.id)
    if argument:
        if not await may_change_or_told_who_may(update, context):
            return
        try:
            at = None if argument.lower() == "off" else f"{parse_digest_time(argument):%H:%M}"
        except DigestTimeError as error:
            await reply_messages(update, [error.render(context.tr)])
            return
        if not await digests.set(chat.id, at, zone, context.now()):
            await reply_messages(update, [context.tr(NOT_SUBSCRIBED)])
            return
        if at is None and after is not None:
            await _send_collected(update, context, after, zone)
    text = render_digest_setting(at, zone, context.tr)
    await reply_messages(update, [text], _keyboard(zone, context))


async def _send_collected(update: Update, context: PressContext, after: int, zone: str) -> None:
    """Turning the digest off: what it collected so far comes now, not never."""
    chat = update.effective_chat
    if chat is None:
        return
    now = context.now()
    headlines = await context.database.digests.headlines(chat.id, after, now, context.tr.language)
    if headlines:
        day = now.astimezone(zone_named(zone)).date()
        await reply_messages(update, render_digest(headlines, day, context.tr))


async def choose_zone(update: Update, context: PressContext) -> None:
    """The London / Moscow buttons under /digest: the chat's time zone."""
    zone = await press_zone_button(
        update, context, command="/digest", not_subscribed=NOT_SUBSCRIBED
    )
    query, chat = update.callback_query, update.effective_chat
    if zone is None or query is None or chat is None:
        return
    at, _, _ = await context.database.digests.setting(chat.id)
    text = render_digest_setting(at, zone, context.tr)
    await edit_in_place(query, text, _keyboard(zone, context))
    await query.answer(zone_chosen(zone, context.tr))


def _keyboard(zone: str, context: PressContext) -> InlineKeyboardMarkup:
    return zone_keyboard(zone, DIGEST_CALLBACK_PREFIX, context.tr)


def register(application: PressApplication) -> None:
    """Add /digest and its buttons."""
    application.add_handler(CommandHandler("digest", digest))
    application.add_handler(
        CallbackQueryHandler(choose_zone, pattern=f"^{DIGEST_CALLBACK_PREFIX}:")
    )
