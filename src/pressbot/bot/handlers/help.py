"""/help, and a reply pointing to it for anything the bot does not understand."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.replying import answer_stale_press, reply_messages
from pressbot.texts.chat import render_help, render_unknown
from pressbot.texts.commands import READER_COMMANDS, team_commands


async def help_command(update: Update, context: PressContext) -> None:
    """List every command, one line each."""
    user = update.effective_user
    admin = team_commands(await context.role_of(user.id if user else None))
    await reply_messages(update, [render_help(READER_COMMANDS, context.tr, admin)])


async def unknown(update: Update, context: PressContext) -> None:
    """Point anything not understood to /help: a text, or in a private chat a photo, a
    sticker or any other file a reader sends."""
    message = update.effective_message
    if message is None:
        return
    if message.chat.type != "private" and not _addressed_to_bot(message.text or "", context):
        return  # in groups the bot speaks only when spoken to
    await reply_messages(update, [render_unknown(context.tr)])


def _addressed_to_bot(text: str, context: PressContext) -> bool:
    command = text.split(maxsplit=1)[0] if text.startswith("/") else ""
    _, _, username = command.partition("@")
    return bool(username) and username.lower() == (context.bot.username or "").lower()


async def stale_button(update: Update, context: PressContext) -> None:
    """Answer a button press that no handler knows (and, screening.py, one under an inline
    message): send /help."""
    if update.callback_query is not None:
        await answer_stale_press(update.callback_query, context.tr, "/help")


def register(application: PressApplication) -> None:
    """Add /help and the fallbacks; call last so the fallbacks see only what is left."""
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE
            & (filters.TEXT | filters.COMMAND | (filters.ChatType.PRIVATE & filters.ATTACHMENT)),
            unknown,
        )
    )
    application.add_handler(CallbackQueryHandler(stale_button))
