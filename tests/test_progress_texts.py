"""The admin's progress message: what it says of copies held for quiet hours and digests."""

from datetime import UTC, datetime

from conftest import PAGE_TIME
from pressbot.core.models import BroadcastAction, BroadcastProgress
from pressbot.texts.i18n import translator
from pressbot.texts.progress import Waiting, render_progress

EN = translator("en")


def running(total: int, sent: int) -> BroadcastProgress:
    return BroadcastProgress(1, 12, BroadcastAction.SEND, total, sent, 0, 0, 9001, 7, False,
                             PAGE_TIME)  # fmt: skip


def test_copies_held_past_midnight_say_tomorrow() -> None:
    late = datetime(2018, 10, 18, 22, 30, tzinfo=UTC)  # 23:30 in London
    waiting = Waiting(held=1, held_until=datetime(2018, 10, 19, 6, 0, tzinfo=UTC))
    text = render_progress(running(1, 0), "T", None, None, EN, now=late, waiting=waiting)
    assert text.splitlines()[-1] == (
        "1 copy waits for its chat's quiet hours, until 07:00 tomorrow (London)."
    )
    assert "measuring the rate" not in text  # nothing else is waiting to be sent


def test_the_rate_and_time_left_are_of_the_copies_not_held() -> None:
    waiting = Waiting(held=2, held_until=datetime(2018, 10, 18, 6, 0, tzinfo=UTC), in_digests=4)
    text = render_progress(running(10, 4), "T", 2.0, 2.0, EN, now=PAGE_TIME, waiting=waiting)
    assert text.splitlines()[-3:] == [
        "2 messages/s · about 2 s left",
        "2 copies wait for their chats' quiet hours, the last until 07:00 (London).",
        "4 more subscribers will find it in their daily digests.",
    ]


def test_a_rate_is_written_as_each_language_writes_a_fraction() -> None:
    english = render_progress(running(10, 4), "T", 2.5, 3.0, EN, now=PAGE_TIME)
    russian = render_progress(running(10, 4), "T", 2.5, 3.0, translator("ru"), now=PAGE_TIME)
    assert "2.5 messages/s" in english
    assert "2,5 " in russian and "2.5" not in russian
