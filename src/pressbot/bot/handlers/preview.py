"""A draft's preview and the steps of its buttons: Urgent, Publish, Schedule, Confirm, Cancel.

The preview is the item exactly as subscribers will see it. A new release's preview offers
Publish, Schedule, Cancel and the Urgent toggle; a correction's, Confirm and Cancel. A press
takes the buttons away (the Urgent toggle redraws them) before its step runs. The table that
leads to these steps is in admin_post.py.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from pressbot.bot.context import PressContext
from pressbot.bot.handlers.media_replies import send_step
from pressbot.bot.handlers.replying import replace_buttons, reply_messages
from pressbot.core.models import Draft, DraftStage, Item, Version
from pressbot.delivery.copies import plan_copy
from pressbot.publishing import (
    PublishingError,
    correct_item,
    draft_item,
    publish_draft,
    reach,
)
from pressbot.texts import admin as admin_texts
from pressbot.texts import media as media_texts
from pressbot.texts import versions as version_texts
from pressbot.texts.i18n import Translator
from pressbot.texts.reader import render_release
from pressbot.texts.versions import parse_version_callback

logger = logging.getLogger(__name__)


async def show_preview(update: Update, context: PressContext, draft: Draft) -> None:
    """Store the draft (at the PREVIEW stage) and show each version as its readers will see
    it: the English one as English chats get it, the Russian one as Russian chats do."""
    await context.database.drafts.save(draft, context.now())
    item = await preview_item(context, draft, context.now())
    correction = draft.item_id is not None
    intro = admin_texts.preview_intro(correction, context.tr, len(item.versions))
    await reply_messages(update, [intro])
    keyboard = preview_buttons(draft, context.tr)
    languages = item.languages
    for language in languages:
        if len(languages) > 1:
            await reply_messages(update, [version_texts.version_heading(language, context.tr)])
        last = language == languages[-1]
        shown = keyboard if last else None
        await _show_version(update, context, draft.chat_id, item.in_language(language), shown)


def preview_buttons(draft: Draft, tr: Translator) -> InlineKeyboardMarkup:
    """The preview's buttons: its steps, and those that add or rewrite a version."""
    steps = admin_texts.preview_keyboard(draft.item_id is not None, tr, draft.urgent)
    versions = version_texts.version_buttons(draft.finished, tr)
    return InlineKeyboardMarkup([*steps.inline_keyboard, versions])


async def _show_version(
    update: Update,
    context: PressContext,
    chat_id: int,
    version: Item,
    keyboard: InlineKeyboardMarkup | None,
) -> None:
    """One version of the preview (the item in its language), with `keyboard` under it."""
    tr = context.translator(version.language)
    item = version
    if not item.media:
        await reply_messages(update, [render_release(version, tr)], keyboard)
        return
    # The copy a subscriber gets, message by message, with the preview's buttons in place of
    # "Read in full": the same plan the delivery engine sends.
    plan = plan_copy(version, tr, {})
    for step in plan.media_steps:
        try:
            await send_step(context.bot, chat_id, step)
        except (TelegramError, OSError) as error:  # the words and the buttons still come
            logger.warning("a file of the preview could not be shown: %s", error)
            await reply_messages(update, [media_texts.not_shown(str(error), context.tr)])
    try:
        await send_step(context.bot, chat_id, plan.words, reply_markup=keyboard)
    except (TelegramError, OSError) as error:  # the one file that holds the words
        logger.warning("the preview's file could not be shown: %s", error)
        await reply_messages(update, [media_texts.not_shown(str(error), context.tr)])
        await reply_messages(update, [render_release(version, tr)], keyboard)


