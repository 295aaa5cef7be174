"""One-time invite links: `/team invite <role>` makes one, /start join_<token> redeems it.

A link works once, for INVITE_LIFETIME; the store takes it in one transaction (two people
opening it at once: one joins). A link used, expired or unknown changes nothing, is answered
with why, and the refusal is recorded.
"""

from __future__ import annotations

from datetime import datetime

from telegram import Update

from pressbot.bot.context import PressContext
from pressbot.bot.handlers.replying import command_argument, reply_messages
from pressbot.bot.handlers.team_changes import (
    owner_count,
    record_refusal,
    set_member_menu,
    tell,
)
from pressbot.core.team import (
    INVITE_LIFETIME,
    INVITE_PREFIX,
    Invite,
    Role,
    invite_link,
    new_invite_token,
    parse_role,
)
from pressbot.texts import admin as admin_texts
from pressbot.texts import team as team_texts
from pressbot.texts import team_notices
from pressbot.texts.team import Refused

#: The message t.me/<bot>?start=join_<token> opens the bot with.
START_JOIN = rf"^/start(@\w+)? {INVITE_PREFIX}"


async def invite(update: Update, context: PressContext, by: int, argument: str) -> None:
    """Reply with a new one-time link to join in the role named: /team invite editor."""
    role = parse_role(argument)
    if role is None:
        await record_refusal(update, context, Refused.NO_SUCH_ROLE)
        await reply_messages(
            update, [team_texts.refused(Refused.NO_SUCH_ROLE, context.tr, text=argument)]
        )
        return
    now = context.now()
    made = Invite(new_invite_token(), role, by, now, now + INVITE_LIFETIME)
    await context.database.team.create_invite(made)
    link = invite_link(context.bot.username, made.token)
    await reply_messages(
        update, [team_notices.invite_created(role, link, made.expires_at, context.tr)]
    )


async def join(update: Update, context: PressContext) -> None:
    """Join the team by an invite link: /start join_<token>, in a private chat."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    if chat.type != "private":
        await reply_messages(update, [context.tr(admin_texts.PRIVATE_ONLY)])
        return
    token = command_argument(update).removeprefix(INVITE_PREFIX)
    now = context.now()
    found = await context.database.team.invite(token)
    reason = await _why_not(context, found, user.id, now)
    taken = None
    if reason is None:
        taken = await context.database.team.redeem_invite(
            token, user.id, name=user.full_name, now=now
        )
    if taken is None:
        reason = reason or Refused.INVITE_USED  # opened twice at once: the other one joined
        await record_refusal(update, context, reason)
        member = await context.database.team.get(user.id)
        text = team_notices.join_refused(
            reason,
            context.tr,
            role=member.role if member else None,
            expired=found.expires_at if found else None,
        )
        await reply_messages(update, [text])
        return
    await reply_messages(update, [team_notices.joined(taken.role, context.tr)])
    await set_member_menu(context.bot, user.id, taken.role)
    if taken.created_by != user.id:
        await tell(
            context,
            taken.created_by,
            lambda tr: team_notices.joined_by_invite(user.id, user.full_name, taken.role, tr),
        )


async def _why_not(
    context: PressContext, found: Invite | None, user_id: int, now: datetime
) -> Refused | None:
    """Why this user may not take this invite now; None when they may."""
    if found is None:
        return Refused.INVITE_UNKNOWN
    if found.used_by is not None:
        return Refused.INVITE_USED
    if await context.role_of(found.created_by) is not Role.OWNER:  # removed, demoted, or
        return Refused.INVITE_VOID  # no longer in PRESSBOT_ADMIN_IDS since
    if found.expires_at <= now:  # (or voided as its owner stopped being one: see TeamStore)
        return Refused.INVITE_EXPIRED
    return await _why_not_joining(context, found.role, user_id)


async def _why_not_joining(context: PressContext, role: Role, user_id: int) -> Refused | None:
    """Why this user may not take a role by an invite: an owner by configuration already, in
    the team in that role already, or the last owner (whom no invite demotes)."""
    if user_id in context.services.settings.admin_ids:
        return Refused.CONFIGURED_OWNER
    member = await context.database.team.get(user_id)
    if member is None:
        return None
    if member.role is role:
        return Refused.ALREADY_MEMBER
    if member.role is Role.OWNER and await owner_count(context) <= 1:
        return Refused.LAST_OWNER
    return None
