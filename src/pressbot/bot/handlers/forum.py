"""/thread: in a forum supergroup, the topic where the group's releases go."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.replying import reply_messages
from pressbot.bot.handlers.rights import may_change_or_told_who_may
from pressbot.core.languages import N_

NOT_A_FORUM = N_("This works in a group with topics: send /thread in the topic for the releases.")
NOT_SUBSCRIBED = N_("This group is not subscribed. /subscribe first, then choose the topic.")


async def choose_thread(update: Update, context: PressContext) -> None:
    """Make the topic this command was sent in the one that gets the releases."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    if not chat.is_forum:
        await reply_messages(update, [context.tr(NOT_A_FORUM)])
        return
    if not await may_change_or_told_who_may(update, context):
        return
    thread = message.message_thread_id if message.is_topic_message else None
    if not await context.database.subscribers.set_thread(chat.id, thread, context.now()):
        await reply_messages(update, [context.tr(NOT_SUBSCRIBED)])
        return
    if thread is not None:
        done = context.tr("Releases will arrive in this topic.")
    else:
        done = context.tr("Releases will arrive in the General topic.")
    await reply_messages(update, [done])


def register(application: PressApplication) -> None:
    """Add /thread."""
    application.add_handler(CommandHandler("thread", choose_thread))
