"""Reading: /latest with paging, /read, /search, /contacts and /time."""

from __future__ import annotations

import logging
import sqlite3

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.media_replies import send_step
from pressbot.bot.handlers.replying import (
    answer_stale_press,
    command_argument,
    edit_in_place,
    reply_messages,
    tappable,
    tapped_number,
    thread_id,
)
from pressbot.core.clock import read_clock
from pressbot.core.inputs import parse_count, parse_id
from pressbot.core.languages import N_
from pressbot.core.models import Item, ItemStatus
from pressbot.delivery.copies import media_steps
from pressbot.texts.reader import (
    LATEST_CALLBACK_PREFIX,
    READ_CALLBACK_PREFIX,
    latest_keyboard,
    parse_latest_callback,
    parse_read_callback,
    render_contacts,
    render_item_full,
    render_latest,
    render_search_results,
    render_time,
)
from pressbot.texts.versions import (
    READ_IN_CALLBACK_PREFIX,
    parse_read_in_callback,
    read_in_button,
)

logger = logging.getLogger(__name__)

DEFAULT_LATEST = 10
MAX_LATEST = 50
SEARCH_LIMIT = 20
READ_USAGE = N_("Send /read followed by an item number, e.g. /read 1.")
BROKEN_LINK = N_("That link does not name an item. /latest lists items.")
# Only an id by the one rule makes a link; anything else is not understood (handlers/help.py).
_READ_LINK = tappable("read")
#: The payload of t.me/<bot>?start=read_<id>; the id is judged by the one rule, not here.
_START_READ = r"^/start(@\w+)? read_"


def latest_count(argument: str) -> int:
    """Read N of /latest N: the default for anything that is not a positive number."""
    return parse_count(argument, DEFAULT_LATEST, MAX_LATEST)


async def latest(update: Update, context: PressContext) -> None:
    """Send the newest items, one line each, with buttons to page."""
    count = latest_count(command_argument(update))
    page = await context.database.items.latest(count, language=context.tr.language)
    await reply_messages(
        update, render_latest(page, context.tr), latest_keyboard(page, context.tr)
    )


async def latest_page(update: Update, context: PressContext) -> None:
    """Show another page of /latest, in place when it fits in one message."""
    query = update.callback_query
    if query is None:
        return
    parsed = parse_latest_callback(query.data or "")
    if parsed is None:
        await answer_stale_press(query, context.tr, "/latest")
        return
    limit, offset = min(max(parsed[0], 1), MAX_LATEST), parsed[1]
    page = await context.database.items.latest(limit, offset, language=context.tr.language)
    messages = render_latest(page, context.tr)
    keyboard = latest_keyboard(page, context.tr)
    # The page goes out before the answer, so the button's spinner stops when it is there.
    if len(messages) == 1 and query.message is not None:
        await edit_in_place(query, messages[0], keyboard)
    else:
        await reply_messages(update, messages, keyboard)
    await query.answer()


async def read(update: Update, context: PressContext) -> None:
    """Send an item in full: /read <id>."""
    await _send_item(update, context, parse_id(command_argument(update)))


async def read_link(update: Update, context: PressContext) -> None:
    """Send an item in full: the tappable /read_<id>."""
    number = tapped_number(update, _READ_LINK, context.bot.username)
    if number:
        await _send_item(update, context, parse_id(number))


async def start_read_link(update: Update, context: PressContext) -> None:
    """Open a shared item: the link t.me/<bot>?start=read_<id> arrives as /start read_<id>."""
    item_id = parse_id(command_argument(update).removeprefix("read_"))
    if not await _send_item(update, context, item_id, usage=BROKEN_LINK):
        return
    chat = update.effective_chat
    if chat is not None and not await context.database.subscribers.is_active(chat.id):
        await reply_messages(
            update, [context.tr("Send /subscribe to get every new release here.")]
        )


async def _send_item(
    update: Update,
    context: PressContext,
    item_id: int | None,
    *,
    usage: str = READ_USAGE,
    language: str | None = None,
    media: bool = True,
) -> bool:
    """Send the item in full, in the reader's language (or `language`, chosen with the
    switch under it) when written in it, with a switch to each other version; say why not
    (`usage` when there is no id) and return False."""
    if item_id is None:
        await reply_messages(update, [context.tr(usage)])
        return False
    item = await context.database.items.get(item_id)
    if item is None or item.status is not ItemStatus.PUBLISHED:
        await reply_messages(
            update, [context.tr("Item {id} was not found. /latest lists items.", id=item_id)]
        )
        return False
    tr = context.tr if language is None else context.translator(language)
    shown = item.in_language(tr.language)
    switches = [read_in_button(item.id, other) for other in shown.languages[1:]]
    if media:
        await _send_media(update, context, item)
    keyboard = InlineKeyboardMarkup([switches]) if switches else None
    await reply_messages(update, render_item_full(shown, tr), keyboard)
    await _count_read(update, context, item.id)
    return True


