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

from telegram import Update
from telegram.error import TelegramError

from pressbot.bot.context import PressContext
from pressbot.bot.handlers.media_replies import send_step
from pressbot.bot.handlers.replying import replace_buttons, reply_messages
from pressbot.core.models import Draft, DraftStage, Item
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
from pressbot.texts.reader import render_release

logger = logging.getLogger(__name__)


async def show_preview(update: Update, context: PressContext, draft: Draft) -> None:
    """Store the draft (at the PREVIEW stage) and show it as subscribers will see it."""
    await context.database.drafts.save(draft, context.now())
    item = await preview_item(context, draft, context.now())
    correction = draft.item_id is not None
    await reply_messages(update, [admin_texts.preview_intro(correction, context.tr)])
    keyboard = admin_texts.preview_keyboard(correction, context.tr, draft.urgent)
    if not item.media:
        await reply_messages(update, [render_release(item, context.tr)], keyboard)
        return
    # The copy a subscriber gets, message by message, with the preview's buttons in place of
    # "Read in full": the same plan the delivery engine sends.
    plan = plan_copy(item, context.tr, {})
    for step in plan.media_steps:
        try:
            await send_step(context.bot, draft.chat_id, step)
        except (TelegramError, OSError) as error:  # the words and the buttons still come
            logger.warning("a file of the preview could not be shown: %s", error)
            await reply_messages(update, [media_texts.not_shown(str(error), context.tr)])
    try:
        await send_step(context.bot, draft.chat_id, plan.words, reply_markup=keyboard)
    except (TelegramError, OSError) as error:  # the one file that holds the words
        logger.warning("the preview's file could not be shown: %s", error)
        await reply_messages(update, [media_texts.not_shown(str(error), context.tr)])
        await reply_messages(update, [render_release(item, context.tr)], keyboard)


async def preview_item(context: PressContext, draft: Draft, now: datetime) -> Item:
    """The item as subscribers will see it: a correction keeps its id, date and kind."""
    new = draft_item(draft, now)
    original = await context.database.items.get(draft.item_id) if draft.item_id else None
    if original is not None:
        return replace(
            original,
            title=new.title,
            body_html=new.body_html,
            revision=original.revision + 1,
            media=new.media,
        )
    next_id = await context.database.items.next_id()
    item = Item(next_id, new.uid, new.kind, new.title, new.body_html, now, "", now, now)
    return replace(item, media=new.media)


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
    await replace_buttons(query, admin_texts.preview_keyboard(False, context.tr, draft.urgent))
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
