"""/topics: which kinds of item a chat follows, as toggle buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.replying import answer_stale_press, edit_in_place, reply_messages
from pressbot.bot.handlers.rights import may_change_or_told_who_may
from pressbot.texts.chat_settings import (
    TOPIC_CALLBACK_PREFIX,
    render_topics,
    topics_keyboard,
)


async def topics(update: Update, context: PressContext) -> None:
    """Show the kinds of item with a tick on those the chat follows."""
    chat = update.effective_chat
    if chat is None:
        return
    subscribers = context.database.subscribers
    muted = await subscribers.muted_kinds(chat.id)
    kinds = context.services.settings.kinds
    subscribed = await subscribers.is_active(chat.id)
    text = render_topics(kinds, muted, context.tr, subscribed=subscribed)
    await reply_messages(update, [text], topics_keyboard(kinds, muted, context.tr))


async def toggle_topic(update: Update, context: PressContext) -> None:
    """Follow or stop following one kind, and show the new state in place."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    value = (query.data or "").partition(":")[2]
    kinds = context.services.settings.kinds
    if value not in kinds:
        await answer_stale_press(query, context.tr, "/topics")
        return
    if not await may_change_or_told_who_may(update, context):
        return
    subscribers = context.database.subscribers
    following = await subscribers.toggle_kind(chat.id, value)
    muted = await subscribers.muted_kinds(chat.id)
    subscribed = await subscribers.is_active(chat.id)
    text = render_topics(kinds, muted, context.tr, subscribed=subscribed)
    await edit_in_place(query, text, topics_keyboard(kinds, muted, context.tr))
    label = context.tr.kind(value)
    if following:
        await query.answer(context.tr("{topic}: on", topic=label))
    else:
        await query.answer(context.tr("{topic}: off", topic=label))


def register(application: PressApplication) -> None:
    """Add /topics and its buttons."""
    application.add_handler(CommandHandler("topics", topics))
    application.add_handler(
        CallbackQueryHandler(toggle_topic, pattern=f"^{TOPIC_CALLBACK_PREFIX}:")
    )
