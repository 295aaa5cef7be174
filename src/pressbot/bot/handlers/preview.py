"""A draft's preview and the steps of its buttons: Urgent, Publish, Schedule, Confirm, Cancel.

The preview is the item exactly as subscribers will see it. A new release's preview offers
Publish, Schedule, Cancel and the Urgent toggle; a correction's, Confirm and Cancel. An author
who needs approval (release_gate.py) gets Submit for approval and Submit with a release time,
or Submit the correction, instead (submitting.py); Publish, Schedule and Confirm ask the gate
again when pressed. The preview is also what approvers are shown (show_item). A press
takes the buttons away (the Urgent toggle redraws them) before its step runs. The table that
leads to these steps is in admin_post.py.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from pressbot.bot.context import PressContext
from pressbot.bot.handlers.media_replies import send_step
from pressbot.bot.handlers.release_gate import action_of, may_let_out, must_submit
from pressbot.bot.handlers.replying import replace_buttons, reply_messages
from pressbot.core.models import Draft, DraftStage, Item, ItemStatus, Version
from pressbot.core.team import Action
from pressbot.delivery.copies import plan_copy
from pressbot.publishing import (
    HELD_CORRECTED,
    PublishingError,
    correct_item,
    draft_item,
    publish_draft,
    reach,
)
from pressbot.texts import admin as admin_texts
from pressbot.texts import media as media_texts
from pressbot.texts import versions as version_texts
from pressbot.texts import waiting as waiting_texts
from pressbot.texts.i18n import Translator
from pressbot.texts.reader import render_release
from pressbot.texts.versions import parse_version_callback

logger = logging.getLogger(__name__)


async def show_preview(update: Update, context: PressContext, draft: Draft) -> None:
    """Store the draft (at the PREVIEW stage) and show each version as its readers will see
    it: the English one as English chats get it, the Russian one as Russian chats do."""
    await present_preview(context, draft, context.tr)


async def present_preview(context: PressContext, draft: Draft, tr: Translator) -> None:
    """show_preview, into the draft's own chat with its author's `tr`: also when the draft
    comes back to them from a publisher's update (changes requested)."""
    await context.database.drafts.save(draft, context.now())
    item = await preview_item(context, draft, context.now())
    correction = draft.item_id is not None
    intro = admin_texts.preview_intro(correction, tr, len(item.versions))
    if item.status is ItemStatus.SCHEDULED and item.publish_at is not None:
        intro = waiting_texts.held_preview_intro(item.publish_at, tr)  # nothing delivered yet
    await send_text(context, draft.chat_id, intro)
    submit = await must_submit(context, draft.admin_id, action_of(draft))
    await show_item(context, draft.chat_id, item, tr, preview_buttons(draft, tr, submit))


def preview_buttons(draft: Draft, tr: Translator, submit: bool = False) -> InlineKeyboardMarkup:
    """The preview's buttons: its steps (`submit`: those submitting it for approval), and
    those that add or rewrite a version."""
    steps = admin_texts.preview_keyboard(draft.item_id is not None, tr, draft.urgent, submit)
    versions = version_texts.version_buttons(draft.finished, tr)
    return InlineKeyboardMarkup([*steps.inline_keyboard, versions])


