"""The London / Moscow buttons under /quiet and /digest: the chat's one time zone."""

from __future__ import annotations

from telegram import Update

from pressbot.bot.context import PressContext
from pressbot.bot.handlers.replying import answer_stale_press
from pressbot.bot.handlers.rights import may_change_or_told_who_may
from pressbot.core.quiet import ZONES


async def press_zone_button(
    update: Update, context: PressContext, *, command: str, not_subscribed: str
) -> str | None:
    """Store the zone a button names; None (the press answered) when it can't be.

    `command` is the one to send when the button no longer works ("/quiet").
    """
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return None
    zone = (query.data or "").partition(":")[2]
    if zone not in ZONES:
        await answer_stale_press(query, context.tr, command)
        return None
    if not await may_change_or_told_who_may(update, context):
        return None
    if not await context.database.subscribers.set_zone(chat.id, zone, context.now()):
        await query.answer(context.tr(not_subscribed), show_alert=True)
        return None
    return zone
