"""The line `pressbot run` logs once it takes updates: who the bot is and what it serves.

``serving @embassy_press_bot: 3 admins, 2 team members, pressbot.sqlite3, 1,204 subscribers,
polling`` — what an operator checks first after a deploy (the right token, the right file,
the right mode). With nobody who may publish, a warning says so and what to set.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pressbot.config import Settings
from pressbot.core.team import Right, may
from pressbot.storage import Database

logger = logging.getLogger(__name__)

NOBODY_PUBLISHES = (
    "PRESSBOT_ADMIN_IDS is empty and the team has no owner or publisher: nobody can publish."
    " Set PRESSBOT_ADMIN_IDS to the press officers' Telegram user ids and restart."
)


@dataclass(frozen=True, slots=True)
class Serving:
    """What the start-up line says, read at start."""

    username: str
    admins: int  # PRESSBOT_ADMIN_IDS
    members: int  # added from Telegram (/team)
    publishers: int  # of those members, the ones who may publish
    database: str
    subscribers: int
    webhook_url: str | None

    def line(self) -> str:
        """The start-up line."""
        parts = [_count(self.admins, "admin")]
        if self.members:
            parts.append(_count(self.members, "team member"))
        mode = "polling" if self.webhook_url is None else f"webhook at {self.webhook_url}"
        parts += [self.database, _count(self.subscribers, "subscriber"), mode]
        return f"serving @{self.username}: {', '.join(parts)}"

    @property
    def nobody_publishes(self) -> bool:
        """Whether no one at all may publish: no configured admin, no publishing member."""
        return self.admins == 0 and self.publishers == 0


async def read_serving(username: str, database: Database, settings: Settings) -> Serving:
    """What the bot serves, from its settings and its database."""
    members = await database.team.members()
    return Serving(
        username=username,
        admins=len(settings.admin_ids),
        members=len(members),
        publishers=sum(may(member.role, Right.PUBLISH) for member in members),
        database=str(settings.db_path),
        subscribers=await database.subscribers.count_active(),
        webhook_url=settings.webhook_url,
    )


def log_serving(serving: Serving) -> None:
    """Log the start-up line, and the warning when nobody can publish."""
    logger.info("%s", serving.line())
    if serving.nobody_publishes:
        logger.warning("%s", NOBODY_PUBLISHES)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
