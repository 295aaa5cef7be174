"""Updates no handler should act on stop here, before any handler sees them.

The bot asks Telegram only for updates.ALLOWED_UPDATES. Whatever else arrives all the same (a
forged webhook POST, an update queued before allowed_updates changed) stops in the first group:
an edited /start does not greet again, an edited /read does not send the item again, and
/read_<id> posted in a channel where the bot is an admin does not post the item there.

A button pressed under an inline message comes with no message: every button of the bot's
lives under a message of its own, so such a press is answered as stale here, once for all
handlers (which need the chat the message is in).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, TypeHandler

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.replying import answer_stale_press
from pressbot.bot.updates import ALLOWED_UPDATES

#: After the telemetry counts an update (-100), before its language is resolved (-2).
SCREEN_GROUP = -3
#: After the language is resolved (the answer is in it), before the handlers of group 0.
DETACHED_GROUP = -1


def acted_on(update: Update) -> bool:
    """Whether the update is of a type the bot asks Telegram for, and so acts on."""
    return any(getattr(update, kind, None) is not None for kind in ALLOWED_UPDATES)


async def screen(update: Update, context: PressContext) -> None:
    """Stop an update of a type the bot does not ask for."""
    if not acted_on(update):
        raise ApplicationHandlerStop


async def answer_detached_button(update: Update, context: PressContext) -> None:
    """Answer a button pressed under an inline message as stale; let every other press on."""
    query = update.callback_query
    if query is None or query.message is not None:
        return
    await answer_stale_press(query, context.tr, "/help")
    raise ApplicationHandlerStop


def register(application: PressApplication) -> None:
    """Add the screens: call it first."""
    application.add_handler(TypeHandler(Update, screen), group=SCREEN_GROUP)
    application.add_handler(CallbackQueryHandler(answer_detached_button), group=DETACHED_GROUP)
