"""Media messages in the fake: sendPhoto and the other senders, sendMediaGroup, editMessageMedia
and getFile, with the rules of the Bot API docs and Telegram's own error answers.

Files are resolved by files.FileStore (file_id, URL, upload, attach://). The album rules the docs
state (2-10 items and documents and audio only among their own kind, checked in limits.py; what
an album's message may be edited to) are contract violations when broken; a file Telegram can't
use is not.
"""

from __future__ import annotations

import logging
from typing import Any

from .files import StoredFile
from .html_entities import FormattedText
from .limits import caption_of
from .messages import NOT_MODIFIED, Handler, MessageMethods
from .models import ApiError, ChatInfo, JsonDict, SentMessage

logger = logging.getLogger(__name__)

# Sender method -> the parameter holding the file, which is also the kind of the file.
SENDERS = {
    "sendPhoto": "photo",
    "sendDocument": "document",
    "sendVideo": "video",
    "sendAnimation": "animation",
    "sendAudio": "audio",
    "sendVoice": "voice",
}
EDITABLE = frozenset({"animation", "audio", "document", "photo", "video"})
ALBUM_WRONG_MEDIA = "can't use the media of the specified type in the album"


def _bad(reason: str, *, violation: bool = False) -> ApiError:
    return ApiError.bad_request(reason, violation=violation)


def _album_failure(position: int, error: ApiError) -> ApiError:
    """Telegram's answer when one message of an album could not be sent (its file failed)."""
    reason = error.description.removeprefix("Bad Request: ")
    if not reason[1:2].isupper() and reason[1:2] != "_":  # TDLib's own capitalisation
        reason = reason[:1].upper() + reason[1:]
    text = f'failed to send message #{position} with the error message "{reason}"'
    return ApiError(error.status, f"Bad Request: {text}", violation=error.violation)


def _album_allows(album_kind: str | None, kind: str) -> bool:
    """What a message of an album may be edited to: audio, document, else photo or video."""
    if album_kind in ("audio", "document"):
        return kind == album_kind
    return kind in ("photo", "video")


class MediaMethods(MessageMethods):
    """MessageMethods plus the media senders, albums, editMessageMedia and getFile."""

    def handlers(self) -> dict[str, Handler]:
        """Method name -> handler, for the dispatcher in methods.py."""
        handlers = super().handlers()
        for method, kind in SENDERS.items():
            handlers[method] = self._sender(kind)
        handlers["sendMediaGroup"] = self.send_media_group
        handlers["editMessageMedia"] = self.edit_message_media
        handlers["getFile"] = self.get_file
        return handlers

    def _sender(self, kind: str) -> Handler:
        """The handler of sendPhoto, sendDocument ...: resolve the file, then send it."""

        async def send(
            params: JsonDict, texts: dict[str, FormattedText], chat: ChatInfo | None
        ) -> JsonDict:
            source = self.world.files.source(kind, params[kind], params, in_media=False)
            stored = await self.world.files.load(kind, source, params)
            message = self._new_bot_message(
                params, chat, texts.get("caption"), params.get("caption")
            )
            self._set_media(message, stored, params)
            return self.world.message_json(message)

        return send

    @staticmethod
    def _set_media(message: SentMessage, stored: StoredFile, options: JsonDict) -> None:
        message.media, message.media_payload = stored.kind, stored.message_payload()
        message.show_caption_above_media = bool(options.get("show_caption_above_media"))
        message.has_media_spoiler = bool(options.get("has_spoiler"))

    async def send_media_group(
        self, params: JsonDict, texts: Any, chat: ChatInfo | None
    ) -> list[JsonDict]:
        """Send 2-10 messages sharing one media_group_id; each keeps its own caption.

        Every file is resolved before the first message is sent, so a failure sends nothing.
        """
        items: list[JsonDict] = params["media"]  # limits.py checked the docs' album rules
        if any(item["type"] == "live_photo" for item in items):
            raise _bad("live photos are not supported by the fake", violation=True)
        files = self.world.files
        sources = [files.source(i["type"], i["media"], params, in_media=True) for i in items]
        stored: list[StoredFile] = []
        for position, (item, source) in enumerate(zip(items, sources, strict=True), 1):
            try:
                stored.append(await files.load(item["type"], source, item))
            except ApiError as error:
                raise _album_failure(position, error) from None
        group_id = files.new_media_group_id()
        sent = []
        for item, file in zip(items, stored, strict=True):
            message = self._new_bot_message(params, chat, caption_of(item), item.get("caption"))
            message.parse_mode = item.get("parse_mode")
            message.media_group_id = group_id
            self._set_media(message, file, item)
            sent.append(self.world.message_json(message))
        return sent

    async def edit_message_media(
        self, params: JsonDict, texts: Any, chat: ChatInfo | None
    ) -> JsonDict:
        """Replace the message's media and caption (no caption in the InputMedia removes it).

        A text message may get media too (the docs: "or to add media to text messages").
        """
        message = self._editable(params, chat)
        item: JsonDict = params["media"]
        kind = item["type"]
        if kind not in EDITABLE:
            raise _bad(f"editing to {kind} is not supported by the fake", violation=True)
        if message.media is not None and message.media not in EDITABLE:
            raise _bad("there is no media in the message to edit")
        if message.media_group_id is not None and not _album_allows(message.media, kind):
            raise _bad(ALBUM_WRONG_MEDIA, violation=True)
        source = self.world.files.source(kind, item["media"], params, in_media=True)
        stored = await self.world.files.load(kind, source, item)
        caption = caption_of(item) or FormattedText("")
        markup = params.get("reply_markup")
        same_file = message.media_file.get("file_unique_id") == stored.file_unique_id
        if (
            message.media,
            same_file,
            message.text or "",
            message.entities,
            message.reply_markup,
        ) == (
            kind,
            True,
            caption.text,
            caption.entity_list(),
            markup,
        ):
            raise _bad(NOT_MODIFIED)
        self._set_media(message, stored, item)
        message.text, message.entities = caption.text, caption.entity_list()
        message.raw_text, message.parse_mode = item.get("caption"), item.get("parse_mode")
        message.reply_markup = markup
        message.edit_date = self.world.unix_now()
        return self.world.message_json(message)

    def get_file(self, params: JsonDict, texts: Any, chat: Any) -> JsonDict:
        """getFile: a File with a file_path, for files of up to 20 MB."""
        return self.world.files.get_file(params["file_id"])
