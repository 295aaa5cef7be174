"""The console's one chat: its messages and the updates waiting for the bot, in Bot API shapes."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressbot.console.styles import Text, text_of
from pressbot.core.media import MediaKind

JsonDict = dict[str, Any]

BOT_USER: JsonDict = {
    "id": 1,
    "is_bot": True,
    "first_name": "Press Bot",
    "username": "pressbot_console_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are"
    " exactly the same as a current content and reply markup of the message"
)


def bot_sender() -> JsonDict:
    """The ``from`` of the bot's messages."""
    return {key: BOT_USER[key] for key in ("id", "is_bot", "first_name", "username")}


@dataclass(eq=False)
class LocalFile:
    """A photo, video or document the console knows under a file_id it issued.

    It is a local file (one the user sent, or one the bot uploaded, kept in a folder of the
    console's own) or a URL the bot gave, which the console shows and never fetches.
    """

    kind: MediaKind
    file_id: str
    file_unique_id: str
    path: Path | None = None
    url: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None  # bytes
    width: int | None = None  # None: not known (a URL, an image header the console can't read)
    height: int | None = None
    duration: int | None = None  # seconds, of a video
    thumbnail: LocalFile | None = None  # a photo's smaller size, a file_id of its own
    file_path: str | None = None  # where getFile serves a local file

    def to_api(self) -> JsonDict | list[JsonDict]:
        """Message.photo (an array of PhotoSize, smallest first), Message.video or .document."""
        if self.kind is MediaKind.PHOTO:
            sizes = [self.thumbnail, self] if self.thumbnail else [self]
            return [size.photo_size() for size in sizes]
        payload: JsonDict = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.kind is MediaKind.VIDEO:
            payload |= {
                "width": self.width or 0,
                "height": self.height or 0,
                "duration": self.duration or 0,
            }
        optional = {"file_name": self.file_name, "mime_type": self.mime_type}
        return payload | _known(optional | {"file_size": self.size})

    def photo_size(self) -> JsonDict:
        """The PhotoSize of this size of a photo."""
        payload = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width or 0,
            "height": self.height or 0,
        }
        return payload | _known({"file_size": self.size})


def _known(values: JsonDict) -> JsonDict:
    return {key: value for key, value in values.items() if value is not None}


@dataclass
class ChatMessage:
    """A message in the local chat, as the console shows it; ``shown`` is a media's caption."""

    chat_id: int
    message_id: int
    date: int
    sender: JsonDict
    shown: Text  # what the reader sees, with its bold, italic and links
    reply_markup: JsonDict | None = None
    edited: bool = False
    file: LocalFile | None = None
    media_group_id: str | None = None

    @property
    def text(self) -> str:
        """The message's text (or caption) without its styles."""
        return text_of(self.shown)


@dataclass(frozen=True, slots=True)
class BotOutput:
    """Something the local user sees: a message sent, edited or deleted, or a notice.

    ``album`` holds every message of an album the bot sent at once (``message`` is its first).
    """

    kind: str  # "sent", "edited", "deleted" or "notice"
    message: ChatMessage | None
    notice: str = ""
    album: tuple[ChatMessage, ...] = ()


class ApiError(Exception):
    """A Bot API error answer."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


@dataclass
class LocalChat:
    """The one private chat of the console: its user, messages and update queue."""

    user: JsonDict
    messages: dict[int, ChatMessage] = field(default_factory=dict)
    updates: list[JsonDict] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    open_queries: dict[str, int] = field(default_factory=dict)
    #: The files of messages to chats the console does not show, by (chat_id, message_id).
    other_files: dict[tuple[int, int], LocalFile] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _other_ids: dict[int, Iterator[int]] = field(default_factory=dict)

    @property
    def chat(self) -> JsonDict:
        """The Bot API Chat of the private chat."""
        return {"id": self.user["id"], "type": "private", "first_name": self.user["first_name"]}

    def add(
        self,
        sender: JsonDict,
        shown: Text,
        markup: JsonDict | None,
        file: LocalFile | None = None,
        media_group_id: str | None = None,
    ) -> ChatMessage:
        """Store a new message with the chat's next message id."""
        message_id = next(self._ids)  # shared by the user and the bot; never reused
        message = ChatMessage(self.user["id"], message_id, int(time.time()), sender, shown, markup)
        message.file, message.media_group_id = file, media_group_id
        self.messages[message_id] = message
        return message

    def to_api(self, message: ChatMessage) -> JsonDict:
        """The Bot API Message for a stored message."""
        payload: JsonDict = {
            "message_id": message.message_id,
            "from": message.sender,
            "chat": self.chat,
            "date": message.date,
            **_content(message.text, message.file, message.media_group_id),
        }
        if message.reply_markup:
            payload["reply_markup"] = message.reply_markup
        if message.edited:
            payload["edit_date"] = int(time.time())
        return payload

    def bot_message(self, message_id: int) -> ChatMessage:
        """The bot's message ``message_id`` of the chat, to edit; ApiError if there is none."""
        message = self.messages.get(message_id)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not message.sender.get("is_bot"):
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def elsewhere(
        self,
        chat_id: int,
        text: str,
        file: LocalFile | None = None,
        *,
        message_id: int | None = None,
        media_group_id: str | None = None,
    ) -> JsonDict:
        """A message to a chat the console does not show: accepted, as Telegram would."""
        if message_id is None:
            message_id = next(self._other_ids.setdefault(chat_id, itertools.count(1)))
        if file is not None:
            self.other_files[chat_id, message_id] = file
        chat: JsonDict = {"id": chat_id, "type": "channel", "title": "Channel"}
        if chat_id > 0:
            chat = {"id": chat_id, "type": "private", "first_name": "Reader"}
        return {
            "message_id": message_id,
            "from": bot_sender(),
            "chat": chat,
            "date": int(time.time()),
            **_content(text, file, media_group_id),
        }


def _content(text: str, file: LocalFile | None, media_group_id: str | None) -> JsonDict:
    """A Message's text, or its photo, video or document with the caption and album."""
    if file is None:
        return {"text": text}
    content: JsonDict = {file.kind.value: file.to_api()}
    if text:
        content["caption"] = text
    if media_group_id:
        content["media_group_id"] = media_group_id
    return content