async def _count_read(update: Update, context: PressContext, item_id: int) -> None:
    """Keep that this chat opened the item (its first time counts, once): the readership
    /stats reports. The press office's own private chats are not readers: /stats links to
    what it reports. The reader has the item already; a database that fails here costs a
    count, never the reply."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return
    try:
        if chat.type == chat.PRIVATE and await context.role_of(user.id if user else None):
            return
        await context.database.reads.record(item_id, chat.id, context.now())
    except (sqlite3.Error, OSError) as error:
        logger.warning("item %d: a read could not be counted: %s", item_id, error)


async def _send_media(update: Update, context: PressContext, item: Item) -> None:
    """The item's photos and files, before its text, as a release sends them; a file not yet
    on Telegram goes up now and its file_id is kept; one Telegram can't use is left out (the
    text still goes)."""
    chat = update.effective_chat
    if chat is None or not item.media:
        return
    for step in media_steps(item.media, {}):
        try:
            file_ids = await send_step(context.bot, chat.id, step, thread_id=thread_id(update))
        except (TelegramError, OSError) as error:  # a file gone, Telegram slow: the text goes
            logger.warning("item %d: its media could not be shown: %s", item.id, error)
            continue
        unresolved = step.unresolved
        learnt = {
            position: file_id
            for position, file_id in zip(step.positions, file_ids, strict=False)
            if file_id and position in unresolved
        }
        if learnt:
            await context.database.media.keep_file_ids(item.id, learnt)


async def read_button(update: Update, context: PressContext) -> None:
    """Send the whole item when "Read in full" under a release is pressed."""
    query = update.callback_query
    if query is None:
        return
    item_id = parse_read_callback(query.data or "")
    if item_id is None:
        await answer_stale_press(query, context.tr, "/latest")
        return
    await _send_item(update, context, item_id)
    await query.answer()


async def read_in_button_pressed(update: Update, context: PressContext) -> None:
    """Send the item in the language its switch names (its text only: the media came)."""
    query = update.callback_query
    if query is None:
        return
    parsed = parse_read_in_callback(query.data or "")
    if parsed is None:
        await answer_stale_press(query, context.tr, "/latest")
        return
    language, item_id = parsed
    await _send_item(update, context, item_id, language=language, media=False)
    await query.answer()


async def search(update: Update, context: PressContext) -> None:
    """Find items by words in their title or text, newest first."""
    words = command_argument(update)
    if not words:
        await reply_messages(
            update, [context.tr("Send /search followed by words, e.g. /search Bellingcat.")]
        )
        return
    found = await context.database.items.search(words, SEARCH_LIMIT, language=context.tr.language)
    await reply_messages(update, render_search_results(words, found, SEARCH_LIMIT, context.tr))


async def contacts(update: Update, context: PressContext) -> None:
    """Send the consular contacts."""
    await reply_messages(
        update, [render_contacts(await context.database.contacts.all(), context.tr)]
    )


async def time(update: Update, context: PressContext) -> None:
    """Send today's date and the time in Moscow and London."""
    await reply_messages(update, [render_time(read_clock(context.now()), context.tr)])


def register(application: PressApplication) -> None:
    """Add the reading handlers."""
    application.add_handler(CommandHandler("latest", latest))
    application.add_handler(CommandHandler("read", read))
    application.add_handler(CommandHandler("start", start_read_link, filters.Regex(_START_READ)))
    application.add_handler(MessageHandler(filters.Regex(_READ_LINK), read_link))
    application.add_handler(CommandHandler("search", search))
    application.add_handler(CommandHandler("contacts", contacts))
    application.add_handler(CommandHandler("time", time))
    application.add_handler(
        CallbackQueryHandler(latest_page, pattern=f"^{LATEST_CALLBACK_PREFIX}:")
    )
    application.add_handler(CallbackQueryHandler(read_button, pattern=f"^{READ_CALLBACK_PREFIX}:"))
    application.add_handler(
        CallbackQueryHandler(read_in_button_pressed, pattern=f"^{READ_IN_CALLBACK_PREFIX}:")
    )
