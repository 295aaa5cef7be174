"""A copy's plan sent as a reply, through python-telegram-bot: a draft's preview, /read's media.

The delivery engine sends a plan's steps as prepared JSON (delivery/copies.py); a reply sends
the same steps with the library's typed methods, so a preview is exactly the copy subscribers
get, and replies keep the library's rate limiter and error handling.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    LinkPreviewOptions,
    Message,
)

from pressbot.delivery.copies import Step


def _input_media(
    media: Mapping[str, Any], files: Mapping[str, tuple[str, bytes]]
) -> InputMediaPhoto | InputMediaVideo | InputMediaDocument:
    reference = media["media"]
    name, source = files.get(reference.removeprefix("attach://"), (None, reference))
    options: dict[str, Any] = {
        "caption": media.get("caption"),
        "parse_mode": media.get("parse_mode"),
        "filename": name,
    }
    if media["type"] == "photo":
        return InputMediaPhoto(source, **options)
    if media["type"] == "video":
        return InputMediaVideo(source, **options)
    return InputMediaDocument(source, **options)


async def _read(step: Step) -> dict[str, tuple[str, bytes]]:
    """The local files a step uploads (their names and bytes), read off the event loop (up
    to 50 MB each)."""
    return {
        field: (
            step.names.get(field, Path(path).name),
            await asyncio.to_thread(Path(path).read_bytes),
        )
        for field, path in step.files.items()
    }


def _file_id(message: Message) -> str | None:
    if message.photo:
        return message.photo[-1].file_id
    found = message.video or message.document
    return found.file_id if found is not None else None


async def send_step(
    bot: Bot,
    chat_id: int,
    step: Step,
    *,
    thread_id: int | None = None,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> tuple[str | None, ...]:
    """Send one step of a plan to a chat, with `reply_markup` in place of the plan's own;
    return the file_id of each message's file, in order (a local file is uploaded: its id is
    the one later sends reuse)."""
    params = step.params
    files = await _read(step)
    common: dict[str, Any] = {"chat_id": chat_id, "message_thread_id": thread_id}
    if step.method == "sendMediaGroup":
        media = [_input_media(m, files) for m in params["media"]]
        sent = await bot.send_media_group(media=media, **common)
        return tuple(_file_id(message) for message in sent)
    captioned = {
        "caption": params.get("caption"),
        "parse_mode": params.get("parse_mode"),
        "reply_markup": reply_markup,
        **common,
    }
    field = step.method.removeprefix("send").lower()  # photo, video, document
    name, source = files.get(field, (None, params.get(field, "")))
    if step.method == "sendPhoto":
        message = await bot.send_photo(photo=source, filename=name, **captioned)
    elif step.method == "sendVideo":
        message = await bot.send_video(video=source, filename=name, **captioned)
    elif step.method == "sendDocument":
        message = await bot.send_document(document=source, filename=name, **captioned)
    else:
        message = await bot.send_message(
            text=params["text"],
            parse_mode=params.get("parse_mode"),
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_markup=reply_markup,
            **common,
        )
    return (_file_id(message),)
