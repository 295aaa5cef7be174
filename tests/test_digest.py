"""Digest times: the last HH:MM at or before now in the chat's zone, across midnight and DST."""

from datetime import UTC, datetime, time

import pytest

from pressbot.core.clock import LONDON, MOSCOW
from pressbot.delivery.digests import DigestTimeError, latest_digest_time, parse_digest_time


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("now", "at", "zone", "expected"),
    [
        # 08:00 in London (BST) is 07:00 UTC; before it, yesterday's counts.
        (utc(2018, 10, 18, 7, 0), time(8), LONDON, utc(2018, 10, 18, 7, 0)),
        (utc(2018, 10, 18, 6, 59), time(8), LONDON, utc(2018, 10, 17, 7, 0)),
        # Across midnight: 23:30 London is yesterday's until 23:30 comes round again.
        (utc(2018, 12, 2, 0, 10), time(23, 30), LONDON, utc(2018, 12, 1, 23, 30)),
        # 00:30 in Moscow is 21:30 UTC the evening before.
        (utc(2018, 12, 1, 21, 31), time(0, 30), MOSCOW, utc(2018, 12, 1, 21, 30)),
        (utc(2018, 12, 1, 21, 29), time(0, 30), MOSCOW, utc(2018, 11, 30, 21, 30)),
        # Clocks go back on 25 October 2026: 08:00 is 07:00 UTC on the 24th, 08:00 UTC on the 25th.
        (utc(2026, 10, 25, 7, 30), time(8), LONDON, utc(2026, 10, 24, 7, 0)),
        (utc(2026, 10, 25, 8, 0), time(8), LONDON, utc(2026, 10, 25, 8, 0)),
        # 01:30 happens twice that night: the first one (BST) is the digest's.
        (utc(2026, 10, 25, 2, 0), time(1, 30), LONDON, utc(2026, 10, 25, 0, 30)),
        # Clocks go forward on 29 March 2026: 01:30 never shows, so the digest comes at 02:30 BST.
        (utc(2026, 3, 29, 1, 29), time(1, 30), LONDON, utc(2026, 3, 28, 1, 30)),
        (utc(2026, 3, 29, 1, 30), time(1, 30), LONDON, utc(2026, 3, 29, 1, 30)),
    ],
)  # fmt: skip
def test_the_latest_digest_time(now: datetime, at: time, zone: object, expected: datetime) -> None:
    assert latest_digest_time(now, at, zone) == expected  # type: ignore[arg-type]


def test_each_day_has_exactly_one_digest_time_all_year() -> None:
    seen = set()
    start = utc(2026, 1, 1)
    for minutes in range(0, 366 * 24 * 60, 17):
        now = start.fromtimestamp(start.timestamp() + minutes * 60, UTC)
        due = latest_digest_time(now, time(1, 30), LONDON)
        assert due <= now
        seen.add(due)
    assert len(seen) in (366, 367)  # one a day, whatever the clocks did


@pytest.mark.parametrize(("text", "expected"), [("08:00", time(8)), ("8.30", time(8, 30))])
def test_digest_times_are_read(text: str, expected: time) -> None:
    assert parse_digest_time(text) == expected


@pytest.mark.parametrize("text", ["8", "noon", "24:00", "07:60", "08:00-09:00"])
def test_other_digest_times_are_refused(text: str) -> None:
    with pytest.raises(DigestTimeError):
        parse_digest_time(text)
