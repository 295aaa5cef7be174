"""Admins write releases in the chat: /post and /edit, step by step, with a preview.

The draft is stored at every step (storage/drafts.py), so a restart loses nothing. Every step
checks the admin list again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import cast

from telegram import CallbackQuery, Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    JobQueue,
    MessageHandler,
    filters,
)

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers.replying import command_argument, replace_buttons, reply_messages
from pressbot.bot.release_jobs import schedule_release
from pressbot.core.inputs import parse_id
from pressbot.core.models import Draft, DraftStage, Item, ItemKind, ItemStatus
from pressbot.core.scheduling import ReleaseTimeError, parse_release_time
from pressbot.publishing import (
    PublishingError,
    correct_item,
    draft_item,
    publish_draft,
    reach,
    schedule_draft,
)
from pressbot.texts import admin as admin_texts
from pressbot.texts.reader import render_release

TITLE_LIMIT = 300


@dataclass(frozen=True, slots=True)
class AdminPress:
    """A button pressed by an admin: the query, who pressed it, where, and the button's value."""

    query: CallbackQuery
    admin_id: int
    chat_id: int
    value: str  # what follows the prefix: "withdraw:12" -> "12"


async def admin_press(update: Update, context: PressContext) -> AdminPress | None:
    """The press of an admin's button; None (the press answered) when not an admin's."""
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or user is None or chat is None:
        return None
    if not context.is_admin(user.id):  # asked afresh at every press
        await query.answer(context.tr(admin_texts.NOT_ADMIN), show_alert=True)
        return None
    return AdminPress(query, user.id, chat.id, (query.data or "").partition(":")[2])


async def admin_in_private(update: Update, context: PressContext) -> bool:
    """True for an admin in a private chat; otherwise say why not and return False."""
    user, chat = update.effective_user, update.effective_chat
    if not context.is_admin(user.id if user else None):
        await reply_messages(update, [context.tr(admin_texts.NOT_ADMIN)])
        return False
    if chat is None or chat.type != "private":
        await reply_messages(update, [context.tr(admin_texts.PRIVATE_ONLY)])
        return False
    return True


async def post(update: Update, context: PressContext) -> None:
    """Start a new release: ask for its title."""
    if not await admin_in_private(update, context) or update.effective_user is None:
        return
    admin_id = update.effective_user.id
    existing = await context.database.drafts.get(admin_id)
    if existing is not None:
        await reply_messages(update, [admin_texts.draft_in_progress(existing.title, context.tr)])
        return
    draft = Draft(admin_id, admin_id, DraftStage.TITLE, None, "", "", None)
    await context.database.drafts.save(draft, context.now())
    await reply_messages(update, [context.tr(admin_texts.ASK_TITLE)])


async def edit(update: Update, context: PressContext) -> None:
    """Start a correction of a published item: /edit <id>."""
    if not await admin_in_private(update, context) or update.effective_user is None:
        return
    item_id = parse_id(command_argument(update))
    if item_id is None:
        await reply_messages(update, [admin_texts.usage("edit", context.tr)])
        return
    admin_id = update.effective_user.id
    existing = await context.database.drafts.get(admin_id)
    if existing is not None:
        await reply_messages(update, [admin_texts.draft_in_progress(existing.title, context.tr)])
        return
    item = await context.database.items.get(item_id)
    if item is None or item.status is not ItemStatus.PUBLISHED:
        await reply_messages(update, [admin_texts.not_published(item_id, context.tr)])
        return
    draft = Draft(admin_id, admin_id, DraftStage.TITLE, item.id, item.title, "", item.kind)
    await context.database.drafts.save(draft, context.now())
    await reply_messages(update, [admin_texts.edit_started(item, context.tr)])