async def preview_item(context: PressContext, draft: Draft, now: datetime) -> Item:
    """The item as subscribers will see it: a correction keeps its id, date and kind, and
    a version it rewrites shows as updated."""
    new = draft_item(draft, now)
    original = await context.database.items.get(draft.item_id) if draft.item_id else None
    versions = (Version(new.language, new.title, new.body_html), *new.translations)
    if original is not None:
        stored = {v.language: v for v in original.versions}
        versions = tuple(v.revised_from(stored.get(v.language)) for v in versions)
        return replace(original.with_versions(versions), media=new.media)
    next_id = await context.database.items.next_id()
    item = Item(next_id, new.uid, new.kind, new.title, new.body_html, now, "", now, now)
    return replace(item, media=new.media, language=new.language, translations=new.translations)


async def write_version(update: Update, context: PressContext, draft: Draft) -> None:
    """A version button: write (or rewrite) the release in that language, title first; the
    versions written so far are kept, as are the media and the kind."""
    query = update.callback_query
    language = parse_version_callback(query.data or "") if query is not None else None
    if query is None:
        return
    if language is None:  # not a button of ours: a forged or garbled press
        await query.answer(context.tr(admin_texts.STALE_BUTTON))
        return
    await close_preview(update, context, draft)
    finished = replace(draft, versions=draft.finished, language=language)
    kept = finished.kept
    draft = replace(
        finished,
        stage=DraftStage.TITLE,
        title=kept.title if kept else "",
        body_html="",
    )
    await context.database.drafts.save(draft, context.now())
    await reply_messages(update, [version_texts.ask_version_title(language, kept, context.tr)])


async def close_preview(update: Update, context: PressContext, draft: Draft) -> None:
    """Answer a press under the preview and take its buttons away: the choice is made.

    All a press does that is no step of this draft (Confirm under a new release's preview).
    """
    query = update.callback_query
    if query is not None:
        await query.answer()
        await replace_buttons(query, None)


async def toggle_urgent(update: Update, context: PressContext, draft: Draft) -> None:
    """Mark the new release urgent (it passes quiet hours) or not, and redraw the buttons."""
    query = update.callback_query
    if query is None:
        return
    draft = replace(draft, urgent=not draft.urgent)
    await context.database.drafts.save(draft, context.now())
    await replace_buttons(query, preview_buttons(draft, context.tr))
    await query.answer(context.tr("Urgent") if draft.urgent else context.tr("Not urgent"))


async def publish(update: Update, context: PressContext, draft: Draft) -> None:
    """Publish the new release now, and say who gets it now and who in a digest."""
    now = context.now()
    await close_preview(update, context, draft)
    item_id, broadcast_id = await publish_draft(context.database, context.engine, draft, now)
    now_count, in_digests = await reach(context.database, broadcast_id)
    text = admin_texts.published(item_id, now_count, in_digests, context.tr)
    await reply_messages(update, [text])


async def ask_release_time(update: Update, context: PressContext, draft: Draft) -> None:
    """Schedule the new release: ask when (the SCHEDULE stage takes the answer)."""
    now = context.now()
    await close_preview(update, context, draft)
    await context.database.drafts.save(replace(draft, stage=DraftStage.SCHEDULE), now)
    await reply_messages(update, [context.tr(admin_texts.ASK_TIME)])


async def confirm_correction(update: Update, context: PressContext, draft: Draft) -> None:
    """Correct the item: every delivered copy is edited to the preview."""
    now, item_id = context.now(), draft.item_id or 0  # the table gives Confirm to corrections
    await close_preview(update, context, draft)
    try:
        broadcast_id = await correct_item(context.database, context.engine, draft, now)
    except PublishingError as error:
        await context.database.drafts.delete(draft.admin_id)
        await reply_messages(update, [error.render(context.tr)])
        return
    progress = await context.database.outbox.progress(broadcast_id)
    copies = progress.total if progress else 0
    await reply_messages(update, [admin_texts.corrected(item_id, copies, context.tr)])


async def drop_draft(update: Update, context: PressContext, draft: Draft) -> None:
    """Cancel under the preview: drop the draft, publish nothing."""
    await close_preview(update, context, draft)
    await context.database.drafts.delete(draft.admin_id)
    await reply_messages(update, [context.tr(admin_texts.CANCELLED)])
