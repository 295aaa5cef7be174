"""python-telegram-bot's rate limiter over the shared sending budget (budget.SendBudget).

PTB's own AIORateLimiter keeps a budget of its own, which the delivery engine cannot see: a
broadcast at 25 a second and readers' replies together then passed Telegram's ~30. This
limiter takes every reply, progress edit and other message from the same budget as the
engine's broadcasts, with replies first; a 429 answered here pauses the engine too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, Final

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from pressbot.delivery.budget import SendBudget

logger = logging.getLogger(__name__)

#: Calls that are not messages (answers to buttons and inline queries, getUpdates, getMe,
#: getChatMember …) are not counted by Telegram's message limits and pass freely.
_MESSAGE_METHODS: Final = ("send", "edit", "copy", "forward", "delete")


def counts_as_message(endpoint: str) -> bool:
    """Whether a Bot API method sends, changes or removes a message in a chat."""
    return endpoint.startswith(_MESSAGE_METHODS) and endpoint != "sendChatAction"


class SharedRateLimiter(BaseRateLimiter[int]):
    """Waits for the shared budget before each message; retries a 429 after pausing all sends."""

    def __init__(self, budget: SendBudget, max_retries: int = 3) -> None:
        self._budget = budget
        self._max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(  # noqa: PLR0917 - BaseRateLimiter's signature
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Run the request within the budget; on a 429 pause everything and try again."""
        counted = counts_as_message(endpoint)
        chat_id = _chat_id(data.get("chat_id"))
        retries = rate_limit_args if rate_limit_args is not None else self._max_retries
        attempt = 0
        while True:
            if counted:
                await self._budget.for_reply(chat_id)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                self._budget.pause(retry_after_seconds(error))
                if attempt >= retries:
                    raise
                attempt += 1
                logger.info("Telegram asked to wait (429) before %s; every send paused", endpoint)


def retry_after_seconds(error: RetryAfter) -> float:
    """How long a 429 asks to wait; a timedelta with PTB_TIMEDELTA (see app.py), else int."""
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def _chat_id(value: object) -> int | None:
    """The chat id a request names, when it is a numeric one (an @username is a channel)."""
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return -1  # a channel's @username: limited like a group
    return None
