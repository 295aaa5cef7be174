"""Limits that the Bot API spec states only in prose, checked on decoded parameters.

Every failure is a contract violation by the bot: it raises ApiError(400, violation=True) with
Telegram's description where it is known.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from .html_entities import EntityParseError, FormattedText, parse, strip, utf16_len
from .models import ApiError, JsonDict

logger = logging.getLogger(__name__)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes of UTF-8
CALLBACK_ANSWER_LIMIT = 200
INLINE_RESULTS_LIMIT = 50
INLINE_RESULT_ID_LIMIT = 64  # bytes of UTF-8
COMMANDS_LIMIT = 100
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
COMMAND_DESCRIPTION_LIMIT = 256
ALBUM_LIMIT = 10

# Methods whose "text" parameter is the text of a message.
_MESSAGE_TEXT_METHODS = frozenset({"sendMessage", "editMessageText", "sendMessageDraft"})
# InlineKeyboardButton fields that make it do something; a button needs exactly one.
_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def _bad(reason: str) -> ApiError:
    return ApiError.bad_request(reason, violation=True)


def format_text(
    text: str, parse_mode: str | None, entities: list[JsonDict] | None
) -> FormattedText:
    """The text as Telegram stores it: parsed (or with the given entities) and trimmed."""
    if entities is not None:
        formatted = FormattedText(text, tuple(entities))
    else:
        try:
            formatted = parse(text, parse_mode)
        except EntityParseError as error:
            raise _bad(str(error)) from None
    return strip(formatted)


def _message_text(text: str, parse_mode: Any, entities: Any) -> FormattedText:
    formatted = format_text(text, parse_mode, entities)
    if not formatted.text:
        raise _bad("message text is empty")
    if utf16_len(formatted.text) > TEXT_LIMIT:
        raise _bad("message is too long")
    return formatted


def _caption(caption: str, parse_mode: Any, entities: Any) -> FormattedText:
    formatted = format_text(caption, parse_mode, entities)
    if utf16_len(formatted.text) > CAPTION_LIMIT:
        raise _bad("message caption is too long")
    return formatted


def check_request(method: str, params: JsonDict) -> dict[str, FormattedText]:
    """Check the prose limits of one request; return its parsed "text" and/or "caption"."""
    texts: dict[str, FormattedText] = {}
    if method in _MESSAGE_TEXT_METHODS and "text" in params:
        texts["text"] = _message_text(
            params["text"], params.get("parse_mode"), params.get("entities")
        )
    if "caption" in params:
        texts["caption"] = _caption(
            params["caption"], params.get("parse_mode"), params.get("caption_entities")
        )
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        check_inline_keyboard(markup)
    media = params.get("media")  # sendMediaGroup's array or editMessageMedia's one InputMedia
    for item in media if isinstance(media, list) else [media] if isinstance(media, dict) else []:
        _check_nested_content(item)
    checker = _METHOD_CHECKS.get(method)
    if checker is not None:
        checker(params)
    return texts


def caption_of(item: JsonDict) -> FormattedText | None:
    """The parsed caption of an InputMedia (None without one); check_request checked it."""
    if "caption" not in item:
        return None
    return _caption(item["caption"], item.get("parse_mode"), item.get("caption_entities"))


def check_inline_keyboard(markup: JsonDict) -> None:
    """Every button: non-empty text, exactly one action, callback_data of 1-64 bytes."""
    for row in markup["inline_keyboard"]:
        for button in row:
            if not button["text"].strip():
                raise _bad("BUTTON_TEXT_INVALID")
            actions = _BUTTON_ACTIONS.intersection(button)
            if not actions:
                raise _bad("text buttons are unallowed in the inline keyboard")
            if len(actions) > 1:
                raise _bad(f"a button must have exactly one action, got {sorted(actions)}")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                raise _bad("BUTTON_DATA_INVALID")


def _check_nested_content(item: JsonDict) -> None:
    """Captions and texts inside InputMedia and inline results obey the same limits."""
    if "caption" in item:
        _caption(item["caption"], item.get("parse_mode"), item.get("caption_entities"))
    content = item.get("input_message_content")
    if isinstance(content, dict) and "message_text" in content:
        _message_text(content["message_text"], content.get("parse_mode"), content.get("entities"))
    markup = item.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        check_inline_keyboard(markup)


def _check_callback_answer(params: JsonDict) -> None:
    if utf16_len(params.get("text", "")) > CALLBACK_ANSWER_LIMIT:
        raise _bad("MESSAGE_TOO_LONG")


def _check_inline_answer(params: JsonDict) -> None:
    results: list[JsonDict] = params["results"]
    if len(results) > INLINE_RESULTS_LIMIT:
        raise _bad("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        if not 1 <= len(result["id"].encode()) <= INLINE_RESULT_ID_LIMIT:
            raise _bad("RESULT_ID_INVALID")
        if result["id"] in seen:
            raise _bad("RESULT_ID_DUPLICATE")
        seen.add(result["id"])
        _check_nested_content(result)


def _check_commands(params: JsonDict) -> None:
    commands: list[JsonDict] = params["commands"]
    if len(commands) > COMMANDS_LIMIT:
        raise _bad("too many commands: at most 100 are allowed")
    for command in commands:
        if not COMMAND_RE.fullmatch(command["command"]):
            raise _bad("BOT_COMMAND_INVALID")
        if not 1 <= utf16_len(command["description"].strip()) <= COMMAND_DESCRIPTION_LIMIT:
            raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")


def _check_get_updates(params: JsonDict) -> None:
    if not 1 <= params.get("limit", 100) <= 100:
        raise _bad("limit must be between 1 and 100")
    if params.get("timeout", 0) < 0:
        raise _bad("timeout must be non-negative")


def _check_chat_action(params: JsonDict) -> None:
    if params["action"] not in CHAT_ACTIONS:
        raise _bad("wrong parameter action in request")


def _check_media_group(params: JsonDict) -> None:
    """The docs' rules for sendMediaGroup's media: 2-10 items, documents and audio only with
    their own kind ("must include 2-10 items"; Telegram's texts for 0 and 11, ours for 1)."""
    items: list[JsonDict] = params["media"]
    if not items:
        raise _bad("there are no messages to send")
    if len(items) > ALBUM_LIMIT:
        raise _bad("too many messages to send as an album")
    if len(items) < 2:
        raise _bad("media group must contain 2-10 items")
    kinds = {item["type"] for item in items}
    for kind in ("document", "audio"):  # "only grouped in an album with messages of the same type"
        if kind in kinds and len(kinds) > 1:
            raise _bad(f"{kind} can't be mixed with other media types")
    if len({bool(item.get("show_caption_above_media")) for item in items}) > 1:
        reason = "parameter show_caption_above_media must be the same for all messages"
        raise _bad(reason)


_METHOD_CHECKS = {
    "answerCallbackQuery": _check_callback_answer,
    "answerInlineQuery": _check_inline_answer,
    "setMyCommands": _check_commands,
    "getUpdates": _check_get_updates,
    "sendChatAction": _check_chat_action,
    "sendMediaGroup": _check_media_group,
}
