"""Who may do what: the gates the handlers ask before they act.

Two kinds of gate, each checked in this one place and asked afresh at every update (a role or
a group's admins may have changed since the last one):

- the press office's team (core/team.py): owners (PRESSBOT_ADMIN_IDS, and those made owners
  from Telegram), publishers and editors, each command and button needing a Right, in a
  private chat with the bot; a refusal is answered and recorded in the audit trail;
- a chat's own settings (its subscription, topics, quiet hours, digest, zone, language,
  thread): the user of a private chat, the admins of a group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from telegram import CallbackQuery, Chat, ChatMember, Update

from pressbot.bot.context import PressContext
from pressbot.bot.handlers.replying import reply_messages
from pressbot.core.team import INVITE_PREFIX, AuditAction, Right, Role, may
from pressbot.texts import admin as admin_texts
from pressbot.texts import team as team_texts
from pressbot.texts.chat_settings import settings_refusal

#: Telegram's user for messages an anonymous group admin sends "as the group".
ANONYMOUS_ADMIN_ID = 1087968824
_GROUP_ADMIN_STATUSES = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)
#: How much of a refused command or button the audit row keeps.
_TRIED_LIMIT = 64
_INVITE_TOKEN = re.compile(rf"(^|\s){INVITE_PREFIX}\S*")
#: The number of a tappable command (/stats_12): one command, whichever number it names.
_NUMBERED = re.compile(r"_\d+(@\w+)?$")
#: A reader's refusals of one command (or button family) are recorded once in this window.
READER_REFUSALS = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class AdminPress:
    """A button pressed by a member with the right it needs: the query, who pressed it (and
    their role), where, and the button's value."""

    query: CallbackQuery
    admin_id: int
    chat_id: int
    value: str  # what follows the prefix: "withdraw:12" -> "12"
    role: Role


def tried(update: Update) -> str:
    """What the user sent or pressed, as an audit row of a refusal keeps it: at most
    _TRIED_LIMIT characters, an invite's token left out (a publisher reads /audit; a token
    refused but still valid must not reach them)."""
    if update.callback_query is not None:
        text = update.callback_query.data or ""
    else:
        message = update.effective_message
        text = (message.text or "") if message is not None else ""
    return _INVITE_TOKEN.sub(rf"\1{INVITE_PREFIX}…", text)[:_TRIED_LIMIT]


async def record_refused(update: Update, context: PressContext, **details: object) -> None:
    """Put a refusal in the audit trail: who, what they tried (tried()), and why (`details`:
    the right it needs, or the reason the input was refused)."""
    user = update.effective_user
    await context.database.audit.record(
        context.now(),
        user.id if user else None,
        AuditAction.REFUSED,
        details={"tried": tried(update), **details},
    )


async def refuse(update: Update, context: PressContext, role: Role | None, right: Right) -> None:
    """Say why not (an alert under a button, a reply to a command) and record the refusal."""
    user = update.effective_user
    what = tried(update)
    # Recorded before the answer: once told no, the refusal is in the trail. A reader's are
    # recorded once a minute per command or button family: the trail is append-only, and a
    # reader repeating /post must not grow it without end.
    user_id, what = (user.id if user else None), tried(update)
    family = what.split(maxsplit=1)[0].partition(":")[0] if what.strip() else ""
    family = _NUMBERED.sub("_", family)  # /stats_12 and /stats_13 are one command
    since = context.now() - READER_REFUSALS
    repeated = (
        role is None
        and user_id is not None
        and await context.database.audit.refused_since(user_id, family, since)
    )
    if not repeated:
        await record_refused(update, context, needs=right, role=role or "none")
    await say_no(update, team_texts.refusal(role, right, context.tr))


async def say_no(update: Update, text: str) -> None:
    """Tell why not where it was asked: in an alert under a pressed button, in a reply to a
    command or a message."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await reply_messages(update, [text])


async def admin_press(update: Update, context: PressContext, right: Right) -> AdminPress | None:
    """The press of a member's button that needs `right`; None (the press answered, the
    refusal recorded) when the presser lacks it."""
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or user is None or chat is None:
        return None
    role = await context.role_of(user.id)  # asked afresh at every press
    if role is None or not may(role, right):
        await refuse(update, context, role, right)
        return None
    return AdminPress(query, user.id, chat.id, (query.data or "").partition(":")[2], role)


async def admin_in_private(update: Update, context: PressContext, right: Right) -> Role | None:
    """The role of a member with `right` in a private chat; otherwise say why not (a lack
    of rights recorded) and return None."""
    user, chat = update.effective_user, update.effective_chat
    role = await context.role_of(user.id if user else None)
    if role is None or not may(role, right):
        await refuse(update, context, role, right)
        return None
    if chat is None or chat.type != "private":
        await reply_messages(update, [context.tr(admin_texts.PRIVATE_ONLY)])
        return None
    return role


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
    await say_no(update, context.tr(settings_refusal(update.effective_chat)))
    return False
