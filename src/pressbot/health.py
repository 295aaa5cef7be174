"""Whether the bot is healthy: its database answers and Telegram has not failed for too long.

``ApiHealth`` is told about every Bot API call (python-telegram-bot's and the delivery
engine's); ``check_health`` turns it and a look at the database into the report /healthz serves.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pressbot.storage import Database

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]

#: Telegram failing for longer than this makes the bot unhealthy.
API_DOWN_LIMIT = timedelta(minutes=5)
#: A database that does not answer within this is unreachable (busy_timeout is 5 s).
DATABASE_TIMEOUT = 6.0

# Answers that show Telegram is there and takes our token; 401/404 (a bad token), 409 (another
# instance polls), 429 and 5xx are failures, as is no answer at all (status 0).
_FAILING_STATUSES = frozenset({0, 401, 404, 409, 429})


def telegram_answered(status: int) -> bool:
    """Whether an HTTP status from the Bot API counts as a successful call."""
    return status not in _FAILING_STATUSES and status < 500


class ApiHealth:
    """When the Bot API last answered, and since when it has been failing, by `clock`."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.last_success: datetime | None = None
        self.failing_since: datetime | None = None

    def record(self, status: int) -> None:
        """Note one call's HTTP status (0: no answer)."""
        if telegram_answered(status):
            self.last_success = self._clock()
            self.failing_since = None
        elif self.failing_since is None:
            self.failing_since = self._clock()

    def down_too_long(self, now: datetime) -> bool:
        """Whether every call for over API_DOWN_LIMIT has failed."""
        return self.failing_since is not None and now - self.failing_since > API_DOWN_LIMIT


@dataclass(frozen=True, slots=True)
class HealthReport:
    """What /healthz says."""

    database_ok: bool
    api_ok: bool
    last_api_success: datetime | None
    api_failing_since: datetime | None
    outbox_depth: int | None  # None when the database did not answer

    @property
    def healthy(self) -> bool:
        """Whether the bot can do its work."""
        return self.database_ok and self.api_ok

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON object."""
        return {
            "status": "ok" if self.healthy else "unhealthy",
            "database": "ok" if self.database_ok else "unreachable",
            "bot_api": "ok" if self.api_ok else "failing",
            "last_bot_api_success": _iso(self.last_api_success),
            "bot_api_failing_since": _iso(self.api_failing_since),
            "outbox_depth": self.outbox_depth,
        }


async def check_health(database: Database, api: ApiHealth, now: datetime) -> HealthReport:
    """Look at the database (the outbox depth) and at the Bot API's record."""
    depth: int | None
    try:
        depth = await asyncio.wait_for(database.outbox.pending_count(), DATABASE_TIMEOUT)
    except (sqlite3.Error, OSError, ValueError, TimeoutError) as error:
        # aiosqlite raises ValueError once its connection is gone.
        logger.warning("health check: the database did not answer: %s", error)
        depth = None
    return HealthReport(
        database_ok=depth is not None,
        api_ok=not api.down_too_long(now),
        last_api_success=api.last_success,
        api_failing_since=api.failing_since,
        outbox_depth=depth,
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