async def draft_input(update: Update, context: PressContext) -> None:
    """Take an admin's message as the next piece of their draft; others pass through."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.chat.type != "private":
        return
    if not context.is_admin(user.id):
        return
    draft = await context.database.drafts.get(user.id)
    if draft is None:
        return
    if not message.text:
        await reply_messages(update, [context.tr(admin_texts.NEEDS_TEXT)])
    elif draft.stage is DraftStage.TITLE:
        await _take_title(update, context, draft, message.text.strip())
    elif draft.stage is DraftStage.BODY:
        body = "\n\n".join(part for part in (draft.body_html, message.text_html.strip()) if part)
        await context.database.drafts.save(replace(draft, body_html=body), context.now())
        await reply_messages(update, [admin_texts.body_received(body, context.tr)])
    elif draft.stage is DraftStage.SCHEDULE:
        await _take_release_time(update, context, draft, message.text)
    else:
        await reply_messages(update, [context.tr(admin_texts.USE_BUTTONS)])
    raise ApplicationHandlerStop


async def _take_title(update: Update, context: PressContext, draft: Draft, title: str) -> None:
    if len(title) > TITLE_LIMIT:
        text = context.tr(admin_texts.TITLE_TOO_LONG, length=len(title), limit=TITLE_LIMIT)
        await reply_messages(update, [text])
        return
    await _to_body(update, context, replace(draft, title=title))


async def _to_body(update: Update, context: PressContext, draft: Draft) -> None:
    await context.database.drafts.save(replace(draft, stage=DraftStage.BODY), context.now())
    prompt = (
        admin_texts.ask_new_body(context.tr) if draft.item_id else context.tr(admin_texts.ASK_BODY)
    )
    await reply_messages(update, [prompt])


async def _take_release_time(
    update: Update, context: PressContext, draft: Draft, text: str
) -> None:
    now = context.now()
    try:
        when = parse_release_time(text, now)
    except ReleaseTimeError as error:
        await reply_messages(update, [error.render(context.tr)])
        return
    item_id = await schedule_draft(context.database, draft, when, now)
    if context.job_queue is not None:
        schedule_release(cast(JobQueue[PressContext], context.job_queue), item_id, when, now)
    await reply_messages(update, [admin_texts.scheduled(item_id, when, context.tr)])


async def done(update: Update, context: PressContext) -> None:
    """End the text: choose the kind next (or preview a correction)."""
    draft = await _current_draft(update, context)
    if draft is None:
        return
    if draft.stage is DraftStage.TITLE:
        await reply_messages(update, [context.tr(admin_texts.TITLE_FIRST)])
        return
    if draft.stage is not DraftStage.BODY:
        await reply_messages(update, [context.tr(admin_texts.USE_BUTTONS)])
        return
    if not draft.body_html.strip():
        if draft.item_id is None:
            await reply_messages(update, [context.tr(admin_texts.EMPTY_BODY)])
            return
        draft = await _with_current_body(context, draft)
    await _after_body(update, context, draft)


async def skip(update: Update, context: PressContext) -> None:
    """Keep the current title or text of the item being corrected."""
    draft = await _current_draft(update, context)
    if draft is None:
        return
    if draft.item_id is None:
        await reply_messages(
            update, [context.tr("/skip works when correcting an item with /edit.")]
        )
    elif draft.stage is DraftStage.TITLE:
        await _to_body(update, context, draft)
    elif draft.stage is DraftStage.BODY:
        await _after_body(update, context, await _with_current_body(context, draft))
    else:
        await reply_messages(update, [context.tr(admin_texts.USE_BUTTONS)])


async def _with_current_body(context: PressContext, draft: Draft) -> Draft:
    item = await context.database.items.get(draft.item_id or 0)
    return replace(draft, body_html=item.body_html if item else "")


async def _after_body(update: Update, context: PressContext, draft: Draft) -> None:
    if draft.item_id is not None:
        await _preview(update, context, replace(draft, stage=DraftStage.PREVIEW))
        return
    draft = replace(draft, stage=DraftStage.KIND)
    await context.database.drafts.save(draft, context.now())
    keyboard = admin_texts.kind_keyboard(context.services.settings.post_kinds, context.tr)
    await reply_messages(update, [context.tr(admin_texts.ASK_KIND)], keyboard)


async def _preview(update: Update, context: PressContext, draft: Draft) -> None:
    await context.database.drafts.save(draft, context.now())
    item = await _preview_item(context, draft, context.now())
    correction = draft.item_id is not None
    await reply_messages(update, [admin_texts.preview_intro(correction, context.tr)])
    keyboard = admin_texts.preview_keyboard(correction, context.tr, draft.urgent)
    await reply_messages(update, [render_release(item, context.tr)], keyboard)


async def _preview_item(context: PressContext, draft: Draft, now: datetime) -> Item:
    """The item as subscribers will see it: a correction keeps its id, date and kind."""
    new = draft_item(draft, now)
    original = await context.database.items.get(draft.item_id) if draft.item_id else None
    if original is not None:
        return replace(
            original, title=new.title, body_html=new.body_html, revision=original.revision + 1
        )
    next_id = await context.database.items.next_id()
    return Item(next_id, new.uid, new.kind, new.title, new.body_html, now, "", now, now)


async def _current_draft(update: Update, context: PressContext) -> Draft | None:
    if not await admin_in_private(update, context) or update.effective_user is None:
        return None
    draft = await context.database.drafts.get(update.effective_user.id)
    if draft is None:
        await reply_messages(
            update, [context.tr("There is no draft in progress. /post starts one.")]
        )
    return draft


async def cancel(update: Update, context: PressContext) -> None:
    """Drop the draft at any step."""
    user = update.effective_user
    if user is None or not context.is_admin(user.id):
        await reply_messages(update, [context.tr(admin_texts.NOTHING_TO_CANCEL)])
        return
    dropped = await context.database.drafts.delete(user.id)
    await reply_messages(
        update, [context.tr(admin_texts.CANCELLED if dropped else admin_texts.NOTHING_TO_CANCEL)]
    )


async def choose_kind(update: Update, context: PressContext) -> None:
    """The kind button: show the preview."""
    pressed = await _draft_button(update, context, DraftStage.KIND)
    if pressed is None:
        return
    draft, query, value = pressed
    if value not in context.services.settings.post_kinds:
        await query.answer(context.tr(admin_texts.STALE_BUTTON))
        return
    await query.answer()
    await replace_buttons(query, None)
    # Consular alerts are urgent unless the admin says otherwise in the preview.
    urgent = value == ItemKind.CONSULAR_ALERT
    await _preview(
        update, context, replace(draft, kind=value, stage=DraftStage.PREVIEW, urgent=urgent)
    )


async def preview_action(update: Update, context: PressContext) -> None:
    """Publish, Schedule, Confirm or Cancel under the preview."""
    pressed = await _draft_button(update, context, DraftStage.PREVIEW)
    if pressed is None:
        return
    draft, query, action = pressed
    now = context.now()
    if action == "urgent" and draft.item_id is None:
        draft = replace(draft, urgent=not draft.urgent)
        await context.database.drafts.save(draft, now)
        await replace_buttons(query, admin_texts.preview_keyboard(False, context.tr, draft.urgent))
        await query.answer(context.tr("Urgent") if draft.urgent else context.tr("Not urgent"))
        return
    await query.answer()
    await replace_buttons(query, None)
    if action == "cancel":
        await context.database.drafts.delete(draft.admin_id)
        await reply_messages(update, [context.tr(admin_texts.CANCELLED)])
    elif action == "schedule" and draft.item_id is None:
        await context.database.drafts.save(replace(draft, stage=DraftStage.SCHEDULE), now)
        await reply_messages(update, [context.tr(admin_texts.ASK_TIME)])
    elif action == "publish" and draft.item_id is None:
        item_id, broadcast_id = await publish_draft(context.database, context.engine, draft, now)
        now_count, in_digests = await reach(context.database, broadcast_id)
        text = admin_texts.published(item_id, now_count, in_digests, context.tr)
        await reply_messages(update, [text])
    elif action == "confirm" and draft.item_id is not None:
        try:
            broadcast_id = await correct_item(context.database, context.engine, draft, now)
        except PublishingError as error:
            await context.database.drafts.delete(draft.admin_id)
            await reply_messages(update, [error.render(context.tr)])
            return
        progress = await context.database.outbox.progress(broadcast_id)
        copies = progress.total if progress else 0
        await reply_messages(update, [admin_texts.corrected(draft.item_id, copies, context.tr)])


async def _draft_button(
    update: Update, context: PressContext, stage: DraftStage
) -> tuple[Draft, CallbackQuery, str] | None:
    """The admin's draft, the query and the button's value ("kind:event" -> "event") when a
    button of `stage` is pressed; otherwise answer the query and return None."""
    pressed = await admin_press(update, context)
    if pressed is None:
        return None
    draft = await context.database.drafts.get(pressed.admin_id)
    if draft is None or draft.stage is not stage:
        await pressed.query.answer(context.tr(admin_texts.STALE_BUTTON))
        return None
    return draft, pressed.query, pressed.value


def register(application: PressApplication) -> None:
    """Add /post, /edit, the draft steps and their buttons."""
    # Group -1 sees messages first, and stops them only when they belong to a draft.
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.COMMAND, draft_input
        ),
        group=-1,
    )
    application.add_handler(CommandHandler("post", post))
    application.add_handler(CommandHandler("edit", edit))
    application.add_handler(CommandHandler("done", done))
    application.add_handler(CommandHandler("skip", skip))
    application.add_handler(CommandHandler("cancel", cancel))
    application.add_handler(CallbackQueryHandler(choose_kind, pattern=r"^kind:"))
    application.add_handler(CallbackQueryHandler(preview_action, pattern=r"^post:"))
