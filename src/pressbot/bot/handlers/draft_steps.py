"""The steps of writing a draft: its title, its text, its kind, its release time.

Each step takes the admin's input at one stage, stores the draft at its next stage and says
what comes next; admin_post.py's table says which step an input leads to, and preview.py has
the steps of the preview's buttons.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from telegram import Update
from telegram.ext import JobQueue

from pressbot.bot.context import PressContext
from pressbot.bot.handlers import preview, submitting, waiting
from pressbot.bot.handlers.release_gate import must_submit
from pressbot.bot.handlers.replying import replace_buttons, reply_messages
from pressbot.bot.release_jobs import schedule_release
from pressbot.core.models import Draft, DraftStage, ItemKind
from pressbot.core.scheduling import ReleaseTimeError, parse_release_time
from pressbot.core.team import Action
from pressbot.publishing import schedule_draft
from pressbot.texts import admin as admin_texts
from pressbot.texts import media as media_texts
from pressbot.texts import versions as version_texts
from pressbot.texts.markup import TITLE_LIMIT


def _text(update: Update) -> str:
    message = update.effective_message
    return (message.text or "") if message else ""


async def take_title(update: Update, context: PressContext, draft: Draft) -> None:
    """The title: ask for the text next (a title too long is asked again)."""
    title = _text(update).strip()
    if len(title) > TITLE_LIMIT:
        text = context.tr(admin_texts.TITLE_TOO_LONG, length=len(title), limit=TITLE_LIMIT)
        await reply_messages(update, [text])
        return
    await keep_title(update, context, replace(draft, title=title))


async def keep_title(update: Update, context: PressContext, draft: Draft) -> None:
    """/skip the title (the version rewritten keeps its own): ask for the text."""
    await context.database.drafts.save(replace(draft, stage=DraftStage.BODY), context.now())
    if draft.kept is not None:
        prompt = admin_texts.ask_new_body(draft.media, context.tr)
    elif draft.versions:  # another language of a release whose media are set already
        asked = context.tr(version_texts.ASK_VERSION_BODY)
        prompt = f"{asked}\n{media_texts.edit_media_note(draft.media, context.tr)}"
    else:
        prompt = context.tr(admin_texts.ASK_BODY)
    await reply_messages(update, [prompt])


async def ask_title_first(update: Update, context: PressContext, draft: Draft) -> None:
    """/done before any title: the title comes first."""
    await reply_messages(update, [context.tr(admin_texts.TITLE_FIRST)])


async def add_to_body(update: Update, context: PressContext, draft: Draft) -> None:
    """A piece of the text, with its formatting: add it, and count the whole so far."""
    message = update.effective_message
    html = message.text_html.strip() if message and message.text else ""
    body = "\n\n".join(part for part in (draft.body_html, html) if part)
    await context.database.drafts.save(replace(draft, body_html=body), context.now())
    await reply_messages(update, [media_texts.draft_received(draft.media, body, context.tr)])


async def end_body(update: Update, context: PressContext, draft: Draft) -> None:
    """/done with the text: a version rewritten with none keeps its own; a new one needs one."""
    if draft.body_html.strip():
        await _after_body(update, context, draft)
    elif draft.kept is None:
        await reply_messages(update, [context.tr(admin_texts.EMPTY_BODY)])
    else:
        await keep_body(update, context, draft)


async def keep_body(update: Update, context: PressContext, draft: Draft) -> None:
    """/skip the text of the version rewritten: keep it, and preview."""
    kept = draft.kept
    await _after_body(update, context, replace(draft, body_html=kept.body_html if kept else ""))


async def _after_body(update: Update, context: PressContext, draft: Draft) -> None:
    """The text is complete: a draft whose kind is known (a correction, a second version)
    is previewed; a new release asks its kind first."""
    if draft.kind is not None:
        await preview.show_preview(update, context, replace(draft, stage=DraftStage.PREVIEW))
        return
    draft = replace(draft, stage=DraftStage.KIND)
    await context.database.drafts.save(draft, context.now())
    keyboard = admin_texts.kind_keyboard(context.services.settings.post_kinds, context.tr)
    await reply_messages(update, [context.tr(admin_texts.ASK_KIND)], keyboard)


async def choose_kind(update: Update, context: PressContext, draft: Draft) -> None:
    """A kind button: preview the release (a consular alert is urgent unless unmarked)."""
    query = update.callback_query
    if query is None:
        return
    kind = (query.data or "").partition(":")[2]
    if kind not in context.services.settings.post_kinds:
        await query.answer(context.tr(admin_texts.STALE_BUTTON))
        return
    await query.answer()
    await replace_buttons(query, None)
    urgent = kind == ItemKind.CONSULAR_ALERT
    chosen = replace(draft, kind=kind, stage=DraftStage.PREVIEW, urgent=urgent)
    await preview.show_preview(update, context, chosen)


async def take_release_time(update: Update, context: PressContext, draft: Draft) -> None:
    """The release time ("18:00 London"): schedule the release, or submit it for approval
    at that time when its author needs approval; a draft naming a held item (Move under
    /scheduled) moves it there (a time not understood is asked again)."""
    now = context.now()
    try:
        when = parse_release_time(_text(update), now)
    except ReleaseTimeError as error:
        await reply_messages(update, [error.render(context.tr)])
        return
    if draft.item_id is not None:  # Move under /scheduled: the held item's new time
        await waiting.move_to(update, context, draft, when)
        return
    if await must_submit(context, draft.admin_id, Action.RELEASE):
        await submitting.submit(update, context, draft, when)  # Submit with a release time
        return
    item_id = await schedule_draft(context.database, draft, when, now)
    if context.job_queue is not None:
        schedule_release(cast(JobQueue[PressContext], context.job_queue), item_id, when, now)
    await reply_messages(update, [admin_texts.scheduled(item_id, when, context.tr)])
