"""Which updates the bot asks Telegram for, and decoding them one at a time.

python-telegram-bot decodes a getUpdates answer as a whole: one update its model cannot read
(a newer Bot API's fields) fails the lot, the offset never moves past it, and its Updater asks
for the same updates again at once, for as long as Telegram keeps them (24 hours). Here each
update is decoded on its own before PTB sees the answer (telemetry's getUpdates request calls
``readable_updates`` from ``parse_json_payload``, PTB's hook for reading answers); one that
cannot be decoded becomes a bare ``Update(update_id=N)``, so the offset moves on and nothing
handles it. The webhook route decodes with ``decode_update`` the same way (and answers 400).

PTB's decoding is lenient: a message without a chat, or with a string for the chat's id,
decodes, and a handler fails on it later. So a decoded update is also checked against PTB's
own signatures (``check_shape``): each required field present, each field of its declared
type. One that fails counts as undecodable too. A skipped update is logged once, by id and
type (and the failing field's name), never by content (it may be a user's message), and
counted.
"""

from __future__ import annotations

import datetime as dtm
import inspect
import logging
import re
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any, Final

import telegram
from telegram import TelegramObject, Update
from telegram._utils.types import JSONDict
from telegram.constants import UpdateType
from telegram.ext import ExtBot

logger = logging.getLogger(__name__)

#: The update types the bot acts on, and so the only ones asked of Telegram (getUpdates and
#: setWebhook). Commands and the /read_<id> links are messages; buttons are callback queries;
#: sharing is inline queries; membership is my_chat_member. Not edited messages (an edited
#: command would run again) nor channel posts (nothing is read or set in a channel: its
#: releases come from PRESSBOT_CHANNEL_IDS, and its removal of the bot from my_chat_member),
#: though PTB's CommandHandler and MessageHandler would take them: handlers/screening.py stops
#: any update of another type that arrives all the same (a forged webhook POST).
#: tests/test_updates_faults.py checks this against the registered handlers and the screen.
ALLOWED_UPDATES: Final[tuple[str, ...]] = (
    UpdateType.MESSAGE,
    UpdateType.CALLBACK_QUERY,
    UpdateType.INLINE_QUERY,
    UpdateType.MY_CHAT_MEMBER,
)

#: Told the update's type when one is skipped (the metrics count it).
OnSkip = Callable[[str], None]

_KIND = re.compile(r"[a-z_]{1,40}")


def update_kind(data: JSONDict) -> str:
    """The update's type: its one key besides update_id ("message", "poll" ...)."""
    kind = next((key for key in data if key != "update_id"), "none")
    # A key name only, never a value; and a bounded label even if Telegram sent something odd.
    return kind if isinstance(kind, str) and _KIND.fullmatch(kind) else "other"


def is_skipped(update: Update) -> bool:
    """Whether the update is the bare stand-in of one that could not be decoded."""
    return not any(getattr(update, kind, None) for kind in Update.ALL_TYPES)


def decode_update(data: JSONDict, bot: ExtBot[Any] | None, on_skip: OnSkip | None) -> Update:
    """The update in `data` (which has an update_id); a bare one if it is not a valid update."""
    try:
        update = Update.de_json(data, bot)
        check_shape(update)
    except Exception as error:  # PTB's decoding of outside input fails in any way it likes
        update_id = int(data["update_id"])
        kind = update_kind(data)
        # The error's class only, or our own error's field name: PTB's text may quote content.
        reason = str(error) if isinstance(error, UpdateShapeError) else type(error).__name__
        logger.warning(
            "skipped update %d of type %s: not an update python-telegram-bot can read (%s)",
            update_id,
            kind,
            reason,
        )
        if on_skip is not None:
            on_skip(kind)
        update = Update(update_id=update_id)
        if bot is not None:
            update.set_bot(bot)
    return update


#: Telegram's update ids are positive and grow by one; SQLite keeps them as signed 64-bit.
_MAX_UPDATE_ID: Final = 2**63 - 1


def has_update_id(data: object) -> bool:
    """Whether `data` is a JSON object with an update_id such as every update has."""
    if not isinstance(data, dict):
        return False
    update_id = data.get("update_id")
    return (
        isinstance(update_id, int)
        and not isinstance(update_id, bool)
        and 0 <= update_id <= _MAX_UPDATE_ID
    )


class UpdateShapeError(ValueError):
    """A decoded update lacks a required field or has one of the wrong type.

    Its text names the field (``message.chat.id: not int``), never the value.
    """


def check_shape(update: Update) -> None:
    """Raise UpdateShapeError unless every field of `update` is as PTB's signatures declare."""
    _check_object(update, "update")


def _check_object(obj: TelegramObject, path: str) -> None:
    for name, (hint, required) in _fields(type(obj)).items():
        value = getattr(obj, name)
        if value is None:
            if required:
                raise UpdateShapeError(f"{path}.{name}: missing")
            continue
        if not _fits(value, hint, f"{path}.{name}"):
            raise UpdateShapeError(f"{path}.{name}: not {_hint_name(hint)}")


def _fits(value: object, hint: Any, path: str) -> bool:  # noqa: PLR0911 - one case a kind of hint
    """Whether `value` is of the type `hint`; a TelegramObject's own fields are checked too."""
    origin = typing.get_origin(hint)
    if hint is Any or isinstance(hint, typing.TypeVar):
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, option, path) for option in typing.get_args(hint))
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if origin in (Sequence, tuple, list):
        if not isinstance(value, tuple | list):
            return False
        [item_hint, *_] = typing.get_args(hint) or (Any,)
        return all(_fits(item, item_hint, f"{path}[]") for item in value)
    if origin is not None:
        return isinstance(value, origin)  # dict[...] and the like: the container only
    if hint is type(None):
        return value is None
    if not isinstance(hint, type):
        return True  # a form of hint PTB's incoming objects do not use: not ours to judge
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if not isinstance(value, hint):
        return False
    if isinstance(value, TelegramObject):
        _check_object(value, path)
    return True


def _hint_name(hint: Any) -> str:
    return hint.__name__ if isinstance(hint, type) else str(hint).replace("telegram.", "")


def _fields(cls: type[TelegramObject]) -> dict[str, tuple[Any, bool]]:
    """A class's fields as its __init__ declares them: name -> (type hint, required).

    Only parameters kept in a slot of the same name: the rest (PTB's durations, kept as
    ``_duration``) are properties that may warn when read.
    """
    fields = _FIELDS.get(cls)
    if fields is None:
        init = inspect.getattr_static(cls, "__init__")
        hints = typing.get_type_hints(init, localns={**vars(telegram), "dtm": dtm})
        slots = {slot for klass in cls.__mro__ for slot in getattr(klass, "__slots__", ())}
        fields = {
            name: (hints[name], parameter.default is inspect.Parameter.empty)
            for name, parameter in inspect.signature(init).parameters.items()
            if name in slots and name in hints and name != "api_kwargs"
        }
        _FIELDS[cls] = fields
    return fields


_FIELDS: dict[type[TelegramObject], dict[str, tuple[Any, bool]]] = {}


def readable_updates(result: object, on_skip: OnSkip | None) -> object:
    """A getUpdates result with each update PTB cannot decode replaced by ``{"update_id": N}``.

    Anything but a list of updates is returned as it came, for PTB to judge.
    """
    if not isinstance(result, list):
        return result
    readable = []
    for item in result:
        if not has_update_id(item):
            logger.warning("getUpdates answered an entry without an update_id; dropped")
            continue
        update = decode_update(item, None, on_skip)
        readable.append({"update_id": update.update_id} if is_skipped(update) else item)
    return readable
