"""Plain data of the fake Telegram: calls, chats, messages and Telegram's error answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]
_DOCUMENT_FIELDS = (
    "file_id",
    "file_unique_id",
    "thumbnail",
    "file_name",
    "mime_type",
    "file_size",
)


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
    """A file part of a multipart request: its name, type, size and bytes."""

    filename: str | None
    content_type: str
    size: int
    data: bytes = field(default=b"", repr=False, compare=False)


def message_count(method: str, params: JsonDict) -> int:
    """How many messages a call puts into a chat, as flood control counts them.

    An album (sendMediaGroup) of N items is N messages, and so are copyMessages and
    forwardMessages of N messages; chat actions and drafts are none.
    """
    if method in ("sendChatAction", "sendMessageDraft"):
        return 0
    if not method.startswith(("send", "copyMessage", "forwardMessage")):
        return 0
    several = params.get("media") if method == "sendMediaGroup" else params.get("message_ids")
    return max(1, len(several)) if isinstance(several, list) else 1


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

    @property
    def message_count(self) -> int:
        """How many messages the call put into a chat (0 unless it succeeded)."""
        return message_count(self.method, self.params) if self.status == 200 else 0


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
    ("photo", "document" ...) or is None for a text message; ``media_payload`` is its Bot API
    object (a photo's: the array of PhotoSize, smallest first), which the file properties read.
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
    media_group_id: str | None = None  # the album the message belongs to
    show_caption_above_media: bool = False
    has_media_spoiler: bool = False

    @property
    def from_bot(self) -> bool:
        """Whether the bot sent this message."""
        return bool(self.sender.get("is_bot"))

    @property
    def edited(self) -> bool:
        """Whether the message was edited since it was sent."""
        return self.edit_date is not None

    @property
    def caption_text(self) -> str | None:
        """The plain caption of a media message ("" when it has none); None for a text message."""
        return None if self.media is None else self.text or ""

    @property
    def media_file(self) -> JsonDict:
        """The Bot API object of the message's file (a photo's largest size); {} without one."""
        payload = self.media_payload
        if isinstance(payload, list):
            return payload[-1] if payload else {}
        return payload if isinstance(payload, dict) else {}

    @property
    def file_id(self) -> str | None:
        """The file_id of the message's file (a photo's largest size)."""
        return self.media_file.get("file_id")

    @property
    def file_ids(self) -> list[str]:
        """Every file_id the message carries: each size of a photo, else the one file."""
        payload = self.media_payload
        files = payload if isinstance(payload, list) else [self.media_file]
        return [f["file_id"] for f in files if "file_id" in f]

    @property
    def width(self) -> int | None:
        """Width of the photo (largest size), video, animation or sticker."""
        return self.media_file.get("width")

    @property
    def height(self) -> int | None:
        """Height of the photo (largest size), video, animation or sticker."""
        return self.media_file.get("height")

    @property
    def file_name(self) -> str | None:
        """The file name of a document, video, audio or animation, when it has one."""
        return self.media_file.get("file_name")

    @property
    def file_size(self) -> int | None:
        """The size in bytes of the message's file (a photo's largest size)."""
        return self.media_file.get("file_size")

    def _content(self) -> JsonDict:
        """The text and entities, or the media, caption and album of the Message."""
        if self.media is None:
            text: JsonDict = {"text": self.text or ""}
            return text | ({"entities": self.entities} if self.entities else {})
        content: JsonDict = {self.media: self.media_payload}
        if self.media == "animation":  # Telegram sets document too, for older clients
            payload = self.media_payload
            content["document"] = {k: v for k, v in payload.items() if k in _DOCUMENT_FIELDS}
        if self.text:
            content["caption"] = self.text
            if self.entities:
                content["caption_entities"] = self.entities
        if self.media_group_id is not None:
            content["media_group_id"] = self.media_group_id
        if self.show_caption_above_media:
            content["show_caption_above_media"] = True
        if self.has_media_spoiler:
            content["has_media_spoiler"] = True
        return content

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
        message.update(self._content())
        if self.reply_markup is not None:
            message["reply_markup"] = self.reply_markup
        return message
