from datetime import UTC, date, datetime, timedelta

import pytest

from pressbot.core.clock import format_short_date, read_clock
from pressbot.texts.i18n import translator
from pressbot.texts.reader import render_time

EN, RU = translator("en"), translator("ru")


def clock_line(now: datetime) -> str:
    """The second line of /time: the clocks of both capitals."""
    return render_time(read_clock(now), EN).split("\n")[1]


def test_the_seed_page_header_instant() -> None:
    now = datetime(2018, 10, 18, 5, 18, tzinfo=UTC)
    assert clock_line(now) == "Moscow: 08:18 · London: 06:18"
    assert render_time(read_clock(now), EN) == (
        "<b>18 October 2018</b>\nMoscow: 08:18 · London: 06:18"
    )
    assert render_time(read_clock(now), RU) == (
        "<b>18 октября 2018</b>\nМосква: 08:18 · Лондон: 06:18"
    )


def test_winter_london_is_three_hours_behind_moscow() -> None:
    assert clock_line(datetime(2018, 12, 18, 5, 18, tzinfo=UTC)) == "Moscow: 08:18 · London: 05:18"


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # London springs forward at 01:00 UTC on the last Sunday of March.
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "Moscow: 03:59 · London: 00:59"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "Moscow: 04:00 · London: 02:00"),
        # ... and falls back at 01:00 UTC on the last Sunday of October.
        (datetime(2026, 10, 25, 0, 59, tzinfo=UTC), "Moscow: 03:59 · London: 01:59"),
        (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), "Moscow: 04:00 · London: 01:00"),
        # Moscow has kept UTC+3 all year since 2014; in 2011-2014 it was UTC+4.
        (datetime(2012, 7, 1, 12, 0, tzinfo=UTC), "Moscow: 16:00 · London: 13:00"),
    ],
)
def test_both_sides_of_daylight_saving_changes(utc: datetime, expected: str) -> None:
    assert clock_line(utc) == expected


def test_moscow_date_is_named_when_it_is_already_tomorrow() -> None:
    reading = read_clock(datetime(2026, 11, 28, 22, 30, tzinfo=UTC))
    assert render_time(reading, EN) == (
        "<b>28 November 2026</b>\nMoscow: 01:30 (29 November 2026) · London: 22:30"
    )
    assert render_time(reading, RU) == (
        "<b>28 ноября 2026</b>\nМосква: 01:30 (29 ноября 2026) · Лондон: 22:30"
    )


def test_every_minute_of_a_year_is_three_or_two_hours_apart() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for hours in range(0, 365 * 24, 7):
        reading = read_clock(start + timedelta(hours=hours))
        gap = reading.moscow.utcoffset() - reading.london.utcoffset()  # type: ignore[operator]
        assert gap in (timedelta(hours=3), timedelta(hours=2))


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        read_clock(datetime(2018, 10, 18, 5, 18))


def test_date_formats() -> None:
    assert EN.long_date(date(2018, 10, 18)) == "18 October 2018"
    assert RU.long_date(date(2018, 10, 18)) == "18 октября 2018"
    assert RU.long_date(date(2026, 5, 1)) == "1 мая 2026"
    # 23:30 UTC on 14 October is already 15 October in London (BST).
    assert format_short_date(datetime(2018, 10, 14, 23, 30, tzinfo=UTC)) == "15.10.2018"
