"""Languages: each update is answered in its chat's language; /language changes it.

A chat's language is chosen once from the Telegram language_code of the first user who writes
(Russian for ru, else English) and kept in SQLite, so releases reach it in that language too.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, TypeHandler

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.replying import answer_stale_press, edit_in_place, reply_messages
from pressbot.bot.handlers.rights import may_change_or_told_who_may
from pressbot.core.languages import LANGUAGE_NAMES, LANGUAGES
from pressbot.texts.chat_settings import (
    LANGUAGE_CALLBACK_PREFIX,
    language_keyboard,
    render_language,
)
from pressbot.texts.i18n import choose_language

_CHAT_DATA_KEY = "language"
#: Before every other handler (drafts take group -1): they all answer in the language found.
RESOLVE_GROUP = -2


async def resolve_language(update: Update, context: PressContext) -> None:
    """Find the language to answer this update in; remember it for the chat."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        # Inline queries have no chat: the user's private chat with the bot has the same id,
        # and its language is remembered there (asked of the database only when it is not).
        if user is not None:
            private = context.application.chat_data.get(user.id, {})
            stored = private.get(_CHAT_DATA_KEY) or await context.database.languages.get(user.id)
            context.tr = context.translator(stored or choose_language(user.language_code))
        return
    cached = context.chat_data.get(_CHAT_DATA_KEY) if context.chat_data is not None else None
    if not isinstance(cached, str):
        default = choose_language(user.language_code if user else None)
        cached = await context.database.languages.set_default(chat.id, default)
        if context.chat_data is not None:
            context.chat_data[_CHAT_DATA_KEY] = cached
    context.tr = context.translator(cached)


async def language(update: Update, context: PressContext) -> None:
    """Show the chat's language with a button for each."""
    await reply_messages(
        update, [render_language(context.tr)], language_keyboard(context.tr.language)
    )


async def choose(update: Update, context: PressContext) -> None:
    """Switch the chat's language; in a group only its admins may."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    code = (query.data or "").partition(":")[2]
    if code not in LANGUAGES:
        await answer_stale_press(query, context.tr, "/language")
        return
    if not await may_change_or_told_who_may(update, context):
        return
    await context.database.languages.set(chat.id, code)
    if context.chat_data is not None:
        context.chat_data[_CHAT_DATA_KEY] = code
    context.tr = context.translator(code)
    await edit_in_place(query, render_language(context.tr), language_keyboard(code))
    await query.answer(LANGUAGE_NAMES[code])


def remembered_language(context: PressContext, update: Update) -> None:
    """Answer in the chat's language as last found, without asking the database.

    For the error handler: python-telegram-bot gives it a context of its own, and the error
    may be the database's (a busy one, before the chat's language was ever stored): then the
    user's Telegram language, as resolve_language would have chosen it.
    """
    cached = context.chat_data.get(_CHAT_DATA_KEY) if context.chat_data is not None else None
    if not isinstance(cached, str):
        user = update.effective_user
        cached = choose_language(user.language_code if user else None)
    context.tr = context.translator(cached)


def register(application: PressApplication) -> None:
    """Resolve every update's language first, and add /language."""
    application.add_handler(TypeHandler(Update, resolve_language), group=RESOLVE_GROUP)
    application.add_handler(CommandHandler("language", language))
    application.add_handler(CallbackQueryHandler(choose, pattern=f"^{LANGUAGE_CALLBACK_PREFIX}:"))
