from datetime import UTC, datetime

import pytest

from pressbot.core.scheduling import ReleaseTimeError, parse_release_time

# 10:00 UTC on 28 November 2026: 10:00 in London, 13:00 in Moscow.
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected_utc"),
    [
        ("18:00", datetime(2026, 11, 28, 18, 0, tzinfo=UTC)),  # London when no city is given
        ("18:00 London", datetime(2026, 11, 28, 18, 0, tzinfo=UTC)),
        ("18:00 moscow", datetime(2026, 11, 28, 15, 0, tzinfo=UTC)),
        ("18.00", datetime(2026, 11, 28, 18, 0, tzinfo=UTC)),
        ("09:00", datetime(2026, 11, 29, 9, 0, tzinfo=UTC)),  # passed today: tomorrow
        ("12:30 Moscow", datetime(2026, 11, 29, 9, 30, tzinfo=UTC)),  # 12:30 Moscow has passed
        ("2026-12-01 09:00 Moscow", datetime(2026, 12, 1, 6, 0, tzinfo=UTC)),
        # In summer London is UTC+1 and Moscow UTC+3.
        ("2027-07-01 09:00", datetime(2027, 7, 1, 8, 0, tzinfo=UTC)),
        ("2027-07-01 09:00 Moscow", datetime(2027, 7, 1, 6, 0, tzinfo=UTC)),
        # The hour repeated in autumn: the first 01:30 (still summer time).
        ("2027-10-31 01:30", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
    ],
)
def test_release_times(text: str, expected_utc: datetime) -> None:
    assert parse_release_time(text, NOW) == expected_utc


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tomorrow", "Send a time such as"),
        ("", "Send a time such as"),
        ("25:00", "25:00 is not a time of day."),
        ("12:61", "12:61 is not a time of day."),
        ("10:00 Paris", "Name London or Moscow"),
        ("2026-02-30 10:00", "2026-02-30 is not a date."),
        ("2026-11-28 09:59", "That time has passed."),
        ("2028-01-01 10:00", "more than a year ahead"),
        ("2027-03-28 01:30", "does not exist on 28.03.2027 in London"),
    ],
)
def test_times_that_cannot_be_used_say_why(text: str, message: str) -> None:
    with pytest.raises(ReleaseTimeError, match=message):
        parse_release_time(text, NOW)