async def send_text(
    context: PressContext, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> Message:
    """One HTML message to a chat (a private one: a member's), `keyboard` under it."""
    return await context.bot.send_message(
        chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def show_item(
    context: PressContext,
    chat_id: int,
    item: Item,
    tr: Translator,
    keyboard: InlineKeyboardMarkup | None,
) -> None:
    """Each version of `item` into the chat, as its readers will see it, under a heading of
    its language (in `tr`, the viewer's) when there are several; `keyboard` under the last."""
    languages = item.languages
    for language in languages:
        if len(languages) > 1:
            await send_text(context, chat_id, version_texts.version_heading(language, tr))
        shown = keyboard if language == languages[-1] else None
        await _show_version(context, chat_id, item.in_language(language), tr, shown)


async def _show_version(
    context: PressContext,
    chat_id: int,
    version: Item,
    viewer: Translator,
    keyboard: InlineKeyboardMarkup | None,
) -> None:
    """One version of the preview (the item in its language), with `keyboard` under it;
    a file that can't be shown is said in the `viewer`'s language."""
    tr = context.translator(version.language)
    if not version.media:
        await send_text(context, chat_id, render_release(version, tr), keyboard)
        return
    # The copy a subscriber gets, message by message, with the preview's buttons in place of
    # "Read in full": the same plan the delivery engine sends.
    plan = plan_copy(version, tr, {})
    for step in plan.media_steps:
        try:
            await send_step(context.bot, chat_id, step)
        except (TelegramError, OSError) as error:  # the words and the buttons still come
            logger.warning("a file of the preview could not be shown: %s", error)
            await send_text(context, chat_id, media_texts.not_shown(str(error), viewer))
    try:
        await send_step(context.bot, chat_id, plan.words, reply_markup=keyboard)
    except (TelegramError, OSError) as error:  # the one file that holds the words
        logger.warning("the preview's file could not be shown: %s", error)
        await send_text(context, chat_id, media_texts.not_shown(str(error), viewer))
        await send_text(context, chat_id, render_release(version, tr), keyboard)


async def preview_item(context: PressContext, draft: Draft, now: datetime) -> Item:
    """The item as subscribers will see it: a correction keeps its id, date and kind, and
    a version it rewrites shows as updated (unless the item is still held: nobody saw it)."""
    new = draft_item(draft, now)
    original = await context.database.items.get(draft.item_id) if draft.item_id else None
    versions = (Version(new.language, new.title, new.body_html), *new.translations)
    if original is not None and original.status is ItemStatus.SCHEDULED:
        return replace(original.with_versions(versions), media=new.media)
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
    words = waiting_texts.current_words(kept) if kept else []  # to copy, to start from
    await reply_messages(
        update, [*words, version_texts.ask_version_title(language, kept, context.tr)]
    )


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
    submit = await must_submit(context, draft.admin_id, action_of(draft))
    await replace_buttons(query, preview_buttons(draft, context.tr, submit))
    await query.answer(context.tr("Urgent") if draft.urgent else context.tr("Not urgent"))


async def publish(update: Update, context: PressContext, draft: Draft) -> None:
    """Publish the new release now, and say who gets it now and who in a digest."""
    if not await may_let_out(update, context, Action.RELEASE):  # a forged or stale Publish
        return
    now = context.now()
    await close_preview(update, context, draft)
    item_id, broadcast_id = await publish_draft(context.database, context.engine, draft, now)
    now_count, in_digests = await reach(context.database, broadcast_id)
    text = admin_texts.published(item_id, now_count, in_digests, context.tr)
    await reply_messages(update, [text])


async def ask_release_time(update: Update, context: PressContext, draft: Draft) -> None:
    """Schedule the new release: ask when (the SCHEDULE stage takes the answer)."""
    if not await may_let_out(update, context, Action.RELEASE):
        return
    now = context.now()
    await close_preview(update, context, draft)
    await context.database.drafts.save(replace(draft, stage=DraftStage.SCHEDULE), now)
    await reply_messages(update, [context.tr(admin_texts.ASK_TIME)])


async def confirm_correction(update: Update, context: PressContext, draft: Draft) -> None:
    """Correct the item: every delivered copy is edited to the preview."""
    if not await may_let_out(update, context, Action.CORRECTION):
        return
    now, item_id = context.now(), draft.item_id or 0  # the table gives Confirm to corrections
    await close_preview(update, context, draft)
    try:
        broadcast_id = await correct_item(context.database, context.engine, draft, now)
    except PublishingError as error:
        await context.database.drafts.delete(draft.admin_id)
        await reply_messages(update, [error.render(context.tr)])
        return
    await reply_messages(update, [await corrected_said(context, item_id, broadcast_id)])


async def corrected_said(context: PressContext, item_id: int, broadcast_id: int) -> str:
    """What the admin is told of a correction made: the copies being edited, or, for an item
    still scheduled (correct_item's HELD_CORRECTED), the time it goes out as corrected."""
    if broadcast_id == HELD_CORRECTED:
        held = await context.database.items.get(item_id)
        when = held.publish_at if held else None
        return waiting_texts.corrected_held(item_id, when, context.tr)
    progress = await context.database.outbox.progress(broadcast_id)
    copies = progress.total if progress else 0
    return admin_texts.corrected(item_id, copies, context.tr)


async def drop_draft(update: Update, context: PressContext, draft: Draft) -> None:
    """Cancel under the preview: drop the draft, publish nothing."""
    await close_preview(update, context, draft)
    await context.database.drafts.delete(draft.admin_id)
    await reply_messages(update, [context.tr(admin_texts.CANCELLED)])
