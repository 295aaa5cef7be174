"""What each Bot API method does to the fake's world, with Telegram's own error answers.

Each handler gets the decoded, validated parameters, the parsed text/caption and the target chat
(already checked for "chat not found", migration and 403), and returns the Bot API result.
Sending, editing and deleting messages live in messages.py, media and files in media.py; the
rest is here. A handler may be a coroutine function (media fetched from a URL).
"""

from __future__ import annotations

import logging
from typing import Any

from .html_entities import FormattedText
from .media import MediaMethods
from .messages import Handler
from .models import ApiError, ChatInfo, JsonDict
from .spec import MethodSpec
from .world import World, commands_scope_key

logger = logging.getLogger(__name__)


def is_delivery(method: str) -> bool:
    """Whether the method puts something into a chat (a 403 chat refuses it)."""
    return method.startswith(("send", "edit", "copyMessage", "forwardMessage", "stop"))


def _bad(reason: str, *, violation: bool = False) -> ApiError:
    return ApiError.bad_request(reason, violation=violation)


class Methods:
    """Bot API method implementations over a World."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._handlers: dict[str, Handler] = {
            "getMe": lambda p, t, c: world.bot_user,
            "logOut": lambda p, t, c: True,
            "close": lambda p, t, c: True,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "answerCallbackQuery": self.answer_callback_query,
            "answerInlineQuery": self.answer_inline_query,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "getChatAdministrators": self.get_chat_administrators,
            "leaveChat": self.leave_chat,
        }
        self._handlers.update(MediaMethods(world).handlers())

    def target_chat(self, method: str, params: JsonDict) -> ChatInfo | None:
        """The chat the request names, refusing it the way Telegram would."""
        if "chat_id" not in params:
            return None
        chat_id = params["chat_id"]
        chat = self.world.chat_by_username(chat_id) if isinstance(chat_id, str) else None
        if isinstance(chat_id, int):
            chat = self.world.chat(chat_id)
        if chat is None or chat.missing:
            raise _bad("chat not found")
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                parameters={"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.forbidden and is_delivery(method):
            raise ApiError(403, chat.forbidden)
        return chat

    def call(
        self,
        spec: MethodSpec,
        params: JsonDict,
        texts: dict[str, FormattedText],
        chat: ChatInfo | None,
    ) -> Any:
        """Run the method; methods the fake does not model answer True if they return Boolean.

        The result is awaitable when the handler is a coroutine function: await it then.
        """
        handler = self._handlers.get(spec.name)
        if handler is not None:
            return handler(params, texts, chat)
        if spec.returns == ("Boolean",):
            return True
        raise _bad(f"method {spec.name} is not supported by the fake", violation=True)

    # -- webhook ------------------------------------------------------------------------------

    def set_webhook(self, params: JsonDict, texts: Any, chat: Any) -> bool:
        self.world.webhook_url = params["url"]
        if params.get("drop_pending_updates"):
            self.world.drop_updates()
        return True

    def delete_webhook(self, params: JsonDict, texts: Any, chat: Any) -> bool:
        self.world.webhook_url = ""
        if params.get("drop_pending_updates"):
            self.world.drop_updates()
        return True

    def get_webhook_info(self, params: JsonDict, texts: Any, chat: Any) -> JsonDict:
        pending = len(self.world.pending_updates)
        return {
            "url": self.world.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
        }

    # -- queries ------------------------------------------------------------------------------

    def answer_callback_query(self, params: JsonDict, texts: Any, chat: Any) -> bool:
        query_id = params["callback_query_id"]
        if self.world.open_callbacks.pop(query_id, None) is None:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        self.world.answered_callbacks[query_id] = params
        return True

    def answer_inline_query(self, params: JsonDict, texts: Any, chat: Any) -> bool:
        query_id = params["inline_query_id"]
        if self.world.open_inline_queries.pop(query_id, None) is None:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        self.world.answered_inline_queries[query_id] = params
        return True

    # -- commands and menu --------------------------------------------------------------------

    @staticmethod
    def _commands_key(params: JsonDict) -> tuple[str, str]:
        return commands_scope_key(params.get("scope")), params.get("language_code", "")

    def set_my_commands(self, params: JsonDict, texts: Any, chat: Any) -> bool:
        self.world.scoped_commands[self._commands_key(params)] = params["commands"]
        return True

    def get_my_commands(self, params: JsonDict, texts: Any, chat: Any) -> list[JsonDict]:
        return self.world.scoped_commands.get(self._commands_key(params), [])

    def delete_my_commands(self, params: JsonDict, texts: Any, chat: Any) -> bool:
        self.world.scoped_commands.pop(self._commands_key(params), None)
        return True

    def set_chat_menu_button(self, params: JsonDict, texts: Any, chat: Any) -> bool:
        button = params.get("menu_button", {"type": "default"})
        self.world.menu_buttons[params.get("chat_id")] = button
        return True

    def get_chat_menu_button(self, params: JsonDict, texts: Any, chat: Any) -> JsonDict:
        buttons = self.world.menu_buttons
        return buttons.get(params.get("chat_id"), buttons.get(None, {"type": "default"}))

    # -- chats --------------------------------------------------------------------------------

    def get_chat(self, params: JsonDict, texts: Any, chat: ChatInfo | None) -> JsonDict:
        assert chat is not None
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts"), False)
        gifts.update(premium_subscription=False, gifts_from_channels=False)
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    def get_chat_member(self, params: JsonDict, texts: Any, chat: ChatInfo | None) -> JsonDict:
        assert chat is not None
        user_id = params["user_id"]
        if user_id == self.world.bot_user["id"]:
            return self.world.chat_member(chat.bot_status, self.world.bot_sender)
        user = self.world.users.get(
            user_id, {"id": user_id, "is_bot": False, "first_name": "User"}
        )
        return self.world.chat_member(chat.member_status.get(user_id, "member"), user)

    def get_chat_administrators(
        self, params: JsonDict, texts: Any, chat: ChatInfo | None
    ) -> list[JsonDict]:
        assert chat is not None
        if chat.type == "private":
            raise _bad("there are no administrators in the private chat")
        owner = {"id": 1, "is_bot": False, "first_name": "Owner"}
        admins = [self.world.chat_member("creator", owner)]
        for user_id, status in chat.member_status.items():
            if status in ("creator", "administrator"):
                user = self.world.users.get(
                    user_id, {"id": user_id, "is_bot": False, "first_name": "User"}
                )
                admins.append(self.world.chat_member(status, user))
        if chat.bot_status == "administrator":
            admins.append(self.world.chat_member("administrator", self.world.bot_sender))
        return admins

    def leave_chat(self, params: JsonDict, texts: Any, chat: ChatInfo | None) -> bool:
        assert chat is not None
        if chat.type == "private":
            raise _bad("chat member status can't be changed in private chats")
        chat.bot_status = "left"
        chat.forbidden = f"Forbidden: bot is not a member of the {chat.type} chat"
        return True
