"""One sending budget for everything the bot sends: replies first, broadcasts with the rest.

Telegram allows a bot about 30 messages a second overall (paid broadcasts: up to 1,000), about
one a second to a private chat and 20 a minute to a group, and answers 429 with retry_after past
that. Replies and progress edits (python-telegram-bot, through ``SharedRateLimiter``) and
broadcasts and digests (the delivery engine) draw from this one budget, so together they stay
under the limit. Broadcasts leave two tokens in the bucket for replies, and a reply waiting
takes the next token before any broadcast does, so a reader never waits behind a broadcast.
A 429 answered to any call pauses every send for retry_after.

Without paid broadcasts a broadcast needs a token of the overall budget and one of its own rate
(PRESSBOT_BROADCAST_RATE); with them, releases use their own 1,000 a second and replies keep the
overall budget to themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Final

from pressbot.delivery.pacing import ChatPacing, TokenBucket

#: Sends a second overall, and the burst the bucket holds: no sliding second holds more than
#: OVERALL_BURST + OVERALL_RATE = 29, under Telegram's ~30 with a margin for network jitter.
OVERALL_RATE: Final = 26.0
OVERALL_BURST: Final = 3.0
#: Tokens broadcasts leave in the bucket: a reply finds one there at once instead of waiting for
#: the next one to drip in behind a broadcast.
REPLY_RESERVE: Final = 2.0


class _Pulse:
    """Wakes every coroutine waiting now on each fire()."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(seconds, 0.0))


class SendBudget:
    """The shared budget; ``monotonic`` is the clock its waits are measured by."""

    def __init__(
        self,
        broadcast_rate: float,
        *,
        paid_broadcast: bool = False,
        overall_rate: float = OVERALL_RATE,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.paid_broadcast = paid_broadcast
        self._monotonic = monotonic
        self._overall = TokenBucket(overall_rate, burst=OVERALL_BURST)
        self._broadcasts = TokenBucket(broadcast_rate, burst=max(1.0, broadcast_rate / 10))
        self.chats = ChatPacing()
        self._paused_until = 0.0
        self._replies_waiting = 0
        self._changed = _Pulse()

    # -- 429 ----------------------------------------------------------------------------------

    def pause(self, seconds: float) -> None:
        """Telegram answered 429: no send of any kind for ``seconds``."""
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    @property
    def paused_for(self) -> float:
        """Seconds left of a 429 pause (0 when none)."""
        return max(0.0, self._paused_until - self._monotonic())

    async def _wait_out_pause(self) -> None:
        while (left := self.paused_for) > 0:  # noqa: ASYNC110 - a computed time, not an event
            await asyncio.sleep(left)

    # -- replies ------------------------------------------------------------------------------

    async def for_reply(self, chat_id: int | None) -> None:
        """Wait for a reply's turn: a 429 pause, a group's 20 a minute, then the overall rate."""
        while True:
            await self._wait_out_pause()
            now = self._monotonic()
            # A reply to a private chat answers the reader's own message: it does not wait for
            # that chat's one-a-second pace (broadcasts to the chat do, see below).
            if chat_id is not None and chat_id < 0:
                group_wait = self.chats.wait_time(chat_id, now)
                if group_wait > 0:
                    await asyncio.sleep(group_wait)
                    continue
            wait = self._overall.wait_time(now)
            if wait <= 0:
                self._overall.take(now)
                if chat_id is not None:
                    self.chats.record(chat_id, now)
                self._changed.fire()
                return
            # Only a reply waiting for the overall rate holds broadcasts back.
            self._replies_waiting += 1
            try:
                await asyncio.sleep(wait)
            finally:
                self._replies_waiting -= 1

    # -- broadcasts ---------------------------------------------------------------------------

    def chat_wait(self, chat_id: int, messages: int = 1) -> float:
        """Seconds until this chat may get `messages` more (0: now)."""
        return self.chats.wait_time(chat_id, self._monotonic(), messages)

    async def for_broadcast(self, chat_id: int, messages: int = 1) -> None:
        """Wait for a broadcast's turn, after every waiting reply; then count it as sent.

        `messages`: a copy of several (an album and its words) takes that many of the
        overall and broadcast budgets, one after another, and counts as that many to its
        chat, so the chat's next message waits for all of them; the copy's own messages
        follow each other at once, as one unit.
        """
        taken = 0
        while True:
            await self._wait_out_pause()
            now = self._monotonic()
            wait = self._broadcasts.wait_time(now)
            if taken == 0:
                wait = max(wait, self.chats.wait_time(chat_id, now, messages))
            if not self.paid_broadcast:
                wait = max(wait, self._overall.wait_time(now, reserve=REPLY_RESERVE))
                if self._replies_waiting and wait <= 0:
                    # Replies go first: wait until they have taken their tokens.
                    await self._changed.wait(1.0 / self._overall.rate)
                    continue
            if wait <= 0:
                self._broadcasts.take(now)
                if not self.paid_broadcast:
                    self._overall.take(now)
                taken += 1
                if taken >= messages:
                    self.chats.record(chat_id, now, messages)
                    return
                continue
            await self._changed.wait(wait)

    def forget_idle_chats(self) -> None:
        """Drop per-chat records that no longer limit anything (keeps memory small)."""
        self.chats.forget_before(self._monotonic())
