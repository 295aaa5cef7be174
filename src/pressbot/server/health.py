"""Whether the bot is healthy: updates make progress, sends go out, the database takes writes.

``ApiHealth`` is told about every Bot API call (python-telegram-bot's and the delivery
engine's), apart for getUpdates (the updates path) and everything else (the sending path);
``check_health`` turns it and a write to the database into the report /healthz serves.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pressbot.core.clock import Clock
from pressbot.storage import Database

logger = logging.getLogger(__name__)

#: How long a part may fail before the bot counts as unhealthy (PRESSBOT_HEALTH_GRACE).
DEFAULT_GRACE = timedelta(seconds=120)
#: A database that does not answer within this is unreachable (busy_timeout is 5 s).
DATABASE_TIMEOUT = 6.0
#: The meta key /healthz writes, to know that the database takes writes, not only reads.
HEALTH_KEY = "health_checked_at"
UPDATES, SENDING, DATABASE = "updates", "sending", "database"

# Answers that show Telegram is there and takes our token; 401/404 (a bad token), 409 (another
# instance polls), 429 and 5xx are failures, as is no answer at all (status 0).
_FAILING_STATUSES = frozenset({0, 401, 404, 409, 429})


def telegram_answered(status: int) -> bool:
    """Whether an HTTP status from the Bot API counts as a successful call."""
    return status not in _FAILING_STATUSES and status < 500


def _status_text(status: int) -> str:
    return "no answer" if status == 0 else f"HTTP {status}"


class PathHealth:
    """One way the bot works with Telegram: when it last worked, and since when it fails."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.last_success: datetime | None = None
        self.failing_since: datetime | None = None
        self.last_failure: datetime | None = None
        self.last_error: str | None = None  # "HTTP 502", "no answer": never any content

    def succeeded(self) -> None:
        """It worked just now."""
        self.last_success = self._clock()
        self.failing_since = None

    def failed(self, error: str) -> None:
        """It failed just now, with this (content-free) reason."""
        now = self._clock()
        if self.failing_since is None:
            self.failing_since = now
        self.last_failure = now
        self.last_error = error

    def cleared(self) -> None:
        """Nothing is failing any more, though nothing was shown to work either."""
        self.failing_since = None

    def to_json(self, ok: bool) -> dict[str, Any]:
        """The path's part of /healthz."""
        return {
            "status": "ok" if ok else "failing",
            "last_success": _iso(self.last_success),
            "failing_since": _iso(self.failing_since),
            "last_error": self.last_error if self.failing_since is not None else None,
        }


class ApiHealth:
    """The two paths to Telegram, told about every call, and when each counts as failing.

    Updates: getUpdates answers (an empty long poll is progress too) or, with a webhook, the
    updates received and what getWebhookInfo says. Sending: every other Bot API call, PTB's
    and the delivery engine's.
    """

    def __init__(
        self,
        clock: Clock,
        grace: timedelta = DEFAULT_GRACE,
        *,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.grace = grace
        self.updates = PathHealth(clock)
        self.sending = PathHealth(clock)
        self._wall = wall  # compared with Telegram's own (Unix) times, whatever `clock` says
        #: Unix time of the last update the webhook received (Telegram's dates are Unix times).
        self.last_update_received: float | None = None

    def record(self, status: int, *, updates: bool = False) -> None:
        """Note one call's HTTP status (0: no answer), a getUpdates call if `updates`."""
        path = self.updates if updates else self.sending
        if telegram_answered(status):
            path.succeeded()
        else:
            path.failed(_status_text(status))

    def update_received(self) -> None:
        """The webhook received an update: updates make progress."""
        self.updates.succeeded()
        self.last_update_received = self._wall()

    def webhook_checked(
        self, last_error_date: float | None, pending: int, error: str | None, since: float
    ) -> None:
        """What getWebhookInfo said: Telegram failing to reach the webhook is an updates failure.

        It is one when Telegram's last error came after the last update received (or after
        `since`, when the bot started) and updates still wait for delivery.
        """
        baseline = max(since, self.last_update_received or since)
        if last_error_date is not None and last_error_date > baseline and pending > 0:
            self.updates.failed(f"webhook not reached: {error or 'unknown error'}"[:200])
        else:
            self.updates.cleared()

    def updates_ok(self, now: datetime) -> bool:
        """Whether updates made progress: not failing for longer than the grace."""
        since = self.updates.failing_since
        return since is None or now - since <= self.grace

    def sending_ok(self) -> bool:
        """Whether sends did not fail continuously (no success between) for over the grace."""
        path = self.sending
        if path.failing_since is None or path.last_failure is None:
            return True
        return path.last_failure - path.failing_since <= self.grace


@dataclass(frozen=True, slots=True)
class HealthReport:
    """What /healthz says."""

    updates_ok: bool
    sending_ok: bool
    database_ok: bool
    updates: dict[str, Any]
    sending: dict[str, Any]
    outbox_depth: int | None  # None when the database did not answer
    database_error: str | None
    grace: timedelta

    @property
    def failing(self) -> list[str]:
        """The parts that fail: updates, sending, database."""
        parts = ((UPDATES, self.updates_ok), (SENDING, self.sending_ok))
        return [name for name, ok in (*parts, (DATABASE, self.database_ok)) if not ok]

    @property
    def healthy(self) -> bool:
        """Whether the bot can do its work."""
        return not self.failing

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON object."""
        return {
            "status": "ok" if self.healthy else "unhealthy",
            "failing": self.failing,
            UPDATES: self.updates,
            SENDING: self.sending,
            DATABASE: {
                "status": "ok" if self.database_ok else "failing",
                "outbox_depth": self.outbox_depth,
                "error": self.database_error,
            },
            "grace_seconds": self.grace.total_seconds(),
        }


async def check_health(database: Database, api: ApiHealth, now: datetime) -> HealthReport:
    """Write to the database and read the outbox depth; judge the Bot API's two paths."""
    depth: int | None = None
    error: str | None = None
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT):
            await database.meta.put(HEALTH_KEY, now.isoformat())  # a write, not only a read
            depth = await database.outbox.pending_count()
    except (sqlite3.Error, OSError, ValueError, TimeoutError) as failure:
        # aiosqlite raises ValueError once its connection is gone.
        logger.warning("health check: the database failed: %s", failure)
        error = "timed out" if isinstance(failure, TimeoutError) else type(failure).__name__
    updates_ok, sending_ok = api.updates_ok(now), api.sending_ok()
    return HealthReport(
        updates_ok=updates_ok,
        sending_ok=sending_ok,
        database_ok=error is None,
        updates=api.updates.to_json(updates_ok),
        sending=api.sending.to_json(sending_ok),
        outbox_depth=depth,
        database_error=error,
        grace=api.grace,
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
