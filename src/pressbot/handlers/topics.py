"""/topics: which kinds of item a chat follows, as toggle buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from pressbot.handlers.replying import edit_in_place, reply_messages
from pressbot.handlers.subscriptions import may_change_subscription
from pressbot.models import ItemKind
from pressbot.rendering import (
    GROUP_ADMINS_ONLY,
    TOPIC_CALLBACK_PREFIX,
    render_topics,
    topics_keyboard,
)
from pressbot.services import PressApplication, PressContext


async def topics(update: Update, context: PressContext) -> None:
    """Show the kinds of item with a tick on those the chat follows."""
    chat = update.effective_chat
    if chat is None:
        return
    subscribers = context.database.subscribers
    muted = await subscribers.muted_kinds(chat.id)
    text = render_topics(muted, subscribed=await subscribers.is_active(chat.id))
    await reply_messages(update, [text], topics_keyboard(muted))


async def toggle_topic(update: Update, context: PressContext) -> None:
    """Follow or stop following one kind, and show the new state in place."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    value = (query.data or "").partition(":")[2]
    if value not in {kind.value for kind in ItemKind}:
        await query.answer("This button no longer works. Send /topics.")
        return
    if not await may_change_subscription(update):
        await query.answer(GROUP_ADMINS_ONLY, show_alert=True)
        return
    subscribers = context.database.subscribers
    kind = ItemKind(value)
    following = await subscribers.toggle_kind(chat.id, kind)
    muted = await subscribers.muted_kinds(chat.id)
    text = render_topics(muted, subscribed=await subscribers.is_active(chat.id))
    await edit_in_place(query, text, topics_keyboard(muted))
    await query.answer(f"{kind.label}: {'on' if following else 'off'}")


def register(application: PressApplication) -> None:
    """Add /topics and its buttons."""
    application.add_handler(CommandHandler("topics", topics))
    application.add_handler(
        CallbackQueryHandler(toggle_topic, pattern=f"^{TOPIC_CALLBACK_PREFIX}:")
    )
