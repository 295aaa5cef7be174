"""Photos, videos and files in a draft: taken from the admin's messages, removed with /nomedia.

What the admin sent is on Telegram already: the draft keeps its file_id, and every copy of the
release reuses it. A caption is a piece of the text. An album arrives as one message per file;
the bot answers once, a moment after its last file, rather than once per file.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final, cast

from telegram import Message, Update
from telegram.ext import JobQueue

from pressbot.bot.context import PressContext
from pressbot.bot.handlers.replying import reply_messages
from pressbot.core.media import Attachment, MediaKind, too_many
from pressbot.core.models import Draft
from pressbot.texts import admin as admin_texts
from pressbot.texts import media as media_texts

#: Seconds without another file of an album before the bot answers for the whole album.
ALBUM_QUIET: Final = 1.0

#: Message contents a release can't carry: named, so the admin is told what is accepted.
UNSUPPORTED_CONTENT: Final = (
    "sticker",
    "voice",
    "video_note",
    "audio",
    "animation",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
    "paid_media",
)


def attachment_of(message: Message) -> Attachment | None:
    """The photo, video or document a message carries; None when it has none (an animation,
    which Telegram also gives as a document, is none of these)."""
    if message.animation is not None:
        return None
    if message.photo:
        largest = message.photo[-1]
        return Attachment(
            MediaKind.PHOTO,
            file_id=largest.file_id,
            size=largest.file_size,
            width=largest.width,
            height=largest.height,
        )
    if message.video is not None:
        video = message.video
        return Attachment(
            MediaKind.VIDEO,
            file_id=video.file_id,
            file_name=video.file_name,
            size=video.file_size,
            width=video.width,
            height=video.height,
        )
    if message.document is not None:
        document = message.document
        return Attachment(
            MediaKind.DOCUMENT,
            file_id=document.file_id,
            file_name=document.file_name,
            size=document.file_size,
        )
    return None


def is_unsupported(message: Message) -> bool:
    """A message with something a release can't carry (a sticker, a voice message …)."""
    return any(getattr(message, name, None) for name in UNSUPPORTED_CONTENT)


async def add_media(update: Update, context: PressContext, draft: Draft) -> None:
    """A photo, video or file, and its caption: add them to the draft."""
    message = update.effective_message
    attachment = attachment_of(message) if message else None
    if message is None or attachment is None:
        return
    media = (*draft.media, attachment)
    if too_many(media):
        await reply_messages(update, [media_texts.too_many(context.tr)])
        return
    caption = message.caption_html.strip() if message.caption else ""
    body = "\n\n".join(part for part in (draft.body_html, caption) if part)
    draft = replace(draft, media=media, body_html=body)
    await context.database.drafts.save(draft, context.now())
    if message.media_group_id is None or context.job_queue is None:
        text = media_texts.draft_received(
            media, body, context.tr, correction=draft.item_id is not None
        )
        await reply_messages(update, [text])
        return
    # One answer for the album, once its files stop arriving.
    jobs = cast(JobQueue[PressContext], context.job_queue)
    name = f"album-{draft.admin_id}"
    for job in jobs.get_jobs_by_name(name):
        job.schedule_removal()
    jobs.run_once(_answer_album, when=ALBUM_QUIET, data=draft.admin_id, name=name)


async def _answer_album(context: PressContext) -> None:
    """An album's files have all arrived: say what the draft holds."""
    job = context.job
    if job is None or not isinstance(job.data, int):
        return
    draft = await context.database.drafts.get(job.data)
    if draft is None:
        return
    tr = await context.chat_translator(draft.chat_id)
    text = media_texts.draft_received(
        draft.media, draft.body_html, tr, correction=draft.item_id is not None
    )
    await context.bot.send_message(draft.chat_id, text, parse_mode="HTML")


async def remove_media(update: Update, context: PressContext, draft: Draft) -> None:
    """/nomedia: the draft carries no photos or files (a correction: the item will not)."""
    if not draft.media:
        await reply_messages(update, [context.tr(media_texts.NO_MEDIA)])
        return
    await context.database.drafts.save(replace(draft, media=()), context.now())
    await reply_messages(update, [context.tr(media_texts.MEDIA_REMOVED)])


async def ask_time_as_text(update: Update, context: PressContext, draft: Draft) -> None:
    """A photo or file where the release time is asked: the time, as text."""
    await reply_messages(update, [context.tr(admin_texts.ASK_TIME)])


async def ask_title_as_text(update: Update, context: PressContext, draft: Draft) -> None:
    """A photo or file before the title: the title comes first, as text."""
    await reply_messages(update, [context.tr(media_texts.TITLE_AS_TEXT)])
