"""Sending, editing and deleting messages in the fake, with Telegram's own error answers.

Media (sendPhoto ..., sendMediaGroup, editMessageMedia) builds on this in media.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .html_entities import FormattedText
from .models import ApiError, ChatInfo, JsonDict, SentMessage
from .world import World

logger = logging.getLogger(__name__)

Handler = Callable[[JsonDict, dict[str, FormattedText], ChatInfo | None], Any]

DELETE_WINDOW = timedelta(hours=48)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def _bad(reason: str, *, violation: bool = False) -> ApiError:
    return ApiError.bad_request(reason, violation=violation)


class MessageMethods:
    """sendMessage, editMessage*, deleteMessage(s) over a World."""

    def __init__(self, world: World) -> None:
        self.world = world

    def handlers(self) -> dict[str, Handler]:
        """Method name -> handler, for the dispatcher in methods.py."""
        return {
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "deleteMessages": self.delete_messages,
        }

    def _new_bot_message(
        self, params: JsonDict, chat: ChatInfo | None, text: FormattedText | None, raw: str | None
    ) -> SentMessage:
        assert chat is not None  # chat_id is required by the spec for every sender
        reply_to = self._replied_message_id(params, chat)
        message = self.world.new_message(
            chat.id, self.world.bot_sender, text.text if text else None
        )
        message.raw_text = raw
        message.parse_mode = params.get("parse_mode")
        message.entities = text.entity_list() if text else []
        message.reply_to_message_id = reply_to
        message.message_thread_id = params.get("message_thread_id")
        markup = params.get("reply_markup")
        # Only inline keyboards belong to a message; reply keyboards belong to the chat.
        message.reply_markup = markup if markup and "inline_keyboard" in markup else None
        return message

    def _replied_message_id(self, params: JsonDict, chat: ChatInfo) -> int | None:
        reply = params.get("reply_parameters")
        if reply is None:
            return None
        target = self.world.find_message(chat.id, reply["message_id"])
        if target is None or target.deleted:
            if reply.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        return target.message_id

    def send_message(
        self, params: JsonDict, texts: dict[str, FormattedText], chat: ChatInfo | None
    ) -> JsonDict:
        message = self._new_bot_message(params, chat, texts["text"], params["text"])
        return self.world.message_json(message)

    def _editable(self, params: JsonDict, chat: ChatInfo | None) -> SentMessage:
        if "inline_message_id" in params:
            raise _bad("editing inline messages is not supported by the fake", violation=True)
        if chat is None or "message_id" not in params:
            raise _bad("message identifier is not specified", violation=True)
        message = self.world.find_message(chat.id, params["message_id"])
        if message is None or message.deleted:
            raise _bad("message to edit not found")
        if not message.from_bot:
            raise _bad("message can't be edited")
        return message

    def _apply_edit(
        self, message: SentMessage, text: FormattedText | None, raw: str | None, params: JsonDict
    ) -> JsonDict:
        """Change the message; refuse when nothing would change, as Telegram does."""
        markup = params.get("reply_markup")  # omitted: the keyboard is removed
        new_text = message.text if text is None else text.text
        new_entities = message.entities if text is None else text.entity_list()
        if (new_text, new_entities, markup) == (
            message.text,
            message.entities,
            message.reply_markup,
        ):
            raise _bad(NOT_MODIFIED)
        if text is not None:
            message.text, message.entities, message.raw_text = new_text, new_entities, raw
            message.parse_mode = params.get("parse_mode")
        message.reply_markup = markup
        message.edit_date = self.world.unix_now()
        return self.world.message_json(message)

    def edit_message_text(
        self, params: JsonDict, texts: dict[str, FormattedText], chat: ChatInfo | None
    ) -> JsonDict:
        message = self._editable(params, chat)
        if "text" not in texts:
            raise _bad("message text is empty", violation=True)
        if message.media is not None:
            raise _bad("there is no text in the message to edit")
        return self._apply_edit(message, texts["text"], params["text"], params)

    def edit_message_caption(
        self, params: JsonDict, texts: dict[str, FormattedText], chat: ChatInfo | None
    ) -> JsonDict:
        message = self._editable(params, chat)
        if message.media is None:
            raise _bad("there is no caption in the message to edit")
        caption = texts.get("caption", FormattedText(""))
        return self._apply_edit(message, caption, params.get("caption"), params)

    def edit_message_reply_markup(self, params: JsonDict, texts: Any, chat: Any) -> JsonDict:
        return self._apply_edit(self._editable(params, chat), None, None, params)

    def _delete(self, chat: ChatInfo, message_id: int) -> None:
        message = self.world.find_message(chat.id, message_id)
        if message is None or message.deleted:
            raise _bad("message to delete not found")
        if self.world.now() - datetime.fromtimestamp(message.date, UTC) > DELETE_WINDOW:
            raise _bad("message can't be deleted for everyone")
        message.deleted = True

    def delete_message(self, params: JsonDict, texts: Any, chat: ChatInfo | None) -> bool:
        assert chat is not None
        self._delete(chat, params["message_id"])
        return True

    def delete_messages(self, params: JsonDict, texts: Any, chat: ChatInfo | None) -> bool:
        """Delete 1-100 messages; those that can't be deleted are skipped, as Telegram does."""
        assert chat is not None
        if not 1 <= len(params["message_ids"]) <= 100:
            raise _bad("message_ids must hold 1-100 identifiers", violation=True)
        for message_id in params["message_ids"]:
            try:
                self._delete(chat, message_id)
            except ApiError:
                continue
        return True
