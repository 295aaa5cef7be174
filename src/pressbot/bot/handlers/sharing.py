"""Inline sharing: "@bot words" in any chat lists matching items; choosing one posts it.

The shared message carries a link that opens the whole item in a private chat with the bot
(/start read_<id>).
"""

from __future__ import annotations

from telegram import (
    InlineQueryResult,
    InlineQueryResultArticle,
    InlineQueryResultCachedPhoto,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import InlineQueryHandler

from pressbot.bot.context import PressApplication, PressContext
from pressbot.core.inputs import parse_number
from pressbot.core.media import MediaKind
from pressbot.core.models import Item, ItemStatus
from pressbot.delivery.copies import fits_caption
from pressbot.texts.i18n import Translator
from pressbot.texts.reader import render_shared, shared_description, shared_keyboard, shared_title

PAGE = 10
#: Telegram shows at most 50 results for one query.
MAX_RESULTS = 50


def page_offset(offset: str) -> int:
    """Read the offset Telegram sends back for the next page; 0 for anything else."""
    number = parse_number(offset)
    return number if number is not None and number < MAX_RESULTS else 0


async def share(update: Update, context: PressContext) -> None:
    """Answer an inline query with matching items (the newest when nothing is typed)."""
    query = update.inline_query
    if query is None:
        return
    offset = page_offset(query.offset)
    limit = min(PAGE, MAX_RESULTS - offset)
    items, language = context.database.items, context.tr.language
    words = query.query.strip()
    if words:
        headlines = await items.search(words, limit, offset, language=language)
    else:
        headlines = list((await items.latest(limit, offset, language=language)).headlines)
    found = [await items.get(headline.id) for headline in headlines]
    results = [
        _result(item.in_language(language), context.bot.username or "", context.tr)
        for item in found
        if item is not None and item.status is ItemStatus.PUBLISHED
    ]
    more = len(headlines) == limit and offset + limit < MAX_RESULTS
    # No next_offset at all (not "") when this is the last page.
    next_offset = str(offset + limit) if more else None
    # Personal: results are in the user's language.
    await query.answer(results, cache_time=30, is_personal=True, next_offset=next_offset)


def _result(item: Item, bot_username: str, tr: Translator) -> InlineQueryResult:
    """The item as a result: its photo with the words as the caption when it has a photo on
    Telegram and the words fit a caption, else the words alone."""
    text = render_shared(item, tr)
    photo = next(
        (a for a in item.media if a.kind is MediaKind.PHOTO and a.file_id is not None), None
    )
    if photo is not None and photo.file_id is not None and fits_caption(text):
        return InlineQueryResultCachedPhoto(
            id=str(item.id),
            photo_file_id=photo.file_id,
            title=shared_title(item),
            description=shared_description(item, tr),
            caption=text,
            parse_mode=ParseMode.HTML,
            reply_markup=shared_keyboard(item, bot_username, tr),
        )
    return InlineQueryResultArticle(
        id=str(item.id),
        title=shared_title(item),
        description=shared_description(item, tr),
        input_message_content=InputTextMessageContent(
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        reply_markup=shared_keyboard(item, bot_username, tr),
    )


def register(application: PressApplication) -> None:
    """Add the inline query handler."""
    application.add_handler(InlineQueryHandler(share))
