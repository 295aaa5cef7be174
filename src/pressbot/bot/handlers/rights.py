"""Who may do what: the gates the handlers ask before they act.

Two kinds of gate, each checked in this one place and asked afresh at every update (an admin
list or a group's admins may have changed since the last one):

- the press office's admins (settings.admin_ids): /post, /edit, /delete, /sources and their
  buttons, in a private chat with the bot;
- a chat's own settings (its subscription, topics, quiet hours, digest, zone, language,
  thread): the user of a private chat, the admins of a group.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import CallbackQuery, Chat, ChatMember, Update

from pressbot.bot.context import PressContext
from pressbot.bot.handlers.replying import reply_messages
from pressbot.texts import admin as admin_texts
from pressbot.texts.chat_settings import settings_refusal

#: Telegram's user for messages an anonymous group admin sends "as the group".
ANONYMOUS_ADMIN_ID = 1087968824
_GROUP_ADMIN_STATUSES = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


@dataclass(frozen=True, slots=True)
class AdminPress:
    """A button pressed by an admin: the query, who pressed it, where, and the button's value."""

    query: CallbackQuery
    admin_id: int
    chat_id: int
    value: str  # what follows the prefix: "withdraw:12" -> "12"


async def admin_press(update: Update, context: PressContext) -> AdminPress | None:
    """The press of an admin's button; None (the press answered) when not an admin's."""
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or user is None or chat is None:
        return None
    if not context.is_admin(user.id):  # asked afresh at every press
        await query.answer(context.tr(admin_texts.NOT_ADMIN), show_alert=True)
        return None
    return AdminPress(query, user.id, chat.id, (query.data or "").partition(":")[2])


async def admin_in_private(update: Update, context: PressContext) -> bool:
    """True for an admin in a private chat; otherwise say why not and return False."""
    user, chat = update.effective_user, update.effective_chat
    if not context.is_admin(user.id if user else None):
        await reply_messages(update, [context.tr(admin_texts.NOT_ADMIN)])
        return False
    if chat is None or chat.type != "private":
        await reply_messages(update, [context.tr(admin_texts.PRIVATE_ONLY)])
        return False
    return True


async def may_change_chat_settings(update: Update) -> bool:
    """Whether the sender (or the presser of a button) may change the chat's settings.

    The one rights check for a chat's subscription and every setting of it (topics, quiet
    hours, digest, zone, language, thread): in a private chat, its user; in a group, its
    admins (asked afresh each time).
    """
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None:
        return False
    if chat.type == Chat.PRIVATE:
        return user.id == chat.id
    if message is not None and message.sender_chat is not None:
        # An anonymous admin writes as the group itself; nobody else can.
        return message.sender_chat.id == chat.id and user.id == ANONYMOUS_ADMIN_ID
    member = await chat.get_member(user.id)
    return member.status in _GROUP_ADMIN_STATUSES


async def may_change_or_told_who_may(update: Update, context: PressContext) -> bool:
    """may_change_chat_settings, for a setting; when not, the sender is told who may change
    it: in an alert under a pressed button, in a reply to a command."""
    if await may_change_chat_settings(update):
        return True
    refusal = context.tr(settings_refusal(update.effective_chat))
    if update.callback_query is not None:
        await update.callback_query.answer(refusal, show_alert=True)
    else:
        await reply_messages(update, [refusal])
    return False
