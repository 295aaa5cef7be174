"""A small Bot API server on 127.0.0.1 for `pressbot console`: Telegram for one local user.

The bot talks to it exactly as to api.telegram.org (python-telegram-bot for replies, sender.py
for broadcasts); it answers the methods pressbot uses in Telegram's JSON shapes (the media
ones in local_media.py), keeps the messages of the local user's chat and the files it learns,
and reports what the bot shows there to ``on_output``. Messages to other chats (subscribers of
a copied database) are accepted and not shown. getFile's files are served at
``/file/bot<token>/<file_path>``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from pressbot.console.chat import (
    BOT_USER,
    NOT_MODIFIED,
    ApiError,
    BotOutput,
    JsonDict,
    LocalChat,
    LocalFile,
    bot_sender,
)
from pressbot.console.files import FileStore, check_caption
from pressbot.console.local_media import MediaMethods
from pressbot.console.markup import parse, utf16_len
from pressbot.console.styles import as_sent, plain, text_of
from pressbot.core.media import UPLOAD_LIMITS, MediaKind

logger = logging.getLogger(__name__)

TOKEN = "1:console"  # noqa: S105 - not a secret: the local server takes no other
__all__ = ["BOT_USER", "NOT_MODIFIED", "TOKEN", "LocalBotApi"]
# Form-encoded parameters that stay strings even when they look like JSON ("text": "42").
_STRING_PARAMS = frozenset(
    {"text", "caption", "callback_query_id", "parse_mode", "url", "language_code", "query"}
    | {"photo", "video", "document", "thumbnail", "cover", "file_id"}
)
#: The largest request: a 50 MB upload (Telegram's limit for a bot) and its other fields.
_MAX_REQUEST = UPLOAD_LIMITS["other"] + 2**20


class LocalBotApi:
    """The server: getUpdates from the local user's queue, the bot's messages to ``on_output``."""

    def __init__(self, user: JsonDict, on_output: Callable[[BotOutput], None]) -> None:
        self.local = LocalChat(user)
        self.on_output = on_output
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self.files = FileStore()
        media = MediaMethods(self.local, self.files, on_output)
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._methods: dict[str, Callable[[JsonDict], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_text,
            "editMessageReplyMarkup": self._edit_message,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            **media.handlers(),
        }
        self._downloads = media.download

    @property
    def base_url(self) -> str:
        """What PRESSBOT_API_BASE_URL is for the console (the token is appended)."""
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        """Where getFile's files are downloaded from (the token is appended)."""
        return f"http://127.0.0.1:{self._port}/file/bot"

    async def start(self) -> None:
        """Listen on an ephemeral port of 127.0.0.1."""
        app = web.Application(client_max_size=_MAX_REQUEST)
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close the server."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.files.close()

    # -- what the local user does -------------------------------------------------------------

    def user_sends(self, typed: str) -> None:
        """The local user writes ``typed``: its ``*bold*``, ``_italic_`` and ``[label](url)``
        become entities (markup.py), and a leading /command is marked as Telegram marks it."""
        text, entities = parse(typed)
        message = self.local.add(self.local.user, plain(text), None)
        payload = self.local.to_api(message)
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            marked = {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            entities = [marked, *entities]
        if entities:
            payload["entities"] = entities
        self._push("message", payload)

    def user_sends_file(self, kind: MediaKind, path: str, typed: str) -> LocalFile:
        """The local user sends the file at ``path`` as a photo, video or document, as a
        Telegram app would, with the caption ``typed`` (markup.py); LocalFileError (nothing
        sent) when it can't be sent."""
        caption, entities = parse(typed)
        check_caption(caption)
        file = self.files.read_user_file(kind, path)
        message = self.local.add(self.local.user, plain(caption), None, file)
        payload = self.local.to_api(message)
        if entities:
            payload["caption_entities"] = entities
        self._push("message", payload)
        return file

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
        except web.HTTPRequestEntityTooLarge:  # over 50 MB, as api.telegram.org answers it
            return _error(ApiError(413, "Request Entity Too Large"))
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.StreamResponse:
        """GET /file/bot<token>/<file_path>: a file getFile gave the path of."""
        if request.match_info["token"] != TOKEN:
            return _error(ApiError(401, "Unauthorized"))
        path = self._downloads(request.match_info["file_path"])
        if path is None:
            return _error(ApiError(404, "Not Found"))
        return web.FileResponse(path)

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
        shown = as_sent(params["text"], params.get("parse_mode"))
        markup = params.get("reply_markup")
        markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        if chat_id != self.local.user["id"]:
            return self.local.elsewhere(chat_id, text_of(shown))
        message = self.local.add(bot_sender(), shown, markup)
        self.on_output(BotOutput("sent", message))
        return self.local.to_api(message)

    async def _edit_text(self, params: JsonDict) -> JsonDict:
        if int(params["chat_id"]) == self.local.user["id"]:
            message = self.local.bot_message(int(params.get("message_id", 0)))
            if message.file is not None:
                raise ApiError(400, "Bad Request: there is no text in the message to edit")
        return await self._edit_message(params)

    async def _edit_message(self, params: JsonDict) -> JsonDict:
        chat_id = int(params["chat_id"])
        if chat_id != self.local.user["id"]:
            return self.local.elsewhere(chat_id, params.get("text", ""))
        message = self.local.bot_message(int(params.get("message_id", 0)))
        shown = message.shown
        if "text" in params:
            shown = as_sent(params["text"], params.get("parse_mode"))
        markup = params.get("reply_markup")  # omitted: the buttons go, as in Telegram
        # The same text with other styles is modified, as Telegram compares the entities too.
        if (shown, markup) == (message.shown, message.reply_markup):
            raise ApiError(400, NOT_MODIFIED)
        message.shown, message.reply_markup, message.edited = shown, markup, True
        self.on_output(BotOutput("edited", message))
        return self.local.to_api(message)

    async def _delete_message(self, params: JsonDict) -> bool:
        if int(params["chat_id"]) == self.local.user["id"]:
            message = self.local.bot_message(int(params.get("message_id", 0)))
            del self.local.messages[message.message_id]
            self.on_output(BotOutput("deleted", message))
        return True

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
