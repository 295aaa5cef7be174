"""Subscriptions: /start, /subscribe, /unsubscribe and /stop.

In a group only the group's admins may change its subscription (rights.py); everyone may read.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.replying import reply_messages
from pressbot.bot.handlers.rights import may_change_chat_settings
from pressbot.core.models import ChatType, SubscriptionChange
from pressbot.texts.chat import GROUP_ADMINS_ONLY, render_subscription_change, render_welcome


async def _subscribe(update: Update, context: PressContext) -> SubscriptionChange | None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return None
    language = user.language_code if user else None
    return await context.database.subscribers.subscribe(
        chat.id, ChatType(chat.type), language, context.now()
    )


async def start(update: Update, context: PressContext) -> None:
    """Greet, subscribe the chat and show the main commands."""
    if not await may_change_chat_settings(update):
        await reply_messages(update, [render_welcome(None, context.tr)])
        return
    change = await _subscribe(update, context)
    if change is not None:
        await reply_messages(update, [render_welcome(change, context.tr)])


async def subscribe(update: Update, context: PressContext) -> None:
    """Subscribe the chat to new releases."""
    if not await may_change_chat_settings(update):
        await reply_messages(update, [context.tr(GROUP_ADMINS_ONLY)])
        return
    change = await _subscribe(update, context)
    if change is not None:
        await reply_messages(update, [render_subscription_change(change, context.tr)])


async def unsubscribe(update: Update, context: PressContext) -> None:
    """Stop sending new releases to the chat."""
    chat = update.effective_chat
    if chat is None:
        return
    if not await may_change_chat_settings(update):
        await reply_messages(update, [context.tr(GROUP_ADMINS_ONLY)])
        return
    change = await context.database.subscribers.unsubscribe(chat.id, context.now())
    await reply_messages(update, [render_subscription_change(change, context.tr)])


def register(application: PressApplication) -> None:
    """Add the subscription handlers."""
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("subscribe", subscribe))
    application.add_handler(CommandHandler(["unsubscribe", "stop"], unsubscribe))
