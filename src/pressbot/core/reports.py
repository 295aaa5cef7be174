"""How each release did, and how the readership changed: the figures reports are made of.

Plain data and pure arithmetic: the stores fill these in, texts/ and the charts show them.
No reader's identity is here, only counts.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo


class JoinReason(enum.StrEnum):
    """Why a chat came or went, as the subscription history records it."""

    SUBSCRIBED = "subscribed"  # /start or /subscribe
    CONFIGURED = "configured"  # a channel named in PRESSBOT_CHANNEL_IDS
    STOPPED = "stopped"  # /stop
    BLOCKED = "blocked"  # the reader blocked the bot, or a send found it blocked
    REMOVED = "removed"  # the bot was removed from the group or channel
    UNCONFIGURED = "unconfigured"  # a channel no longer in PRESSBOT_CHANNEL_IDS
    EARLIER = "earlier"  # before the history was kept: read off the subscribers table
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ReleaseSummary:
    """One release's reach and reads, as /stats lists it."""

    item_id: int
    title: str
    released_at: datetime
    withdrawn: bool
    total: int  # copies queued at once (the chats not taking a digest)
    sent: int
    blocked: int
    failed: int
    held: int  # of the pending: waiting for their chat's quiet hours
    in_digests: int  # chats whose daily digest lists it instead
    reads: int  # chats that opened it in full (any chat, not only those it reached)

    @property
    def pending(self) -> int:
        """Copies not yet out, held ones among them."""
        return self.total - self.sent - self.blocked - self.failed

    @property
    def read_rate(self) -> float | None:
        """Reads per chat reached, in percent; None before any copy reached a chat."""
        return None if self.sent == 0 else self.reads * 100 / self.sent


@dataclass(frozen=True, slots=True)
class FailureCount:
    """How many copies of a release ended one way, for one reason."""

    blocked: bool  # blocked (the chat is gone) rather than failed
    reason: str
    count: int


@dataclass(frozen=True, slots=True)
class ReleaseDetail:
    """One release in full, for /stats <id>."""

    summary: ReleaseSummary
    half_at: datetime | None  # when half the copies that reached chats had reached them
    all_at: datetime | None  # when the last one did; None while some are pending
    failures: tuple[FailureCount, ...]
    corrections: tuple[datetime, ...]
    withdrawn_at: datetime | None


@dataclass(frozen=True, slots=True)
class Timeline:
    """A release's deliveries and reads over time: counts in equal buckets from `start`."""

    start: datetime
    bucket: timedelta
    delivered: tuple[int, ...]
    read: tuple[int, ...]

    def cumulative(self) -> tuple[list[datetime], list[int], list[int]]:
        """The end of each bucket, with the copies delivered and the reads up to it."""
        ends = [self.start + self.bucket * (n + 1) for n in range(len(self.delivered))]
        return ends, _running(self.delivered), _running(self.read)


def _running(counts: Sequence[int]) -> list[int]:
    total, out = 0, []
    for count in counts:
        total += count
        out.append(total)
    return out


#: Bucket widths a timeline may use, the smallest that keeps it within MAX_BUCKETS wins.
BUCKETS = tuple(timedelta(minutes=m) for m in (1, 5, 15, 60, 3 * 60, 6 * 60, 24 * 60, 7 * 24 * 60))
MAX_BUCKETS = 120


def bucket_for(span: timedelta) -> timedelta:
    """The narrowest bucket that shows `span` in at most MAX_BUCKETS bars."""
    for bucket in BUCKETS:
        if span <= bucket * MAX_BUCKETS:
            return bucket
    return BUCKETS[-1]


@dataclass(frozen=True, slots=True)
class SubscriberTrend:
    """Subscribers now, a week and a month ago, and who came and went this week."""

    now: int
    week_ago: int
    month_ago: int
    joined_week: int
    left_week: int


@dataclass(frozen=True, slots=True)
class HourlyChange:
    """Chats that joined and left in one hour (starting at `hour`, UTC)."""

    hour: datetime
    joined: int
    left: int


@dataclass(frozen=True, slots=True)
class DailyCount:
    """Active subscribers at the end of a day, in the embassy's time zone."""

    day: date
    subscribers: int


def daily_subscribers(
    active_now: int, changes: Sequence[HourlyChange], now: datetime, days: int, zone: tzinfo
) -> list[DailyCount]:
    """Subscribers at the end of each of the last `days` days (today: now), oldest first.

    Walked back from the count now: each day's end is the next day's end less what that day
    changed. `changes` are the hours since the start of the oldest day.
    """
    today = now.astimezone(zone).date()
    net_by_day: dict[date, int] = {}
    for change in changes:
        day = change.hour.astimezone(zone).date()
        net_by_day[day] = net_by_day.get(day, 0) + change.joined - change.left
    counts: list[DailyCount] = []
    count = active_now
    for back in range(days):
        day = today - timedelta(days=back)
        counts.append(DailyCount(day, count))
        count -= net_by_day.get(day, 0)
    counts.reverse()
    return counts


@dataclass(frozen=True, slots=True)
class WeeklyReport:
    """The week's releases with their reach and reads, and the subscriber change."""

    since: datetime
    until: datetime
    releases: tuple[ReleaseSummary, ...]
    trend: SubscriberTrend
    reads: int = 0  # all first reads in the week, of any item
