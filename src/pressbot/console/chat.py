"""The console's one chat: its messages and the updates waiting for the bot, in Bot API shapes."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


@dataclass
class ChatMessage:
    """A message in the local chat, as the console shows it."""

    chat_id: int
    message_id: int
    date: int
    sender: JsonDict
    text: str
    reply_markup: JsonDict | None = None
    edited: bool = False


@dataclass(frozen=True, slots=True)
class BotOutput:
    """Something the local user sees: a message sent, edited or deleted, or a notice."""

    kind: str  # "sent", "edited", "deleted" or "notice"
    message: ChatMessage | None
    notice: str = ""


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
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def chat(self) -> JsonDict:
        """The Bot API Chat of the private chat."""
        return {"id": self.user["id"], "type": "private", "first_name": self.user["first_name"]}

    def add(self, sender: JsonDict, text: str, markup: JsonDict | None) -> ChatMessage:
        """Store a new message with the chat's next message id."""
        message_id = next(self._ids)  # shared by the user and the bot; never reused
        message = ChatMessage(self.user["id"], message_id, int(time.time()), sender, text, markup)
        self.messages[message_id] = message
        return message

    def to_api(self, message: ChatMessage) -> JsonDict:
        """The Bot API Message for a stored message."""
        payload: JsonDict = {
            "message_id": message.message_id,
            "from": message.sender,
            "chat": self.chat,
            "date": message.date,
            "text": message.text,
        }
        if message.reply_markup:
            payload["reply_markup"] = message.reply_markup
        if message.edited:
            payload["edit_date"] = int(time.time())
        return payload
