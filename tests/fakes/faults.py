"""Telegram's errors on demand (fail_next, fail_for), its flood control (429 with retry_after)
and updates from a newer Telegram than the bot's library knows."""

from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass

from .models import ApiError, ChatInfo, JsonDict, message_count

logger = logging.getLogger(__name__)

_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
PAID_BROADCAST_LIMIT = 1000  # messages per second with allow_paid_broadcast
PRIVATE_CHAT_WINDOW = (1, 1.0)  # about one message per second in a private chat
GROUP_CHAT_WINDOW = (20, 60.0)  # twenty messages per minute in a group


def counts_as_message(method: str) -> bool:
    """Whether flood control counts the method as a message sent."""
    return message_count(method, {}) > 0


def too_many_requests(retry_after: int) -> ApiError:
    """Telegram's 429 answer."""
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        parameters={"retry_after": retry_after},
    )


def error_answer(
    status: int,
    description: str | None = None,
    *,
    retry_after: int | None = None,
    migrate_to_chat_id: int | None = None,
) -> ApiError:
    """Telegram's answer for this status, with its usual description and parameters."""
    if migrate_to_chat_id is not None:
        text = description or "Bad Request: group chat was upgraded to a supergroup chat"
        return ApiError(status, text, parameters={"migrate_to_chat_id": migrate_to_chat_id})
    if status == 429:
        error = too_many_requests(retry_after or 1)
        error.description = description or error.description
        return error
    return ApiError(status, description or _DESCRIPTIONS.get(status, f"Error {status}"))


@dataclass(slots=True)
class FailRule:
    """The next ``times`` calls of ``method`` (to ``chat_id``, if set) fail with ``error``."""

    method: str
    error: ApiError
    chat_id: int | None
    times: int

    @classmethod
    def build(
        cls,
        method: str,
        status: int,
        description: str | None,
        *,
        retry_after: int | None,
        migrate_to_chat_id: int | None,
        chat_id: int | None,
        times: int,
    ) -> FailRule:
        """A rule with Telegram's description and parameters for this kind of failure."""
        error = error_answer(
            status, description, retry_after=retry_after, migrate_to_chat_id=migrate_to_chat_id
        )
        return cls(method, error, chat_id, times)

    def matches(self, method: str, params: JsonDict) -> bool:
        """Whether this call is one the rule fails."""
        if self.times <= 0 or method != self.method:
            return False
        return self.chat_id is None or params.get("chat_id") == self.chat_id


@dataclass(frozen=True, slots=True)
class FailWindow:
    """Every call of ``method`` fails with ``status`` until ``until`` (``time.monotonic``)."""

    method: str
    status: int
    description: str | None
    until: float

    def error(self) -> ApiError:
        """A fresh error for one call.

        Raising one exception object for thousands of calls would keep growing its traceback.
        """
        return error_answer(self.status, self.description)


def undecodable_poll(poll_id: str) -> JsonDict:
    """A Poll as a newer Bot API might send it, which python-telegram-bot 22.8 cannot decode.

    Its second option carries only media, no ``text``: Bot API 10.0 (what PTB 22.8 models)
    and 10.1 (the fake's spec) both require PollOption.text, so ``PollOption.__init__``
    raises ``TypeError: missing 1 required positional argument: 'text'`` and with it
    ``telegram.Update.de_json`` of any update carrying the poll. Everything else is valid.
    """
    photo = {"file_id": "AgADBAAD-newer", "file_unique_id": "AQADnewer", "width": 90, "height": 90}
    return {
        "id": poll_id,
        "question": "Which cover?",
        "options": [
            {"persistent_id": "opt-1", "text": "Text only", "voter_count": 1},
            {"persistent_id": "opt-2", "media": {"photo": [photo]}, "voter_count": 0},
        ],
        "total_voter_count": 1,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": True,
        "members_only": False,
    }


class FloodControl:
    """Sliding-window limits on messages sent, answering 429 as Telegram does.

    ``rate_limit`` caps messages per second over all chats (``allow_paid_broadcast`` raises it
    to 1000); ``per_chat`` adds about 1/s per private chat and 20/min per group. Only accepted
    messages count. Time is real (``time.monotonic``), not the fake's clock.
    """

    def __init__(self, rate_limit: int | None = None, per_chat: bool = False) -> None:
        self.rate_limit = rate_limit
        self.per_chat = per_chat
        self.rejected = 0
        self._sent: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = {}

    def admit(self, method: str, params: JsonDict, chat: ChatInfo | None, now: float) -> None:
        """Count one call; raise the 429 ApiError when it would exceed a limit."""
        sent = message_count(method, params)
        if not sent or (self.rate_limit is None and not self.per_chat):
            return
        limit = PAID_BROADCAST_LIMIT if params.get("allow_paid_broadcast") else self.rate_limit
        retry = 0.0
        if limit is not None:
            retry = _wait_needed(self._sent, limit, 1.0, now, sent)
        chat_window: deque[float] | None = None
        if self.per_chat and chat is not None:
            count, seconds = PRIVATE_CHAT_WINDOW if chat.type == "private" else GROUP_CHAT_WINDOW
            chat_window = self._per_chat.setdefault(chat.id, deque())
            retry = max(retry, _wait_needed(chat_window, count, seconds, now, sent))
        if retry > 0:
            self.rejected += 1
            raise too_many_requests(max(1, math.ceil(retry)))
        self._sent.extend([now] * sent)
        if chat_window is not None:
            chat_window.extend([now] * sent)


def _wait_needed(
    window: deque[float], count: int, seconds: float, now: float, sent: int = 1
) -> float:
    """Forget entries older than the window; return how long until ``sent`` more fit (0: now).

    A batch larger than the window's whole count (an album of 10 in a private chat) needs the
    window empty and then goes out at once, as Telegram lets an album through.
    """
    while window and window[0] <= now - seconds:
        window.popleft()
    room = count - min(sent, count)  # entries that may stay in the window
    if len(window) <= room:
        return 0.0
    return window[-room - 1] + seconds - now
