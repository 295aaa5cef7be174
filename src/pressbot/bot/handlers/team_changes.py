"""A change to the team, by a command or a button: the rules checked, the store changed (it
audits itself), and what follows it: the member told, their command menu set or dropped.

The rules: configured owners (PRESSBOT_ADMIN_IDS) are not changed from the bot at all, and
the last owner is neither removed nor given another role. Updates are handled one at a time
(the Application is not built with concurrent updates), so a check and the change after it
are not raced by another press.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from pressbot.bot.context import PressContext
from pressbot.bot.handlers.rights import record_refused
from pressbot.core.languages import ENGLISH, LANGUAGES
from pressbot.core.team import Role
from pressbot.texts import team as team_texts
from pressbot.texts import team_notices
from pressbot.texts.commands import READER_COMMANDS, team_commands
from pressbot.texts.i18n import Translator, translator
from pressbot.texts.team import Refused

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What came of a requested change: the owner's answer (HTML), and whether it changed."""

    text: str
    changed: bool


async def record_refusal(update: Update, context: PressContext, reason: Refused) -> None:
    """Put a refused team change or join in the audit trail, with what was tried and why."""
    await record_refused(update, context, reason=reason)


async def owner_count(context: PressContext) -> int:
    """The owners: configured ones and those made owners from Telegram."""
    return len(context.services.settings.admin_ids) + await context.database.team.count_owners()


async def set_member_role(
    update: Update, context: PressContext, by: int, user_id: int, role: Role
) -> Outcome:
    """Add the user in `role`, or give the member `role`, unless a rule forbids it."""
    team, tr = context.database.team, context.tr
    if user_id in context.services.settings.admin_ids:
        return await _refused(update, context, Refused.CONFIGURED_OWNER, user_id)
    member = await team.get(user_id)
    name = member.name if member else ""
    demoted = member is not None and member.role is Role.OWNER and role is not Role.OWNER
    if demoted and await owner_count(context) <= 1:
        return await _refused(update, context, Refused.LAST_OWNER, user_id, name)
    before = await team.set_role(user_id, role, by=by, now=context.now())
    text = team_texts.role_set(user_id, name, before, role, tr)
    if before is role:
        return Outcome(text, changed=False)
    if user_id != by:  # an owner changing their own role reads the reply instead
        await tell(context, user_id, lambda told: team_notices.told_role(before, role, told))
    await set_member_menu(context.bot, user_id, role)
    return Outcome(text, changed=True)


async def remove_member(update: Update, context: PressContext, by: int, user_id: int) -> Outcome:
    """Remove the member, closing their draft, unless a rule forbids it."""
    team = context.database.team
    if user_id in context.services.settings.admin_ids:
        return await _refused(update, context, Refused.CONFIGURED_OWNER, user_id)
    member = await team.get(user_id)
    if member is None:
        return await _refused(update, context, Refused.NOT_A_MEMBER, user_id)
    if member.role is Role.OWNER and await owner_count(context) <= 1:
        return await _refused(update, context, Refused.LAST_OWNER, user_id, member.name)
    draft = await context.database.drafts.get(user_id)
    title = None if draft is None else draft.title or next((v.title for v in draft.versions), "")
    if await team.remove(user_id, by=by, now=context.now()) is None:
        return await _refused(update, context, Refused.NOT_A_MEMBER, user_id)
    if user_id != by:
        await tell(context, user_id, lambda told: team_notices.told_removed(title, told))
    await drop_member_menu(context.bot, user_id)
    return Outcome(team_texts.removed(user_id, member.name, title, context.tr), changed=True)


async def _refused(
    update: Update, context: PressContext, reason: Refused, user_id: int, name: str = ""
) -> Outcome:
    await record_refusal(update, context, reason)
    text = team_texts.refused(reason, context.tr, user_id=user_id, name=name)
    return Outcome(text, changed=False)


async def tell(context: PressContext, user_id: int, render: Callable[[Translator], str]) -> None:
    """Send a member news of their place in the team, in their chat's language. One who never
    started the bot (or blocked it) cannot be told: a warning, and the change stands."""
    tr = await context.chat_translator(user_id)
    try:
        await context.bot.send_message(user_id, render(tr), parse_mode=ParseMode.HTML)
    except TelegramError as error:
        logger.warning("could not tell %d about their place in the team: %s", user_id, error)


def team_menu(tr: Translator, role: Role) -> list[BotCommand]:
    """The command menu of a member of the team: the readers' commands, then those of the
    team's that the role may use."""
    commands = READER_COMMANDS + team_commands(role)
    return [BotCommand(c.name, tr(c.description)) for c in commands]


async def set_member_menu(bot: Bot, user_id: int, role: Role) -> None:
    """Show the team's commands in the member's menu, in each language; a failure (a user
    who never started the bot) is a warning: they can still type the commands."""
    for language in LANGUAGES:
        code = None if language == ENGLISH else language
        try:
            await bot.set_my_commands(
                team_menu(translator(language), role),
                scope=BotCommandScopeChat(user_id),
                language_code=code,
            )
        except TelegramError as error:
            logger.warning("team menu for %d not set: %s", user_id, error)
            return


async def drop_member_menu(bot: Bot, user_id: int) -> None:
    """Give a former member the readers' menu again (the default scope's)."""
    for language in LANGUAGES:
        code = None if language == ENGLISH else language
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(user_id), language_code=code)
        except TelegramError as error:
            logger.warning("team menu for %d not removed: %s", user_id, error)
            return
