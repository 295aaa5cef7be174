"""/audit: the audit trail as the press office reads it, the latest actions or one item's."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update
from telegram.ext import CommandHandler

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.replying import command_argument, reply_messages
from pressbot.bot.handlers.rights import admin_in_private, record_refused
from pressbot.core.inputs import parse_id
from pressbot.core.team import AuditEntry, Right
from pressbot.texts import audit as audit_texts
from pressbot.texts.audit_details import NOT_A_NUMBER, Known

#: How much of a refused /audit the audit row keeps (as rights.py keeps of other refusals).


async def audit(update: Update, context: PressContext) -> None:
    """Show the latest actions (/audit), or one item's history (/audit <id>)."""
    if not await admin_in_private(update, context, Right.PUBLISH):
        return
    argument = command_argument(update)
    item_id = parse_id(argument)
    if argument and item_id is None:
        await refuse_bad_id(update, context)
        return
    database, tr = context.database, context.tr
    if item_id is None:
        entries = await database.audit.latest(audit_texts.LATEST)
        known = await known_in(context, entries)
        await reply_messages(update, audit_texts.latest_actions(entries, known, tr))
        return
    # One more than shown: whether the item's history is longer than the reply.
    newest = await database.audit.latest(audit_texts.HISTORY + 1, item_id=item_id)
    complete = len(newest) <= audit_texts.HISTORY
    oldest_first = list(reversed(newest[: audit_texts.HISTORY]))
    known = await known_in(context, oldest_first)
    await reply_messages(
        update, audit_texts.item_history(item_id, oldest_first, known, tr, complete=complete)
    )


async def known_in(context: PressContext, entries: Sequence[AuditEntry]) -> Known:
    """The members' names and the titles of the items the rows name."""
    database = context.database
    people = {member.user_id: member.name for member in await database.team.members()}
    titles = {}
    for item_id in {entry.item_id for entry in entries if entry.item_id is not None}:
        item = await database.items.get(item_id)
        if item is not None:
            titles[item_id] = item.title
    return Known(people, titles)


async def refuse_bad_id(update: Update, context: PressContext) -> None:
    """Say how /audit is used, and record the bad input in the trail."""
    await record_refused(update, context, reason=NOT_A_NUMBER)
    await reply_messages(update, [context.tr(audit_texts.USAGE)])


def register(application: PressApplication) -> None:
    """Add /audit."""
    application.add_handler(CommandHandler("audit", audit))
