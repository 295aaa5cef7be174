"""Which updates the bot asks Telegram for, and decoding them one at a time.

python-telegram-bot decodes a getUpdates answer as a whole: one update its model cannot read
(a newer Bot API's fields) fails the lot, the offset never moves past it, and its Updater asks
for the same updates again at once, for as long as Telegram keeps them (24 hours). Here each
update is decoded on its own before PTB sees the answer (telemetry's getUpdates request calls
``readable_updates`` from ``parse_json_payload``, PTB's hook for reading answers); one that
cannot be decoded becomes a bare ``Update(update_id=N)``, so the offset moves on and nothing
handles it. The webhook route decodes with ``decode_update`` the same way. A skipped update is
logged once, by id and type, never by content (it may be a user's message), and counted.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, Final

from telegram import Update
from telegram._utils.types import JSONDict
from telegram.constants import UpdateType
from telegram.ext import ExtBot

logger = logging.getLogger(__name__)

#: The update types some handler takes, and so the only ones asked of Telegram (getUpdates and
#: setWebhook). Commands and the /read_<id> links are messages, edited ones too (PTB's
#: CommandHandler takes edited messages), and the link handler also takes channel posts;
#: buttons are callback queries; sharing is inline queries; membership is my_chat_member.
#: tests/test_updates_faults.py checks this against the registered handlers.
ALLOWED_UPDATES: Final[tuple[str, ...]] = (
    UpdateType.MESSAGE,
    UpdateType.EDITED_MESSAGE,
    UpdateType.CHANNEL_POST,
    UpdateType.EDITED_CHANNEL_POST,
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
    """The update in `data` (which has an int update_id); a bare one if PTB cannot read it."""
    try:
        return Update.de_json(data, bot)
    except Exception as error:
        update_id = int(data["update_id"])
        kind = update_kind(data)
        # The error's class only: its text may quote the update's content.
        logger.warning(
            "skipped update %d of type %s: python-telegram-bot cannot decode it (%s)",
            update_id,
            kind,
            type(error).__name__,
        )
        if on_skip is not None:
            on_skip(kind)
        update = Update(update_id=update_id)
        if bot is not None:
            update.set_bot(bot)
        return update


def has_update_id(data: object) -> bool:
    """Whether `data` is a JSON object with an integer update_id, as every update has."""
    if not isinstance(data, dict):
        return False
    update_id = data.get("update_id")
    return isinstance(update_id, int) and not isinstance(update_id, bool)


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
