from datetime import UTC, datetime, time

import pytest

from pressbot.core.clock import LONDON, MOSCOW
from pressbot.core.quiet import QuietWindow, QuietWindowError, parse_window, quiet_until

NIGHT_LONDON = QuietWindow(time(23, 0), time(7, 0), LONDON)


@pytest.mark.parametrize(
    ("now", "until"),
    [
        (datetime(2026, 11, 28, 22, 59, tzinfo=UTC), None),
        (datetime(2026, 11, 28, 23, 0, tzinfo=UTC), datetime(2026, 11, 29, 7, 0, tzinfo=UTC)),
        (datetime(2026, 11, 29, 6, 59, tzinfo=UTC), datetime(2026, 11, 29, 7, 0, tzinfo=UTC)),
        (datetime(2026, 11, 29, 7, 0, tzinfo=UTC), None),
        # The night the clocks go forward: 07:00 BST is 06:00 UTC.
        (datetime(2027, 3, 27, 23, 30, tzinfo=UTC), datetime(2027, 3, 28, 6, 0, tzinfo=UTC)),
        # The night they go back: at 00:30 BST the quiet ends at 07:00 GMT.
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), datetime(2026, 10, 25, 7, 0, tzinfo=UTC)),
    ],
)
def test_a_night_window_in_london_across_midnight_and_clock_changes(
    now: datetime, until: datetime | None
) -> None:
    assert quiet_until(now, NIGHT_LONDON) == until


def test_a_window_in_moscow_time() -> None:
    window = QuietWindow(time(22, 0), time(8, 0), MOSCOW)
    # 20:00 UTC is 23:00 in Moscow (UTC+3) and 20:00 in London.
    assert quiet_until(datetime(2026, 11, 28, 20, 0, tzinfo=UTC), window) == datetime(
        2026, 11, 29, 5, 0, tzinfo=UTC
    )
    assert quiet_until(datetime(2026, 11, 28, 18, 0, tzinfo=UTC), window) is None


def test_a_daytime_window() -> None:
    window = QuietWindow(time(12, 0), time(14, 0), LONDON)
    assert quiet_until(datetime(2026, 11, 28, 13, 0, tzinfo=UTC), window) == datetime(
        2026, 11, 28, 14, 0, tzinfo=UTC
    )
    assert quiet_until(datetime(2026, 11, 28, 11, 0, tzinfo=UTC), window) is None


def test_windows_are_read_with_clear_errors() -> None:
    assert parse_window("23:00-07:00") == (time(23, 0), time(7, 0))
    assert parse_window(" 22.30 – 6.15 ") == (time(22, 30), time(6, 15))
    for bad, message in [
        ("tonight", "23:00-07:00"),
        ("25:00-07:00", "not times of day"),
        ("07:00-07:00", "same time"),
    ]:
        with pytest.raises(QuietWindowError, match=message):
            parse_window(bad)
