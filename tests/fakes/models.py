"""Plain data of the fake Telegram: calls, chats, messages and Telegram's error answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


class ApiError(Exception):
    """A Bot API error answer: {"ok": false, "error_code", "description", "parameters"}.

    ``violation`` marks errors that mean the bot broke the Bot API contract (bad parameters,
    unparsable HTML ...), as opposed to errors a correct bot must expect (blocked, not modified).
    """

    def __init__(
        self,
        status: int,
        description: str,
        *,
        parameters: JsonDict | None = None,
        violation: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        self.violation = violation

    @classmethod
    def bad_request(cls, reason: str, *, violation: bool = False) -> ApiError:
        """A 400 answer with Telegram's "Bad Request: " prefix."""
        return cls(400, f"Bad Request: {reason}", violation=violation)

    def to_json(self) -> JsonDict:
        """The body Telegram sends for this error."""
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart request (only its metadata is kept)."""

    filename: str | None
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One request the bot made and the answer it got.

    ``at`` is ``time.monotonic()`` when the request arrived (for pacing checks); ``status`` 0
    means the fake dropped the connection without answering.
    """

    method: str
    params: JsonDict
    status: int
    response: JsonDict | None
    at: float


@dataclass(slots=True)
class ChatInfo:
    """A chat as the fake knows it, including what the tests did to it (blocked, migrated ...)."""

    id: int
    type: str  # "private", "group", "supergroup" or "channel"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    is_forum: bool = False
    bot_status: str = "member"  # the bot's ChatMember status in this chat
    forbidden: str | None = None  # 403 description for sends and edits, when set
    missing: bool = False  # every request naming this chat answers "chat not found"
    migrated_to: int | None = None
    menu_button: JsonDict | None = None
    # Users' ChatMember statuses here (creator, administrator, left …); others are members.
    member_status: dict[int, str] = field(default_factory=dict)

    def to_api(self) -> JsonDict:
        """The Bot API Chat object."""
        chat: JsonDict = {"id": self.id, "type": self.type}
        if self.type == "private":
            chat["first_name"] = self.first_name or "User"
        else:
            chat["title"] = self.title or f"Chat {self.id}"
        if self.username:
            chat["username"] = self.username
        if self.is_forum:
            chat["is_forum"] = True
        return chat


@dataclass(slots=True)
class SentMessage:
    """The current state of one message in a chat, as a user would see it now.

    ``text`` is the plain text (or the caption of a media message) after entity parsing and
    trimming; ``raw_text`` is what the bot sent (e.g. HTML). ``media`` names the media kind
    ("photo", "document" ...) or is None for a text message.
    """

    chat_id: int
    message_id: int
    date: int
    sender: JsonDict
    text: str | None
    raw_text: str | None = None
    parse_mode: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    reply_markup: JsonDict | None = None
    media: str | None = None
    media_payload: Any = None
    reply_to_message_id: int | None = None
    message_thread_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False

    @property
    def from_bot(self) -> bool:
        """Whether the bot sent this message."""
        return bool(self.sender.get("is_bot"))

    @property
    def edited(self) -> bool:
        """Whether the message was edited since it was sent."""
        return self.edit_date is not None

    def to_api(self, chat: JsonDict, *, reply_to: JsonDict | None = None) -> JsonDict:
        """The Bot API Message object for the current state."""
        message: JsonDict = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": chat,
            "from": self.sender,
        }
        if self.message_thread_id is not None:
            message["message_thread_id"] = self.message_thread_id
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.media is None:
            message["text"] = self.text or ""
            if self.entities:
                message["entities"] = self.entities
        else:
            message[self.media] = self.media_payload
            if self.text:
                message["caption"] = self.text
                if self.entities:
                    message["caption_entities"] = self.entities
        if self.reply_markup is not None:
            message["reply_markup"] = self.reply_markup
        return message
