"""The team from Telegram: /whoami for anyone; /team for owners, with its buttons.

/team lists the configured owners and the members, with buttons to change a member's role or
remove them; `/team add <user id> <role>`, `/team remove <user id>` and `/team invite <role>`
(team_invites.py, with /start join_<token>) do the rest. Every command and button asks for
Right.TEAM afresh (rights.py); the rules and what follows a change are in team_changes.py.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers import team_invites
from pressbot.bot.handlers.replying import command_argument, edit_in_place, reply_messages
from pressbot.bot.handlers.rights import admin_in_private, admin_press
from pressbot.bot.handlers.team_changes import (
    Outcome,
    owner_count,
    record_refusal,
    remove_member,
    set_member_role,
)
from pressbot.core.team import Right, Role, may, parse_role
from pressbot.texts import team as team_texts
from pressbot.texts.markup import html_to_plain, shorten
from pressbot.texts.team import TEAM_CALLBACK_PREFIX, Refused, parse_team_callback, parse_user_id

#: Telegram's limit for the text under a pressed button.
_ANSWER_LIMIT = 200


async def whoami(update: Update, context: PressContext) -> None:
    """Tell the sender their Telegram user id and their role in the team."""
    user, message = update.effective_user, update.effective_message
    if user is None:
        return
    if message is not None and message.sender_chat is not None:
        await reply_messages(update, [context.tr(team_texts.WHOAMI_AS_GROUP)])
        return
    configured = user.id in context.services.settings.admin_ids
    role = await context.role_of(user.id)
    await reply_messages(update, [team_texts.whoami(user.id, role, configured, context.tr)])


async def team(update: Update, context: PressContext) -> None:
    """List the team, or change it: /team [invite <role> | add <id> <role> | remove <id>]."""
    user = update.effective_user
    if user is None or await admin_in_private(update, context, Right.TEAM) is None:
        return
    words = command_argument(update).split()
    subcommand = words[0].lower() if words else ""
    if not words:
        text, keyboard = await team_view(context)
        await reply_messages(update, [text], keyboard)
    elif subcommand == "invite" and len(words) == 2:
        await team_invites.invite(update, context, user.id, words[1])
    elif subcommand == "add" and len(words) == 3:
        await add(update, context, user.id, words[1], words[2])
    elif subcommand == "remove" and len(words) == 2:
        await remove(update, context, user.id, words[1])
    else:
        await reply_messages(update, [context.tr(team_texts.USAGE)])


async def add(update: Update, context: PressContext, by: int, user: str, role: str) -> None:
    """/team add <user id> <role>: add someone by id, or give a member another role."""
    user_id, new_role = parse_user_id(user), parse_role(role)
    if user_id is None:
        await _refuse_input(update, context, Refused.NOT_A_USER_ID, user)
    elif new_role is None:
        await _refuse_input(update, context, Refused.NO_SUCH_ROLE, role)
    else:
        outcome = await set_member_role(update, context, by, user_id, new_role)
        await reply_messages(update, [outcome.text])


async def remove(update: Update, context: PressContext, by: int, user: str) -> None:
    """/team remove <user id>."""
    user_id = parse_user_id(user)
    if user_id is None:
        await _refuse_input(update, context, Refused.NOT_A_USER_ID, user)
        return
    outcome = await remove_member(update, context, by, user_id)
    await reply_messages(update, [outcome.text])


async def _refuse_input(update: Update, context: PressContext, reason: Refused, text: str) -> None:
    await record_refusal(update, context, reason)
    await reply_messages(update, [team_texts.refused(reason, context.tr, text=text)])


async def team_view(context: PressContext) -> tuple[str, InlineKeyboardMarkup | None]:
    """The team as /team shows it; the last owner gets no buttons (they could do nothing)."""
    configured = context.services.settings.admin_ids
    members = [m for m in await context.database.team.members() if m.user_id not in configured]
    owners = [m.user_id for m in members if m.role is Role.OWNER]
    last = owners[0] if len(owners) == 1 and await owner_count(context) == 1 else None
    return team_texts.team_list(sorted(configured), members, context.tr, last_owner=last)


async def press_team_button(update: Update, context: PressContext) -> None:
    """Change a member's role or remove them from the /team list; redraw it in place."""
    pressed = await admin_press(update, context, Right.TEAM)
    if pressed is None:
        return
    query, parsed = pressed.query, parse_team_callback(pressed.value)
    if parsed is None:
        await record_refusal(update, context, Refused.BAD_BUTTON)
        await query.answer(team_texts.refused(Refused.BAD_BUTTON, context.tr), show_alert=True)
        return
    user_id, role = parsed
    outcome: Outcome
    if role is None:
        outcome = await remove_member(update, context, pressed.admin_id, user_id)
    else:
        outcome = await set_member_role(update, context, pressed.admin_id, user_id, role)
    text, keyboard = await team_view(context)
    # An owner who made themselves a publisher manages the team no more: no buttons for them.
    still_owner = may(await context.role_of(pressed.admin_id), Right.TEAM)
    await edit_in_place(query, text, keyboard if still_owner else None)
    answer = shorten(html_to_plain(outcome.text), _ANSWER_LIMIT)
    await query.answer(answer, show_alert=not outcome.changed)


def register(application: PressApplication) -> None:
    """Add /whoami, /team, the team's buttons and /start join_<token>: before the other
    /start handlers (reading.py's read_ link, subscriptions.py's welcome)."""
    application.add_handler(
        CommandHandler("start", team_invites.join, filters.Regex(team_invites.START_JOIN))
    )
    application.add_handler(CommandHandler("whoami", whoami))
    application.add_handler(CommandHandler("team", team))
    application.add_handler(
        CallbackQueryHandler(press_team_button, pattern=f"^{TEAM_CALLBACK_PREFIX}:")
    )
