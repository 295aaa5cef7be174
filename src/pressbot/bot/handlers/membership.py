"""The bot's own membership: removed from a group or channel, or blocked by a reader.

Telegram tells the bot at once (my_chat_member); the subscription ends then, not at the next
failed send.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ParseMode
from telegram.ext import ChatMemberHandler

from pressbot.bot.context import PressApplication, PressContext
from pressbot.core.reports import JoinReason
from pressbot.texts.chat import render_added_to_group

logger = logging.getLogger(__name__)

_GONE = (ChatMember.LEFT, ChatMember.BANNED)
_PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def membership_change(change: ChatMemberUpdated) -> tuple[bool, bool]:
    """(was in the chat, is in the chat) for the bot, from a my_chat_member update."""
    was = change.old_chat_member.status in _PRESENT
    now = change.new_chat_member.status in _PRESENT
    return was, now


async def track_membership(update: Update, context: PressContext) -> None:
    """End the subscription when the bot is removed or blocked; greet a group that adds it."""
    change = update.my_chat_member
    if change is None:
        return
    was, now = membership_change(change)
    chat = change.chat
    if was and not now and change.new_chat_member.status in _GONE:
        private = chat.type == chat.PRIVATE
        reason = JoinReason.BLOCKED if private else JoinReason.REMOVED
        await context.database.subscribers.unsubscribe(chat.id, context.now(), reason)
        logger.info("removed from or blocked in chat %d: subscription ended", chat.id)
    elif now and not was and chat.type in (chat.GROUP, chat.SUPERGROUP):
        await context.bot.send_message(
            chat.id, render_added_to_group(context.tr), parse_mode=ParseMode.HTML
        )


def register(application: PressApplication) -> None:
    """Add the my_chat_member handler."""
    application.add_handler(ChatMemberHandler(track_membership, ChatMemberHandler.MY_CHAT_MEMBER))
