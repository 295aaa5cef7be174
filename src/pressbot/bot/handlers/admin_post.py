"""Admins write releases in the chat: /post and /edit, step by step, with a preview.

A draft is a small state machine. Its state is the draft's stage (DraftStage), stored in
SQLite at every step (storage/drafts.py), so a restart loses nothing; STEPS below says, for
each stage, what the admin may send and the step it leads to, as python-telegram-bot's
examples/conversationbot.py does; admin_post.mmd draws it. Every input checks the admin list
again (rights.py). The steps themselves are in draft_steps.py (title, text, kind, release
time) and preview.py (the preview and its buttons).
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from pressbot.bot.context import PressApplication, PressContext
from pressbot.bot.handlers import change_notes, draft_media, draft_steps, preview, submitting
from pressbot.bot.handlers.replying import command_argument, reply_messages
from pressbot.bot.handlers.rights import admin_in_private, admin_press
from pressbot.core.inputs import parse_id
from pressbot.core.models import Draft, DraftStage, ItemStatus
from pressbot.core.team import Right, may
from pressbot.texts import admin as admin_texts
from pressbot.texts import approval as approval_texts
from pressbot.texts import media as media_texts
from pressbot.texts import waiting as waiting_texts


class DraftInput(enum.StrEnum):
    """What an admin sends to their draft: a message, a command, or a button's data."""

    TEXT = "text"  # a message with text: a title, a piece of the text, a release time
    MEDIA = "media"  # a photo, a video or a file, with or without a caption
    NO_MEDIA = "/nomedia"
    DONE = "/done"
    SKIP = "/skip"
    KIND = "kind"  # "kind:<kind>", under the kind question
    URGENT = "post:urgent"  # under the preview
    PUBLISH = "post:publish"
    SCHEDULE = "post:schedule"
    CONFIRM = "post:confirm"
    SUBMIT = "post:submit"  # for approval (core.team.needs_approval): at once, or a correction
    SUBMIT_AT = "post:submit_at"  # for approval, with a release time
    CANCEL = "post:cancel"
    VERSION = "version"  # "version:<language>", under the preview: write that version


#: One step of a draft: it reads the update, stores the draft's next stage, and replies.
Step = Callable[[Update, PressContext, Draft], Awaitable[None]]


#: The draft's steps: (stage, what the admin sends) -> the step. /post and /edit start a draft
#: at TITLE, /cancel drops it at any stage; publish, confirm or a release time end it.
STEPS: Mapping[tuple[DraftStage, DraftInput], Step] = {
    (DraftStage.TITLE, DraftInput.TEXT): draft_steps.take_title,
    (DraftStage.TITLE, DraftInput.SKIP): draft_steps.keep_title,
    (DraftStage.TITLE, DraftInput.DONE): draft_steps.ask_title_first,
    (DraftStage.TITLE, DraftInput.MEDIA): draft_media.ask_title_as_text,
    (DraftStage.BODY, DraftInput.MEDIA): draft_media.add_media,
    (DraftStage.BODY, DraftInput.NO_MEDIA): draft_media.remove_media,
    (DraftStage.BODY, DraftInput.TEXT): draft_steps.add_to_body,
    (DraftStage.BODY, DraftInput.DONE): draft_steps.end_body,
    (DraftStage.BODY, DraftInput.SKIP): draft_steps.keep_body,
    (DraftStage.KIND, DraftInput.KIND): draft_steps.choose_kind,
    (DraftStage.PREVIEW, DraftInput.URGENT): preview.toggle_urgent,
    (DraftStage.PREVIEW, DraftInput.PUBLISH): preview.publish,
    (DraftStage.PREVIEW, DraftInput.SCHEDULE): preview.ask_release_time,
    (DraftStage.PREVIEW, DraftInput.CONFIRM): preview.confirm_correction,
    (DraftStage.PREVIEW, DraftInput.SUBMIT): submitting.submit_draft,
    (DraftStage.PREVIEW, DraftInput.SUBMIT_AT): submitting.ask_submission_time,
    (DraftStage.PREVIEW, DraftInput.CANCEL): preview.drop_draft,
    (DraftStage.PREVIEW, DraftInput.VERSION): preview.write_version,
    (DraftStage.SCHEDULE, DraftInput.TEXT): draft_steps.take_release_time,
    (DraftStage.SCHEDULE, DraftInput.MEDIA): draft_media.ask_time_as_text,
}
#: What /edit corrects: a published item, and one held for release (it keeps its time).
_CORRECTABLE = frozenset({ItemStatus.PUBLISHED, ItemStatus.SCHEDULED})
#: Inputs that are a step of one kind of draft only: /post's, and /edit's (a correction).
NEW_RELEASE_ONLY = frozenset(
    {DraftInput.URGENT, DraftInput.PUBLISH, DraftInput.SCHEDULE, DraftInput.SUBMIT_AT}
)
CORRECTION_ONLY = frozenset({DraftInput.CONFIRM})
#: The stage whose message each family of buttons is under; pressed at another, it is stale.
BUTTON_STAGES = {
    "kind": DraftStage.KIND,
    "post": DraftStage.PREVIEW,
    "version": DraftStage.PREVIEW,
}
_PREVIEW_BUTTONS = {sent.value: sent for sent in DraftInput if sent.startswith("post:")}
#: Button families whose data carries a value: the kind chosen, the version to write.
_FAMILY_INPUTS = {"kind": DraftInput.KIND, "version": DraftInput.VERSION}


