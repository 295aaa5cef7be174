"""Admins and the website: /sources, and Publish or Skip for entries held from it."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.replying import replace_buttons, reply_messages
from pressbot.bot.handlers.rights import admin_in_private, admin_press
from pressbot.bot.website_jobs import configured_sources
from pressbot.core.inputs import parse_id
from pressbot.core.team import Right
from pressbot.ingest import texts
from pressbot.ingest.holding import publish_held_entry, skip_held_entry
from pressbot.publishing import reach
from pressbot.texts import admin as admin_texts


async def sources(update: Update, context: PressContext) -> None:
    """Show each website source's state, and the entries waiting for Publish."""
    if not await admin_in_private(update, context, Right.PUBLISH):
        return
    settings = context.services.settings
    urls = [url for url, _, _ in configured_sources(settings)]
    listed = await context.database.sources.listed(urls)
    shown = texts.sources_list(listed, context.tr, polled=settings.poll_website)
    await reply_messages(update, [shown])
    held = await context.database.source_entries.held()
    if held:
        await reply_messages(
            update, texts.held_notice(held, context.tr), texts.held_keyboard(held, context.tr)
        )


async def press_held(update: Update, context: PressContext) -> None:
    """Publish or skip a held entry from its button."""
    pressed = await admin_press(update, context, Right.PUBLISH)
    if pressed is None:
        return
    query, entry = pressed.query, parse_id(pressed.value)
    action = (query.data or "").partition(":")[0]
    if entry is None:
        await query.answer(context.tr(texts.NOT_HELD))
        return
    if action == texts.PUBLISH_PREFIX:
        published = await publish_held_entry(
            context.database,
            context.engine,
            entry,
            admin_id=pressed.admin_id,
            chat_id=pressed.chat_id,
            now=context.now(),
        )
        if published is None:
            answer = context.tr(texts.NOT_HELD)
        else:
            item_id, broadcast_id = published
            now_count, in_digests = await reach(context.database, broadcast_id)
            answer = admin_texts.published(item_id, now_count, in_digests, context.tr)
    else:
        title = await skip_held_entry(
            context.database, entry, context.now(), admin_id=pressed.admin_id
        )
        answer = (
            context.tr(texts.NOT_HELD)
            if title is None
            else texts.skipped_answer(title, context.tr)
        )
    await query.answer()
    await _drop_button_row(query, query.data or "")
    await reply_messages(update, [answer])


async def _drop_button_row(query: CallbackQuery, data: str) -> None:
    """Take the pressed entry's buttons off the notice; the others stay usable."""
    message = query.message
    markup = getattr(message, "reply_markup", None)
    if not isinstance(markup, InlineKeyboardMarkup):
        return
    entry = data.partition(":")[2]
    rows = [
        row
        for row in markup.inline_keyboard
        if not any(str(button.callback_data).partition(":")[2] == entry for button in row)
    ]
    await replace_buttons(query, InlineKeyboardMarkup(rows) if rows else None)


def register(application: PressApplication) -> None:
    """Add /sources and the Publish and Skip buttons."""
    application.add_handler(CommandHandler("sources", sources))
    application.add_handler(
        CallbackQueryHandler(
            press_held, pattern=rf"^({texts.PUBLISH_PREFIX}|{texts.SKIP_PREFIX}):"
        )
    )
