"""A small Bot API server on 127.0.0.1 for `pressbot console`: Telegram for one local user.

The bot talks to it exactly as to api.telegram.org (python-telegram-bot for replies, sender.py
for broadcasts); it answers the methods pressbot uses in Telegram's JSON shapes, keeps the
messages of the local user's chat, and reports what the bot shows there to ``on_output``.
Messages to other chats (subscribers of a copied database) are accepted and not shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from pressbot.console.chat import ApiError, BotOutput, ChatMessage, JsonDict, LocalChat
from pressbot.console.display import html_to_text

logger = logging.getLogger(__name__)

TOKEN = "1:console"  # noqa: S105 - not a secret: the local server takes no other
BOT_USER: JsonDict = {
    "id": 1,
    "is_bot": True,
    "first_name": "Press Bot",
    "username": "pressbot_console_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Form-encoded parameters that stay strings even when they look like JSON ("text": "42").
_STRING_PARAMS = frozenset(
    {"text", "caption", "callback_query_id", "parse_mode", "url", "language_code", "query"}
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are"
    " exactly the same as a current content and reply markup of the message"
)


class LocalBotApi:
    """The server: getUpdates from the local user's queue, the bot's messages to ``on_output``."""

    def __init__(self, user: JsonDict, on_output: Callable[[BotOutput], None]) -> None:
        self.local = LocalChat(user)
        self.on_output = on_output
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._other_chats: dict[int, itertools.count[int]] = {}
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._methods: dict[str, Callable[[JsonDict], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message,
            "editMessageReplyMarkup": self._edit_message,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
        }

    @property
    def base_url(self) -> str:
        """What PRESSBOT_API_BASE_URL is for the console (the token is appended)."""
        return f"http://127.0.0.1:{self._port}/bot"

    async def start(self) -> None:
        """Listen on an ephemeral port of 127.0.0.1."""
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close the server."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- what the local user does -------------------------------------------------------------

    def user_sends(self, text: str) -> None:
        """The local user writes ``text``; a leading /command is marked as Telegram marks it."""
        message = self.local.add(self.local.user, text, None)
        payload = self.local.to_api(message)
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            length = len(command.encode("utf-16-le")) // 2
            payload["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        self._push("message", payload)

    def user_presses(self, message_id: int, callback_data: str) -> bool:
        """The local user presses a button under a bot message; False if it is gone."""
        message = self.local.messages.get(message_id)
        if message is None:
            return False
        query_id = str(next(self._query_ids))
        self.local.open_queries[query_id] = message_id
        self._push(
            "callback_query",
            {
                "id": query_id,
                "from": self.local.user,
                "message": self.local.to_api(message),
                "chat_instance": str(self.local.user["id"]),
                "data": callback_data,
            },
        )
        return True

    def _push(self, kind: str, payload: JsonDict) -> None:
        self.local.updates.append({"update_id": next(self._update_ids), kind: payload})
        self.local.arrived.set()

    # -- HTTP ---------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != TOKEN:
            return _error(ApiError(401, "Unauthorized"))
        handler = self._methods.get(method)
        try:
            if handler is None:
                # setMyCommands, deleteWebhook …: nothing to show, so "done", as Telegram says.
                logger.info("console: %s is not modelled; answering True", method)
                return web.json_response({"ok": True, "result": True})
            result = await handler(await _read_params(request))
        except ApiError as error:
            return _error(error)
        return web.json_response({"ok": True, "result": result})

    # -- methods ------------------------------------------------------------------------------

    async def _get_me(self, params: JsonDict) -> JsonDict:
        return BOT_USER

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        """Long poll; an update is forgotten once a later offset confirms it, as in Telegram."""
        local = self.local
        offset = int(params.get("offset", 0))
        local.updates = [update for update in local.updates if update["update_id"] >= offset]
        if not local.updates and float(params.get("timeout", 0)) > 0:
            local.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(local.arrived.wait(), float(params["timeout"]))
        return local.updates[: int(params.get("limit", 100))]

    async def _send_message(self, params: JsonDict) -> JsonDict:
        chat_id = int(params["chat_id"])
        text = html_to_text(params["text"]) if params.get("parse_mode") else params["text"]
        markup = params.get("reply_markup")
        markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        if chat_id != self.local.user["id"]:
            return self._elsewhere(chat_id, text)
        message = self.local.add(_sender(), text, markup)
        self.on_output(BotOutput("sent", message))
        return self.local.to_api(message)

    async def _edit_message(self, params: JsonDict) -> JsonDict:
        chat_id = int(params["chat_id"])
        if chat_id != self.local.user["id"]:
            return self._elsewhere(chat_id, params.get("text", ""))
        message = self._bot_message(params)
        text = message.text
        if "text" in params:
            raw = params["text"]
            text = html_to_text(raw) if params.get("parse_mode") else raw
        markup = params.get("reply_markup")  # omitted: the buttons go, as in Telegram
        if (text, markup) == (message.text, message.reply_markup):
            raise ApiError(400, NOT_MODIFIED)
        message.text, message.reply_markup, message.edited = text, markup, True
        self.on_output(BotOutput("edited", message))
        return self.local.to_api(message)

    async def _delete_message(self, params: JsonDict) -> bool:
        if int(params["chat_id"]) == self.local.user["id"]:
            message = self._bot_message(params)
            del self.local.messages[message.message_id]
            self.on_output(BotOutput("deleted", message))
        return True

    def _bot_message(self, params: JsonDict) -> ChatMessage:
        message = self.local.messages.get(int(params.get("message_id", 0)))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not message.sender.get("is_bot"):
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _elsewhere(self, chat_id: int, text: str) -> JsonDict:
        """A message to a chat the console does not show: accepted, as Telegram would."""
        message_ids = self._other_chats.setdefault(chat_id, itertools.count(1))
        chat: JsonDict = {"id": chat_id, "type": "channel", "title": "Channel"}
        if chat_id > 0:
            chat = {"id": chat_id, "type": "private", "first_name": "Reader"}
        return {
            "message_id": next(message_ids),
            "from": _sender(),
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }

    async def _answer_callback_query(self, params: JsonDict) -> bool:
        if self.local.open_queries.pop(str(params["callback_query_id"]), None) is None:
            raise ApiError(400, "Bad Request: query is too old or query ID is invalid")
        if params.get("text"):
            self.on_output(BotOutput("notice", None, params["text"]))
        return True

    async def _get_chat(self, params: JsonDict) -> JsonDict:
        return {**self.local.chat, "accent_color_id": 0, "max_reaction_count": 11}

    async def _get_chat_member(self, params: JsonDict) -> JsonDict:
        return {"status": "member", "user": self.local.user}


def _sender() -> JsonDict:
    return {key: BOT_USER[key] for key in ("id", "is_bot", "first_name", "username")}


def _error(error: ApiError) -> web.Response:
    body = {"ok": False, "error_code": error.status, "description": error.description}
    return web.json_response(body, status=error.status)


async def _read_params(request: web.Request) -> JsonDict:
    """JSON bodies (sender.py) as they are; form fields (python-telegram-bot) decoded."""
    if request.content_type == "application/json":
        body = await request.json()
        return body if isinstance(body, dict) else {}
    params: JsonDict = {}
    for name, value in (await request.post()).items():
        if not isinstance(value, str) or name in _STRING_PARAMS:
            params[name] = value
            continue
        try:
            params[name] = json.loads(value)
        except ValueError:
            params[name] = value
    return params