def step_for(draft: Draft, sent: DraftInput) -> Step | None:
    """The step `sent` leads to from the draft's stage; None where it is not one."""
    if sent in (CORRECTION_ONLY if draft.item_id is None else NEW_RELEASE_ONLY):
        return None
    if sent is DraftInput.SKIP and draft.kept is None:  # nothing written to keep
        return None
    return STEPS.get((draft.stage, sent))


async def _take(update: Update, context: PressContext, draft: Draft, sent: DraftInput) -> None:
    """Take a message or command as the draft's next step; else point to the buttons."""
    step = step_for(draft, sent)
    if step is None:
        await reply_messages(update, [context.tr(admin_texts.USE_BUTTONS)])
    else:
        await step(update, context, draft)


async def post(update: Update, context: PressContext) -> None:
    """Start a new release: ask for its title."""
    if not await admin_in_private(update, context, Right.DRAFT) or update.effective_user is None:
        return
    admin_id = update.effective_user.id
    existing = await context.database.drafts.get(admin_id)
    if existing is not None:
        await reply_messages(update, [admin_texts.draft_in_progress(existing.title, context.tr)])
        return
    await context.database.drafts.save(Draft.new_release(admin_id), context.now())
    dropped = await _note_dropped(context, admin_id)
    await reply_messages(update, [*dropped, context.tr(admin_texts.ASK_TITLE)])


async def _note_dropped(context: PressContext, admin_id: int) -> list[str]:
    """A draft started: a note asked of the admin (Request changes) is no longer awaited,
    so that the draft's words never go out as one; said, when there was one."""
    if await context.database.submissions.drop_note(admin_id):
        return [context.tr(approval_texts.NOTE_DROPPED)]
    return []


async def edit(update: Update, context: PressContext) -> None:
    """Start a correction of a published (or still held) item: /edit <id>. Its words as they
    stand come first, to copy with their formatting."""
    if not await admin_in_private(update, context, Right.DRAFT) or update.effective_user is None:
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
    if item is None or item.status not in _CORRECTABLE:
        await reply_messages(update, [admin_texts.not_published(item_id, context.tr)])
        return
    await context.database.drafts.save(Draft.correction(admin_id, item), context.now())
    dropped = await _note_dropped(context, admin_id)
    words = waiting_texts.current_words(item.versions[0])  # its own language's
    words = [*dropped, *words]
    await reply_messages(update, [*words, admin_texts.edit_started(item, context.tr)])


