"""Moscow and London time and the item dates readers see; pure, `now` is an argument.

Dates in words (18 October 2018) depend on the language: see i18n.Translator.long_date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

#: The application's clock: the current aware instant. An argument everywhere, so tests set it.
Clock = Callable[[], datetime]

MOSCOW = ZoneInfo("Europe/Moscow")
LONDON = ZoneInfo("Europe/London")
#: Dates of items are the embassy's dates: the embassy is in London.
EMBASSY_TZ = LONDON


@dataclass(frozen=True, slots=True)
class ClockReading:
    """The page header's clock at one instant."""

    moscow: datetime
    london: datetime


def read_clock(now: datetime) -> ClockReading:
    """Return Moscow and London wall-clock time at the aware instant `now`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return ClockReading(moscow=now.astimezone(MOSCOW), london=now.astimezone(LONDON))


def format_short_date(moment: datetime) -> str:
    """Format an item's date as the LATEST EVENTS list does: 15.10.2018 (embassy time)."""
    return moment.astimezone(EMBASSY_TZ).strftime("%d.%m.%Y")


def embassy_midnight(day: date) -> datetime:
    """Return the start of `day` in London as an aware datetime: a dated item's instant."""
    return datetime.combine(day, time(0, 0), tzinfo=EMBASSY_TZ)
