"""What a reader is told when handling an update fails: sorry, or busy, in one reply."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from pressbot.bot.context import PressContext
from pressbot.bot.handlers import language
from pressbot.core.languages import N_
from pressbot.storage.write_blocked import cannot_write_now
from pressbot.texts.markup import escape

logger = logging.getLogger(__name__)


async def report_error(update: object, context: PressContext) -> None:
    """Log a handler's error, tell the chat in one reply, and stop handling that update.

    A database that cannot be written now (locked, disk full) is said to be busy, in one log
    line; any other error is sorry, logged with its traceback. Either way the update's later
    handlers do not run: the reader gets the apology, not an answer after it. The apology
    failing (chat not found, Telegram down) is logged in one line: this never raises.
    """
    error = context.error
    text: str | None = SORRY
    if isinstance(error, Forbidden):
        # The user blocked the bot or removed it from the group: nobody to tell.
        logger.info("could not reply: %s", error.message)
        text = None
    elif cannot_write_now(error):
        logger.warning("the database cannot be written now (%s): answered busy", error)
        text = BUSY
    else:
        logger.error("error while handling an update", exc_info=error)
    if not isinstance(update, Update):
        return  # a job's error: no chat to tell, no update to stop
    if text is not None and update.effective_chat is not None:
        language.remembered_language(context, update)
        await _apologise(context, update.effective_chat.id, text)
    if update.callback_query is not None:
        await _stop_spinner(update.callback_query)
    raise ApplicationHandlerStop


SORRY = N_("Sorry, something went wrong. Please try again in a minute.")
BUSY = N_("The bot is busy right now. Please try again in a minute.")


async def _apologise(context: PressContext, chat_id: int, text: str) -> None:
    """Send the translated `text` to the chat; a failure is one log line, never an error."""
    try:
        await context.bot.send_message(
            chat_id, escape(context.tr(text)), parse_mode=ParseMode.HTML
        )
    except Exception as failure:  # the error handler's last word: nothing may escape it
        logger.warning(
            "could not tell chat %d about the error: %s: %s",
            chat_id,
            type(failure).__name__,
            failure,
        )


async def _stop_spinner(query: CallbackQuery) -> None:
    """Answer the pressed button, so that its spinner stops; it may have been answered."""
    try:
        await query.answer()
    except TelegramError as failure:  # answered before the error, or too old: nothing to do
        logger.debug("button not answered after the error: %s", failure)
