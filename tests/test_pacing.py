"""Telegram's sending limits as arithmetic: explicit times in, waits out; nothing sleeps."""

from __future__ import annotations

import pytest

from pressbot.delivery.pacing import (
    GROUP_MESSAGES_PER_WINDOW,
    GROUP_WINDOW,
    PRIVATE_CHAT_INTERVAL,
    ChatPacing,
    TokenBucket,
)

PRIVATE = 1001
GROUP = -4242
SUPERGROUP = -1001234567890


def drain(bucket: TokenBucket, start: float, seconds: float, step: float = 1e-9) -> list[float]:
    """Take a token whenever one is there, from `start` for `seconds`; return the take times."""
    taken = []
    now = start
    while now < start + seconds:
        wait = bucket.wait_time(now)
        if wait == 0:
            bucket.take(now)
            taken.append(now)
        else:
            now += max(wait, step)
    return taken


def test_bucket_starts_with_its_burst_then_waits_one_interval() -> None:
    bucket = TokenBucket(rate=10.0, burst=3.0)
    for _ in range(3):
        assert bucket.wait_time(100.0) == 0.0
        bucket.take(100.0)
    assert bucket.wait_time(100.0) == pytest.approx(0.1)
    assert bucket.wait_time(100.05) == pytest.approx(0.05)
    assert bucket.wait_time(100.1) == 0.0


def test_bucket_holds_its_rate_over_time() -> None:
    bucket = TokenBucket(rate=25.0, burst=2.5)
    taken = drain(bucket, 0.0, 10.0)
    # 2 at once from the burst, then 25 a second.
    assert 250 <= len(taken) <= 253
    for second in range(1, 10):
        in_window = [t for t in taken if second <= t < second + 1]
        assert 24 <= len(in_window) <= 26


def test_bucket_never_bursts_beyond_its_burst_after_idling() -> None:
    bucket = TokenBucket(rate=25.0, burst=2.5)
    bucket.take(0.0)
    # An hour idle refills only up to the burst, so no sliding second exceeds rate + burst.
    taken = drain(bucket, 3600.0, 2.0)
    assert len([t for t in taken if t < 3601.0]) <= 25 + 2.5
    assert taken[:2] == [3600.0, 3600.0]
    assert taken[2] > 3600.0


def test_bucket_with_a_fractional_burst_still_sends_one() -> None:
    bucket = TokenBucket(rate=0.5, burst=1.0)
    assert bucket.wait_time(0.0) == 0.0
    bucket.take(0.0)
    assert bucket.wait_time(0.0) == pytest.approx(2.0)
    assert bucket.wait_time(1.0) == pytest.approx(1.0)


def test_paid_rate_allows_a_thousand_a_second() -> None:
    bucket = TokenBucket(rate=1000.0, burst=100.0)
    taken = drain(bucket, 0.0, 1.0)
    assert 1095 <= len(taken) <= 1101


def test_private_chat_waits_about_a_second_between_messages() -> None:
    pacing = ChatPacing()
    assert pacing.wait_time(PRIVATE, 10.0) == 0.0
    pacing.record(PRIVATE, 10.0)
    assert pacing.wait_time(PRIVATE, 10.0) == pytest.approx(PRIVATE_CHAT_INTERVAL)
    assert pacing.wait_time(PRIVATE, 10.4) == pytest.approx(0.6)
    assert pacing.wait_time(PRIVATE, 11.0) == 0.0
    # Other chats are not held up by this one.
    assert pacing.wait_time(PRIVATE + 1, 10.0) == 0.0


@pytest.mark.parametrize("group", [GROUP, SUPERGROUP])
def test_group_gets_twenty_a_minute(group: int) -> None:
    pacing = ChatPacing()
    for n in range(GROUP_MESSAGES_PER_WINDOW):
        now = 100.0 + n * 0.5
        assert pacing.wait_time(group, now) == 0.0, n
        pacing.record(group, now)
    # The 21st waits until the first of the twenty is a minute old.
    assert pacing.wait_time(group, 110.0) == pytest.approx(100.0 + GROUP_WINDOW - 110.0)
    assert pacing.wait_time(group, 160.0) == 0.0
    pacing.record(group, 160.0)
    # Now the second one (at 100.5) must leave the window first.
    assert pacing.wait_time(group, 160.0) == pytest.approx(0.5)


def test_forget_before_drops_only_what_no_longer_limits() -> None:
    pacing = ChatPacing()
    pacing.record(PRIVATE, 0.0)
    pacing.record(PRIVATE + 1, 5.0)
    pacing.record(GROUP, 0.0)
    pacing.record(SUPERGROUP, 30.0)
    pacing.forget_before(5.5)
    assert pacing.wait_time(PRIVATE, 5.5) == 0.0
    assert pacing.wait_time(PRIVATE + 1, 5.5) == pytest.approx(0.5)
    pacing.forget_before(70.0)
    assert pacing.wait_time(GROUP, 70.0) == 0.0
    for n in range(GROUP_MESSAGES_PER_WINDOW - 1):
        pacing.record(SUPERGROUP, 70.0 + n)
    # The send at 30.0 still counts: it is less than a minute old.
    assert pacing.wait_time(SUPERGROUP, 89.5) == pytest.approx(0.5)


def test_forget_before_keeps_memory_small_on_a_long_broadcast() -> None:
    pacing = ChatPacing()
    for n in range(100_000):
        pacing.record(n + 1, n / 1000)
        if n % 1000 == 999:
            pacing.forget_before(n / 1000)
    assert pacing.tracked <= 1001


def test_a_group_minute_must_have_room_for_a_whole_album_and_its_words() -> None:
    pacing = ChatPacing()
    group = -100_123
    for second in range(15):
        pacing.record(group, float(second))
    assert pacing.wait_time(group, 20.0, messages=5) == 0.0  # 15 + 5 = 20: it fits
    # 15 + 6 is one too many: wait until the first of the 15 leaves the minute.
    assert pacing.wait_time(group, 20.0, messages=6) == 60.0 - 20.0
    assert pacing.wait_time(group, 60.0, messages=6) == 0.0
    pacing.record(group, 60.0, messages=6)
    assert pacing.wait_time(group, 60.0) > 0  # 14 + 6 = 20: the next one waits
    assert pacing.wait_time(group, 60.0, messages=30) == pacing.wait_time(group, 60.0, 20)
