"""Moscow and London time and the date formats readers see; pure, `now` is an argument."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

MOSCOW = ZoneInfo("Europe/Moscow")
LONDON = ZoneInfo("Europe/London")
#: Dates of items are the embassy's dates: the embassy is in London.
EMBASSY_TZ = LONDON

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


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


def format_long_date(day: date) -> str:
    """Format a date as the page header does: 18 October 2018."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_short_date(moment: datetime) -> str:
    """Format an item's date as the LATEST EVENTS list does: 15.10.2018 (embassy time)."""
    return moment.astimezone(EMBASSY_TZ).strftime("%d.%m.%Y")


def format_clock_line(reading: ClockReading) -> str:
    """Return "Moscow: 08:18 · London: 06:18", naming Moscow's date when it differs."""
    moscow = reading.moscow.strftime("%H:%M")
    if reading.moscow.date() != reading.london.date():
        moscow += f" ({format_long_date(reading.moscow.date())})"
    return f"Moscow: {moscow} · London: {reading.london.strftime('%H:%M')}"


def embassy_midnight(day: date) -> datetime:
    """Return the start of `day` in London as an aware datetime: a dated item's instant."""
    return datetime.combine(day, time(0, 0), tzinfo=EMBASSY_TZ)