async def draft_input(update: Update, context: PressContext) -> None:
    """Take an admin's message as the next piece of their draft; others pass through."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.chat.type != "private":
        return
    if await change_notes.take_note(update, context):  # a note asked for comes first
        raise ApplicationHandlerStop
    if not may(await context.role_of(user.id), Right.DRAFT):
        return  # a reader's message, for the other handlers
    draft = await context.database.drafts.get(user.id)
    if draft is None:
        return
    if message.text:
        await _take(update, context, draft, DraftInput.TEXT)
    elif draft_media.attachment_of(message) is not None:
        await _take(update, context, draft, DraftInput.MEDIA)
    elif draft_media.is_unsupported(message):
        await reply_messages(update, [context.tr(media_texts.UNSUPPORTED)])
    else:
        await reply_messages(update, [context.tr(admin_texts.NEEDS_TEXT)])
    raise ApplicationHandlerStop


async def done(update: Update, context: PressContext) -> None:
    """End the text: choose the kind next (or preview a correction)."""
    draft = await _current_draft(update, context)
    if draft is not None:
        await _take(update, context, draft, DraftInput.DONE)


async def skip(update: Update, context: PressContext) -> None:
    """Keep the current title or text of the version being rewritten."""
    draft = await _current_draft(update, context)
    if draft is None:
        return
    if draft.kept is None:
        await reply_messages(
            update,
            [
                context.tr(
                    "/skip keeps what was written before: it works with /edit, or when"
                    " rewriting a version."
                )
            ],
        )
    else:
        await _take(update, context, draft, DraftInput.SKIP)


async def nomedia(update: Update, context: PressContext) -> None:
    """Remove the draft's photos and files (a correction: the item's)."""
    draft = await _current_draft(update, context)
    if draft is None:
        return
    if draft.stage is not DraftStage.BODY:
        await reply_messages(update, [context.tr(media_texts.NOMEDIA_WHEN)])
    else:
        await _take(update, context, draft, DraftInput.NO_MEDIA)


async def _current_draft(update: Update, context: PressContext) -> Draft | None:
    if not await admin_in_private(update, context, Right.DRAFT) or update.effective_user is None:
        return None
    draft = await context.database.drafts.get(update.effective_user.id)
    if draft is None:
        await reply_messages(
            update, [context.tr("There is no draft in progress. /post starts one.")]
        )
    return draft


async def cancel(update: Update, context: PressContext) -> None:
    """Drop the draft at any step (or, first, a note asked for under a submission)."""
    if await change_notes.drop_note(update, context):
        return
    user = update.effective_user
    if user is None or not may(await context.role_of(user.id), Right.DRAFT):
        await reply_messages(update, [context.tr(admin_texts.NOTHING_TO_CANCEL)])
        return
    dropped = await context.database.drafts.delete(user.id)
    await reply_messages(
        update, [context.tr(admin_texts.CANCELLED if dropped else admin_texts.NOTHING_TO_CANCEL)]
    )


async def press_draft_button(update: Update, context: PressContext) -> None:
    """A kind button, or one under the preview: the step it leads to."""
    pressed = await admin_press(update, context, Right.DRAFT)
    if pressed is None:
        return
    draft = await context.database.drafts.get(pressed.admin_id)
    data = pressed.query.data or ""
    family = data.partition(":")[0]
    if draft is None or draft.stage is not BUTTON_STAGES.get(family):
        await pressed.query.answer(context.tr(admin_texts.STALE_BUTTON))
        return
    sent = _FAMILY_INPUTS.get(family) or _PREVIEW_BUTTONS.get(data)
    step = step_for(draft, sent) if sent is not None else None
    # Under the preview, a button that is no step of this draft only takes the buttons away.
    await (step or preview.close_preview)(update, context, draft)


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
    application.add_handler(CommandHandler("nomedia", nomedia))
    application.add_handler(CommandHandler("cancel", cancel))
    application.add_handler(
        CallbackQueryHandler(press_draft_button, pattern=r"^(kind|post|version):")
    )
