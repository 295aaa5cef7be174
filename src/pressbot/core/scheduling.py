"""Release times typed by admins: "18:00", "18:00 London", "2026-12-01 09:00 Moscow".

Pure: the text and `now` in, an aware instant out, or a ReleaseTimeError that says what to type.
London time when no city is given: the embassy is in London.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pressbot.core.clock import LONDON, MOSCOW
from pressbot.core.languages import N_, TranslatableError

_CITIES = {"london": LONDON, "moscow": MOSCOW, "москва": MOSCOW, "лондон": LONDON}
_PATTERN = re.compile(
    r"^\s*(?:(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})\s+)?(?P<time>[0-9]{1,2}[:.][0-9]{2})"
    r"(?:\s+(?P<city>[^\W\d_]+))?\s*$"
)
#: Scheduling further ahead is more likely a typo than a plan.
MAX_AHEAD = timedelta(days=366)


class ReleaseTimeError(TranslatableError):
    """A release time that can't be used; the message tells the admin why."""


def parse_release_time(text: str, now: datetime) -> datetime:
    """Return the instant `text` names, in the future of `now`."""
    match = _PATTERN.match(text)
    if match is None:
        raise ReleaseTimeError(
            N_("Send a time such as “18:00”, “18:00 London” or “2026-12-01 09:00 Moscow”.")
        )
    zone = LONDON
    if match["city"]:
        found = _CITIES.get(match["city"].lower())
        if found is None:
            raise ReleaseTimeError(
                N_("Name London or Moscow after the time, or no city for London.")
            )
        zone = found
    hours, minutes = (int(part) for part in re.split(r"[:.]", match["time"]))
    if hours > 23 or minutes > 59:
        raise ReleaseTimeError(N_("{time} is not a time of day."), time=match["time"])
    clock_time = time(hours, minutes)
    local_now = now.astimezone(zone)
    if match["date"]:
        try:
            day = date.fromisoformat(match["date"])
        except ValueError:
            raise ReleaseTimeError(N_("{date} is not a date."), date=match["date"]) from None
        when = _local_instant(day, clock_time, zone)
    else:
        when = _local_instant(local_now.date(), clock_time, zone)
        if when <= now:
            when = _local_instant(local_now.date() + timedelta(days=1), clock_time, zone)
    if when <= now:
        raise ReleaseTimeError(N_("That time has passed. Send a time in the future."))
    if when - now > MAX_AHEAD:
        raise ReleaseTimeError(N_("That is more than a year ahead. Send a nearer time."))
    return when


def _local_instant(day: date, clock_time: time, zone: ZoneInfo) -> datetime:
    """The instant (in UTC) of a wall-clock time; a time skipped by a clock change is refused.

    A time that happens twice in autumn is the first of the two (fold 0). UTC, because
    Python never finds such a local time equal to any instant in another zone.
    """
    local = datetime.combine(day, clock_time, tzinfo=zone)
    # In the hour skipped in spring, the wall time does not survive a round trip through UTC.
    if local.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != local.replace(
        tzinfo=None
    ):
        # Only London moves its clocks now; Moscow did until 2011, and dates may be that old.
        skipped = (
            N_(
                "{time} does not exist on {day} in London: the clocks go forward then."
                " Send another time."
            )
            if zone is LONDON
            else N_(
                "{time} does not exist on {day} in Moscow: the clocks go forward then."
                " Send another time."
            )
        )
        raise ReleaseTimeError(skipped, time=f"{clock_time:%H:%M}", day=f"{day:%d.%m.%Y}")
    return local.astimezone(UTC)
