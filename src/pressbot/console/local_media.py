"""The local Bot API's media methods: photos, videos and documents, albums, their edits, files.

A file comes as a file_id the console issued, an http(s) URL (kept and shown, not fetched),
or a multipart upload: the part named for the parameter, or ``attach://<part>`` inside an
InputMedia. Answers are Telegram's Message, Array of Message, File and errors.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from pressbot.console.chat import (
    NOT_MODIFIED,
    ApiError,
    BotOutput,
    ChatMessage,
    JsonDict,
    LocalChat,
    LocalFile,
    bot_sender,
)
from pressbot.console.files import WRONG_FILE, FileStore
from pressbot.console.styles import Text, as_sent, strip, text_of
from pressbot.core.media import ALBUM_LIMIT, CAPTION_LIMIT, MediaKind

logger = logging.getLogger(__name__)

Handler = Callable[[JsonDict], Awaitable[Any]]
#: What Telegram's Bot API lets a bot download with getFile (20 MB).
DOWNLOAD_LIMIT = 20 * 2**20
NO_MEDIA = "Bad Request: can't parse InputMedia: media not found"


class MediaMethods:
    """sendPhoto, sendVideo, sendDocument, sendMediaGroup, editMessageCaption,
    editMessageMedia, deleteMessages and getFile, on the local chat and its files."""

    def __init__(
        self, local: LocalChat, files: FileStore, on_output: Callable[[BotOutput], None]
    ) -> None:
        self.local, self.files, self.on_output = local, files, on_output
        self._albums = itertools.count(1)

    def handlers(self) -> dict[str, Handler]:
        """The Bot API methods this class answers, by name."""
        return {
            "sendPhoto": functools.partial(self._send, MediaKind.PHOTO),
            "sendVideo": functools.partial(self._send, MediaKind.VIDEO),
            "sendDocument": functools.partial(self._send, MediaKind.DOCUMENT),
            "sendMediaGroup": self._send_media_group,
            "editMessageCaption": self._edit_caption,
            "editMessageMedia": self._edit_media,
            "deleteMessages": self._delete_messages,
            "getFile": self._get_file,
        }

    def download(self, file_path: str) -> Path | None:
        """The local file getFile gave ``file_path`` for, if it is still there."""
        path = self.files.paths.get(file_path)
        return path if path is not None and path.is_file() else None

    # -- sending ------------------------------------------------------------------------------

    async def _send(self, kind: MediaKind, params: JsonDict) -> JsonDict:
        chat_id = _chat_id(params)
        if params.get(kind.value) in (None, ""):
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        caption = _caption(params)
        file = self._file(kind, params[kind.value], params, params)
        markup = _markup(params)
        if chat_id != self.local.user["id"]:
            return self.local.elsewhere(chat_id, text_of(caption), file)
        message = self.local.add(bot_sender(), caption, markup, file)
        self.on_output(BotOutput("sent", message))
        return self.local.to_api(message)

    async def _send_media_group(self, params: JsonDict) -> list[JsonDict]:
        """An album: 2 to 10 messages sharing a media_group_id (one item is one message)."""
        chat_id = _chat_id(params)
        items = params.get("media")
        if not isinstance(items, list) or not items:
            raise ApiError(400, "Bad Request: there are no messages to send")
        if len(items) > ALBUM_LIMIT:
            raise ApiError(400, "Bad Request: too many messages to send as an album")
        kinds = [_input_media_kind(item) for item in items]
        if MediaKind.DOCUMENT in kinds and len(set(kinds)) > 1:
            raise ApiError(400, "Bad Request: document can't be mixed with other media types")
        captions = [_caption(item) for item in items]
        files = [
            self._file(kind, item.get("media"), params, item)
            for kind, item in zip(kinds, items, strict=True)
        ]
        album = str(next(self._albums)) if len(items) > 1 else None
        if chat_id != self.local.user["id"]:
            return [
                self.local.elsewhere(chat_id, text_of(caption), file, media_group_id=album)
                for caption, file in zip(captions, files, strict=True)
            ]
        messages = [
            self.local.add(bot_sender(), caption, None, file, album)
            for caption, file in zip(captions, files, strict=True)
        ]
        self.on_output(BotOutput("sent", messages[0], album=tuple(messages)))
        return [self.local.to_api(message) for message in messages]

    def _file(self, kind: MediaKind, value: Any, params: JsonDict, item: JsonDict) -> LocalFile:
        """The file a parameter names: an upload, an attach:// part, a URL or a file_id."""
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
            if not isinstance(value, web.FileField):
                raise ApiError(400, NO_MEDIA)
        if isinstance(value, web.FileField):
            return self.files.add_upload(kind, value, item)
        if not isinstance(value, str) or not value:
            raise ApiError(400, WRONG_FILE)
        if value.startswith(("http://", "https://")):
            return self.files.add_url(kind, value, item)
        if value.startswith("file:"):
            # python-telegram-bot makes a path in an InputMedia a file:// URI, which only a
            # local Bot API server reads: Telegram refuses it, and so does the console.
            logger.warning("console: %s names %s; Telegram reads no file:// URIs", kind, value)
        return self.files.known(kind, value)

    # -- editing and deleting -----------------------------------------------------------------

    async def _edit_caption(self, params: JsonDict) -> JsonDict:
        chat_id, message_id = _chat_id(params), int(params.get("message_id", 0))
        caption = _caption(params)
        if chat_id != self.local.user["id"]:
            file = self.local.other_files.get((chat_id, message_id))
            return self.local.elsewhere(chat_id, text_of(caption), file, message_id=message_id)
        message = self.local.bot_message(message_id)
        if message.file is None:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        return self._edited(message, message.file, caption, params.get("reply_markup"))

    async def _edit_media(self, params: JsonDict) -> JsonDict:
        """New media in place of a message's: in an album, a document stays a document."""
        chat_id, message_id = _chat_id(params), int(params.get("message_id", 0))
        media = params.get("media")
        if not isinstance(media, dict):
            raise ApiError(400, "Bad Request: can't parse media JSON object")
        kind = _input_media_kind(media)
        caption = _caption(media)
        file = self._file(kind, media.get("media"), params, media)
        if chat_id != self.local.user["id"]:
            return self.local.elsewhere(chat_id, text_of(caption), file, message_id=message_id)
        message = self.local.bot_message(message_id)
        if message.file is None:
            raise ApiError(400, "Bad Request: there is no media in the message to edit")
        was_document = message.file.kind is MediaKind.DOCUMENT
        if message.media_group_id and was_document != (kind is MediaKind.DOCUMENT):
            raise ApiError(400, "Bad Request: can't change media type in the album")
        return self._edited(message, file, caption, params.get("reply_markup"))

    def _edited(
        self, message: ChatMessage, file: LocalFile, caption: Text, markup: JsonDict | None
    ) -> JsonDict:
        """Apply an edit (markup omitted: the buttons go, as in Telegram) and show it."""
        before = (message.file and message.file.file_id, message.shown, message.reply_markup)
        if (file.file_id, caption, markup) == before:
            raise ApiError(400, NOT_MODIFIED)
        message.file, message.shown, message.reply_markup = file, caption, markup
        message.edited = True
        self.on_output(BotOutput("edited", message))
        return self.local.to_api(message)

    async def _delete_messages(self, params: JsonDict) -> bool:
        """Delete those there are (the bot's, and the user's: a private chat); skip the rest."""
        chat_id, message_ids = _chat_id(params), params.get("message_ids")
        if not isinstance(message_ids, list) or not message_ids:
            raise ApiError(400, "Bad Request: message identifiers are not specified")
        if chat_id == self.local.user["id"]:
            for message_id in message_ids:
                message = self.local.messages.pop(int(message_id), None)
                if message is not None:
                    self.on_output(BotOutput("deleted", message))
        return True

    # -- files --------------------------------------------------------------------------------

    async def _get_file(self, params: JsonDict) -> JsonDict:
        """A File: with a file_path to download a local file from; a URL's has none."""
        file = self.files.get(str(params.get("file_id", "")))
        answer: JsonDict = {"file_id": file.file_id, "file_unique_id": file.file_unique_id}
        if file.path is not None and file.file_path is not None:
            size = file.path.stat().st_size if file.path.is_file() else (file.size or 0)
            if size > DOWNLOAD_LIMIT:
                raise ApiError(400, "Bad Request: file is too big")
            answer |= {"file_size": size, "file_path": file.file_path}
        return answer


def _chat_id(params: JsonDict) -> int:
    try:
        return int(params["chat_id"])
    except (KeyError, TypeError, ValueError):
        raise ApiError(400, "Bad Request: chat not found") from None


def _caption(params: JsonDict) -> Text:
    """The caption a reader sees; as Telegram, no longer than 1,024 characters."""
    raw = params.get("caption")
    if not isinstance(raw, str):
        return ()
    caption = strip(as_sent(raw, params.get("parse_mode")))
    if len(text_of(caption)) > CAPTION_LIMIT:
        raise ApiError(400, "Bad Request: message caption is too long")
    return caption


def _markup(params: JsonDict) -> JsonDict | None:
    markup = params.get("reply_markup")
    return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None


def _input_media_kind(item: Any) -> MediaKind:
    """The kind of an InputMedia: a photo, a video or a document (the console's media)."""
    if not isinstance(item, dict):
        raise ApiError(400, "Bad Request: can't parse media JSON object")
    kind = str(item.get("type"))
    try:
        return MediaKind(kind)
    except ValueError:
        raise ApiError(
            400, f'Bad Request: can\'t parse InputMedia: type "{kind}" is unsupported'
        ) from None
