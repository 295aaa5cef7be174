"""Quiet hours: a nightly window in a chat's own time zone when releases wait.

Pure: the window and `now` in, the end of the quiet (or None) out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pressbot.core.clock import LONDON, MOSCOW
from pressbot.core.languages import N_, TranslatableError

ZONES = {"London": LONDON, "Moscow": MOSCOW}
#: What a delivery waiting for its chat's quiet hours records as the reason it is not out yet:
#: the admin's progress counts these, and a change of the chat's window releases them.
HELD_FOR_QUIET_HOURS = "held for quiet hours"


def zone_named(name: str | None) -> ZoneInfo:
    """A chat's time zone by the name stored for it; London when it has none."""
    return ZONES.get(name or "London", LONDON)


def stored_window(start: str | None, end: str | None, zone: str | None) -> QuietWindow | None:
    """A chat's quiet hours as stored ("23:00", "07:00", "London"); None when it has none."""
    if not start or not end:
        return None
    return QuietWindow(time.fromisoformat(start), time.fromisoformat(end), zone_named(zone))


_WINDOW = re.compile(r"^\s*([0-9]{1,2})[:.]([0-9]{2})\s*[-–]\s*([0-9]{1,2})[:.]([0-9]{2})\s*$")


class QuietWindowError(TranslatableError):
    """A window that can't be used; the message says what to type."""


@dataclass(frozen=True, slots=True)
class QuietWindow:
    """From `start` to `end` every night (across midnight when start > end), in `zone`."""

    start: time
    end: time
    zone: ZoneInfo


def parse_window(text: str) -> tuple[time, time]:
    """Read "23:00-07:00"; raise QuietWindowError with an example otherwise."""
    match = _WINDOW.match(text)
    if match is None:
        raise QuietWindowError(N_("Send the window as “23:00-07:00”, or “off”."))
    hours_a, minutes_a, hours_b, minutes_b = (int(part) for part in match.groups())
    if max(hours_a, hours_b) > 23 or max(minutes_a, minutes_b) > 59:
        raise QuietWindowError(N_("Those are not times of day. For example: 23:00-07:00."))
    start, end = time(hours_a, minutes_a), time(hours_b, minutes_b)
    if start == end:
        raise QuietWindowError(N_("The window starts and ends at the same time. Send another."))
    return start, end


def quiet_until(now: datetime, window: QuietWindow) -> datetime | None:
    """The instant (UTC) the quiet ends when `now` falls in it; None outside it."""
    local = now.astimezone(window.zone)
    clock = local.time().replace(tzinfo=None)
    if window.start < window.end:
        inside = window.start <= clock < window.end
    else:
        inside = clock >= window.start or clock < window.end
    if not inside:
        return None
    day = local.date() if clock < window.end else local.date() + timedelta(days=1)
    # The first moment at or after the wall-clock end; a time skipped in spring moves on.
    return datetime.combine(day, window.end, tzinfo=window.zone).astimezone(UTC)
