"""Sending rendered messages back to the chat an update came from.

parse_mode is passed at each call rather than through Defaults: python-telegram-bot would
otherwise add the default parse_mode to methods that have none (editMessageReplyMarkup).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from pressbot.core.inputs import NUMBER_PATTERN
from pressbot.texts.chat import BUTTON_NO_LONGER_WORKS
from pressbot.texts.i18n import Translator


async def reply_messages(
    update: Update, messages: Sequence[str], keyboard: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Send the messages in order as HTML; the keyboard goes on the last one."""
    chat = update.effective_chat
    if chat is None:
        return []
    sent = []
    for index, text in enumerate(messages):
        last = index == len(messages) - 1
        sent.append(
            await chat.send_message(
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard if last else None,
                message_thread_id=thread_id(update),
            )
        )
    return sent


def thread_id(update: Update) -> int | None:
    """The forum topic the update's message is in, for a reply to go there too."""
    message = update.effective_message
    if message is not None and message.is_topic_message:
        return message.message_thread_id
    return None


def tappable(command: str) -> re.Pattern[str]:
    """The message a tappable command with a number is: /<command>_<number>, or with the
    bot's name as a group's clients add it (/read_12@embassy_bot)."""
    return re.compile(rf"^/{command}_({NUMBER_PATTERN})(?:@(\w+))?$")


def tapped_number(update: Update, pattern: re.Pattern[str], bot_username: str | None) -> str:
    """The number of a `tappable` command sent to this bot; "" for another bot's command
    (in a group) or any other text."""
    message = update.effective_message
    match = pattern.match(message.text or "") if message else None
    if match is None:
        return ""
    addressed_to = match.group(2)
    if addressed_to and addressed_to.lower() != (bot_username or "").lower():
        return ""
    return match.group(1)


def command_argument(update: Update) -> str:
    """Return what follows the command word in the message, stripped."""
    message = update.effective_message
    text = message.text if message and message.text else ""
    _, _, rest = text.partition(" ")
    return rest.strip()


async def edit_in_place(
    query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Replace the text and buttons of the message a button is under, as HTML."""
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as error:
        _unless_not_modified(error)


async def replace_buttons(query: CallbackQuery, keyboard: InlineKeyboardMarkup | None) -> None:
    """Replace (None: remove) the buttons under the message a button is under."""
    try:
        await query.edit_message_reply_markup(keyboard)
    except BadRequest as error:
        _unless_not_modified(error)


async def answer_stale_press(query: CallbackQuery, tr: Translator, command: str) -> None:
    """Answer the press of a button that no longer works: send `command` ("/latest") instead."""
    await query.answer(tr(BUTTON_NO_LONGER_WORKS, command=command))


def _unless_not_modified(error: BadRequest) -> None:
    # A second tap on the same button (both taps in before the first edit) asks for what is
    # shown already: Telegram's "message is not modified" is then no error of ours.
    if "not modified" not in error.message:
        raise error
