"""Subscriptions: /start, /subscribe, /unsubscribe and /stop."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from pressbot.handlers.replying import reply_messages
from pressbot.models import ChatType, SubscriptionChange
from pressbot.rendering import render_subscription_change, render_welcome
from pressbot.services import PressApplication, PressContext


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
    change = await _subscribe(update, context)
    if change is not None:
        await reply_messages(update, [render_welcome(change)])


async def subscribe(update: Update, context: PressContext) -> None:
    """Subscribe the chat to new releases."""
    change = await _subscribe(update, context)
    if change is not None:
        await reply_messages(update, [render_subscription_change(change)])


async def unsubscribe(update: Update, context: PressContext) -> None:
    """Stop sending new releases to the chat."""
    chat = update.effective_chat
    if chat is None:
        return
    change = await context.database.subscribers.unsubscribe(chat.id, context.now())
    await reply_messages(update, [render_subscription_change(change)])


def register(application: PressApplication) -> None:
    """Add the subscription handlers."""
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("subscribe", subscribe))
    application.add_handler(CommandHandler(["unsubscribe", "stop"], unsubscribe))
