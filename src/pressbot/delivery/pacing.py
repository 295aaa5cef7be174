"""Telegram's sending limits as plain arithmetic over a monotonic `now` (seconds).

About 30 messages a second overall (1,000 with paid broadcasts), about one a second to the
same chat, and 20 a minute to the same group; and the backoff every retry of the bot waits
out. The engine asks before each send; nothing here sleeps or reads a clock, so tests can drive
it with any times.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

PRIVATE_CHAT_INTERVAL = 1.0
GROUP_WINDOW = 60.0
GROUP_MESSAGES_PER_WINDOW = 20
#: Refilling by float arithmetic leaves 0.99999999… of a token now and then: that is one.
_EPSILON = 1e-9


def backoff_delay(attempt: int, first: float, cap: float) -> float:
    """Seconds to wait after the ``attempt``-th failed try (1, 2, …): first, doubling, capped.

    Every retry of the bot waits this way: a delivery, the start-up's getMe, the command menus.
    """
    return min(cap, first * 2.0 ** min(max(attempt, 1) - 1, 64))


@dataclass
class TokenBucket:
    """`rate` sends a second on average, with bursts of at most `burst`."""

    rate: float
    burst: float = 1.0
    _tokens: float = field(default=0.0, init=False)
    _last: float | None = field(default=None, init=False)

    def wait_time(self, now: float, reserve: float = 0.0) -> float:
        """Seconds until one token is there beyond `reserve` kept for others; 0 when it is now."""
        self._refill(now)
        missing = 1.0 + reserve - self._tokens
        return 0.0 if missing <= _EPSILON else missing / self.rate

    def take(self, now: float) -> None:
        """Spend one token (callers wait for `wait_time` first)."""
        self._refill(now)
        self._tokens -= 1.0

    def _refill(self, now: float) -> None:
        if self._last is None:
            self._tokens = self.burst
        else:
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now


@dataclass
class ChatPacing:
    """Per-chat limits: about 1 a second to a private chat, 20 a minute to a group."""

    _last_private: dict[int, float] = field(default_factory=dict)
    _group_sends: dict[int, deque[float]] = field(default_factory=dict)

    def wait_time(self, chat_id: int, now: float, messages: int = 1) -> float:
        """Seconds until this chat may get `messages` more (an album and its words); 0 when it
        may now. A group's minute must have room for all of them (20 at most)."""
        if chat_id > 0:
            last = self._last_private.get(chat_id)
            return 0.0 if last is None else max(0.0, last + PRIVATE_CHAT_INTERVAL - now)
        sends = self._group_sends.get(chat_id)
        if sends is None:
            return 0.0
        while sends and sends[0] <= now - GROUP_WINDOW:
            sends.popleft()
        room_needed = min(max(messages, 1), GROUP_MESSAGES_PER_WINDOW)
        excess = len(sends) + room_needed - GROUP_MESSAGES_PER_WINDOW
        if excess <= 0:
            return 0.0
        return sends[excess - 1] + GROUP_WINDOW - now

    def record(self, chat_id: int, now: float, messages: int = 1) -> None:
        """Note a send of `messages` to this chat (an album and its words are several): a
        private chat's next one waits a second for each."""
        if chat_id > 0:
            self._last_private[chat_id] = now + (messages - 1) * PRIVATE_CHAT_INTERVAL
        else:
            self._group_sends.setdefault(chat_id, deque()).extend([now] * messages)

    @property
    def tracked(self) -> int:
        """How many chats are remembered (private and group)."""
        return len(self._last_private) + len(self._group_sends)

    def forget_before(self, now: float) -> None:
        """Drop what no longer limits anything, so memory stays small on long broadcasts."""
        horizon = now - PRIVATE_CHAT_INTERVAL
        self._last_private = {c: t for c, t in self._last_private.items() if t > horizon}
        for chat_id in [c for c, s in self._group_sends.items() if not s or s[-1] <= now - 60]:
            del self._group_sends[chat_id]
