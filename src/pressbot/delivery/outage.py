"""The engine's view of a Bot API outage: when Telegram stops answering, probe, don't flood.

A network error, a time-out or a 5xx says nothing about the chat and everything about
Telegram. After one, the engine lets a single request out at a time (the probe), spaced by a
growing interval (capped, so that sending resumes within seconds of Telegram answering again),
instead of spending every waiting delivery's tries on a server that is not there. The first
answer from Telegram, whatever it says, ends the outage; the deliveries that failed during it
are then due at once rather than after their own backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from pressbot.core.clock import Clock

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class _Outage:
    since: datetime
    started: float  # monotonic
    interval: float
    next_probe_at: float
    probing: bool = False
    failed: set[int] = field(default_factory=set)


class OutageGate:
    """Lets every request through while Telegram answers, one at a time while it does not."""

    def __init__(
        self,
        clock: Clock,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        first_interval: float = 0.5,
        max_interval: float = 3.0,
    ) -> None:
        self._clock = clock
        self._monotonic = monotonic
        self._first_interval = first_interval
        self._max_interval = max_interval
        self._outage: _Outage | None = None
        self._changed = asyncio.Event()

    @property
    def silent_since(self) -> datetime | None:
        """Since when Telegram has not answered (by the clock); None while it answers."""
        return None if self._outage is None else self._outage.since

    async def admit(self) -> bool:
        """Wait until a request may go out; True when it goes as the outage's probe."""
        while (outage := self._outage) is not None:
            wait = outage.next_probe_at - self._monotonic()
            if not outage.probing and wait <= 0:
                outage.probing = True
                return True
            self._changed.clear()
            timeout = wait if not outage.probing and wait > 0 else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
        return False

    def failed(self, error: str | None, *, probe: bool, delivery_id: int | None = None) -> None:
        """A request got no answer (or a 5xx): an outage starts, or its probe failed."""
        now = self._monotonic()
        outage = self._outage
        if outage is None:
            outage = self._outage = _Outage(
                self._clock(), now, self._first_interval, now + self._first_interval
            )
            logger.warning(
                "Telegram did not answer (%s); sending paused, trying one request at a time",
                error,
            )
        elif probe:
            outage.probing = False
            outage.interval = min(outage.interval * 2, self._max_interval)
            outage.next_probe_at = now + outage.interval
        if delivery_id is not None:
            outage.failed.add(delivery_id)
        self._changed.set()

    def abandon(self, *, probe: bool) -> None:
        """A request that was let out never finished (cancelled): let another one probe."""
        if probe and self._outage is not None:
            self._outage.probing = False
            self._changed.set()

    def answered(self) -> set[int]:
        """Telegram answered: the outage, if any, is over; returns the deliveries it failed.

        Any answer counts, a probe's or that of a request let out before the outage began.
        """
        outage = self._outage
        if outage is None:
            return set()
        self._outage = None
        self._changed.set()
        logger.warning(
            "Telegram answers again after %.0f s; sending resumes",
            self._monotonic() - outage.started,
        )
        return outage.failed
