"""What users do in the fake Telegram: write, press buttons, type inline queries, block the bot.

Each action queues the update a real Telegram would deliver to the bot.
"""

from __future__ import annotations

import logging
from typing import Any

from .html_entities import find_entities
from .models import JsonDict
from .world import World, forbidden_description

logger = logging.getLogger(__name__)


class UserActions(World):
    """The World plus the actions of its users (tests call these on FakeBotApi)."""

    def _user(self, user_id: int, first_name: str, username: str | None, lang: str) -> JsonDict:
        user: JsonDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        user["language_code"] = lang
        self.users[user_id] = user
        return user

    def user_sends(self, text: str, **options: Any) -> JsonDict:
        """A user writes ``text`` to the bot; queue the update and return the Message.

        The Message is user_message's, which takes and documents the same options.
        """
        payload = self.user_message(text, **options)
        self.push_update("message", payload)
        return payload

    def user_message(
        self,
        text: str,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "Anna",
        username: str | None = None,
        language_code: str = "en",
        entities: list[JsonDict] | None = None,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
    ) -> JsonDict:
        """A user writes ``text`` to the bot: store the message and return it, unqueued.

        ``make_update("message", user_message(...))`` is then the update Telegram would send,
        e.g. to post to a webhook. Entities default to what Telegram detects itself (a
        leading /command becomes a bot_command entity, also /command@botname; URLs,
        @mentions, #hashtags too).
        """
        if chat_id is None:
            if chat_type != "private":
                raise ValueError("a group message needs a negative chat_id")
            chat_id = user_id
        chat = self.chats.get(chat_id) or self.add_chat(chat_id, chat_type)
        if chat.type == "private":  # a private chat shows the user's own name
            chat.first_name, chat.username = first_name, username
        sender = self._user(user_id, first_name, username, language_code)
        message = self.new_message(chat_id, sender, text)
        message.raw_text = text
        message.entities = find_entities(text) if entities is None else entities
        message.reply_to_message_id = reply_to_message_id
        message.message_thread_id = message_thread_id  # a topic of a forum supergroup
        payload = self.message_json(message)
        if message_thread_id is not None:
            payload["is_topic_message"] = True
        return payload

    def user_presses(
        self,
        message_id: int,
        chat_id: int,
        callback_data: str,
        *,
        user_id: int = 1001,
        language_code: str = "en",
    ) -> str:
        """A user presses the inline button with ``callback_data``; return the query id.

        Raises AssertionError when the message or the button is not there to press.
        """
        message = self.find_message(chat_id, message_id)
        if message is None or message.deleted:
            raise AssertionError(f"no message {message_id} in chat {chat_id} to press on")
        rows = (message.reply_markup or {}).get("inline_keyboard", [])
        data = [button.get("callback_data") for row in rows for button in row]
        if callback_data not in data:
            raise AssertionError(
                f"message {message_id} in chat {chat_id} has no button {callback_data!r}; "
                f"its buttons carry {data!r}"
            )
        known = self.users.get(user_id, {})
        user = self._user(
            user_id, known.get("first_name", "Anna"), known.get("username"), language_code
        )
        query_id = str(next(self._query_ids))
        query = {
            "id": query_id,
            "from": user,
            "message": self.message_json(message),
            "chat_instance": str(abs(chat_id) * 7919 % 10**15),
            "data": callback_data,
        }
        self.open_callbacks[query_id] = query
        self.push_update("callback_query", query)
        return query_id

    def user_inline_query(self, query: str, *, user_id: int = 1001, offset: str = "") -> str:
        """A user types ``@bot query``; queue the inline query and return its id."""
        known = self.users.get(user_id, {})
        user = self._user(user_id, known.get("first_name", "Anna"), known.get("username"), "en")
        query_id = str(next(self._query_ids))
        payload = {"id": query_id, "from": user, "query": query, "offset": offset}
        payload["chat_type"] = "sender"
        self.open_inline_queries[query_id] = payload
        self.push_update("inline_query", payload)
        return query_id

    def chat_member_update(
        self,
        chat_id: int,
        new_status: str,
        *,
        old_status: str | None = None,
        chat_type: str | None = None,
        title: str | None = None,
        user_id: int = 1001,
    ) -> JsonDict:
        """The bot's membership changes (my_chat_member): added, made admin, left, kicked.

        In a private chat "kicked" means the user blocked the bot and "member" that they
        unblocked it. The chat's state follows, so later sends answer as Telegram would.
        """
        if chat_id not in self.chats and chat_type is not None:
            self.add_chat(chat_id, chat_type, title)
        chat = self.chat(chat_id)
        old = old_status or chat.bot_status
        chat.bot_status = new_status
        stays = new_status in ("member", "administrator")
        chat.forbidden = None if stays else forbidden_description(chat)
        known = self.users.get(user_id, {})
        user = self._user(user_id, known.get("first_name", "Anna"), known.get("username"), "en")
        payload = {
            "chat": chat.to_api(),
            "from": user,
            "date": self.unix_now(),
            "old_chat_member": self.chat_member(old, self.bot_sender),
            "new_chat_member": self.chat_member(new_status, self.bot_sender),
        }
        self.push_update("my_chat_member", payload)
        return payload
