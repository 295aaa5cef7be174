"""The health report: a real database (open, with work queued, read-only or gone), and the
decisions on the Bot API's two paths (updates, sending) by a clock the test sets."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from conftest import PAGE_TIME
from harness import SettableClock
from pressbot.core.models import ChatType, ItemKind, NewItem
from pressbot.server.health import HEALTH_KEY, ApiHealth, check_health, telegram_answered
from pressbot.storage import Database, open_database


async def test_a_queued_release_shows_as_outbox_depth(database: Database) -> None:
    for chat_id in (11, 12, 13):
        await database.subscribers.subscribe(chat_id, ChatType.PRIVATE, "en", PAGE_TIME)
    item = NewItem(
        uid="health-check",
        kind=ItemKind.STATEMENT,
        title="A statement",
        body_html="Text.",
        published_at=PAGE_TIME,
        source="",
    )
    await database.outbox.publish_new(item, 9001, 9001, PAGE_TIME)
    report = await check_health(database, ApiHealth(SettableClock(PAGE_TIME)), PAGE_TIME)
    assert report.healthy
    never = {"status": "ok", "last_success": None, "failing_since": None, "last_error": None}
    assert report.to_json() == {
        "status": "ok",
        "failing": [],
        "updates": never,
        "sending": never,
        "database": {"status": "ok", "outbox_depth": 3, "error": None},
        "grace_seconds": 120.0,
    }
    assert await database.meta.get(HEALTH_KEY) == PAGE_TIME.isoformat()  # it wrote


async def test_a_database_that_can_be_read_but_not_written_is_unhealthy(
    database: Database,
) -> None:
    await database.connection.raw.execute("PRAGMA query_only = ON")  # reads still work
    report = await check_health(database, ApiHealth(SettableClock(PAGE_TIME)), PAGE_TIME)
    assert report.failing == ["database"]
    assert report.to_json()["database"]["status"] == "failing"
    assert report.to_json()["database"]["error"] == "OperationalError"


async def test_a_database_that_does_not_answer_is_unhealthy(tmp_path: Path) -> None:
    database = await open_database(tmp_path / "gone.sqlite3")
    await database.close()
    report = await check_health(database, ApiHealth(SettableClock(PAGE_TIME)), PAGE_TIME)
    assert not report.healthy
    assert report.failing == ["database"]
    assert report.to_json()["database"] == {"status": "failing", "outbox_depth": None,
                                            "error": "ValueError"}  # fmt: skip


GRACE = timedelta(seconds=120)


def test_updates_are_unhealthy_once_they_made_no_progress_for_the_grace() -> None:
    clock = SettableClock(PAGE_TIME)
    api = ApiHealth(clock, GRACE)
    api.record(200, updates=True)  # a long poll that returned empty is progress too
    clock.now += timedelta(minutes=10)  # quiet for a while: no updates, nothing failing
    assert api.updates_ok(clock.now)
    api.record(502, updates=True)
    clock.now += GRACE
    assert api.updates_ok(clock.now), "failing for the grace exactly is still within it"
    clock.now += timedelta(seconds=1)
    assert not api.updates_ok(clock.now)  # whether or not it was asked again since
    assert api.updates.failing_since == PAGE_TIME + timedelta(minutes=10)
    assert api.updates.last_error == "HTTP 502"
    assert api.sending_ok(), "the sending path is another one"
    api.record(200, updates=True)
    assert api.updates_ok(clock.now)
    assert api.updates.last_success == clock.now


def test_sending_is_unhealthy_when_it_failed_continuously_for_longer_than_the_grace() -> None:
    clock = SettableClock(PAGE_TIME)
    api = ApiHealth(clock, GRACE)
    api.record(0)  # one send got no answer
    clock.now += timedelta(hours=1)  # and nothing was sent since: not a failing path
    assert api.sending_ok()
    api.record(200)
    for _ in range(2):  # failing again and again, for 61 s: within the grace
        clock.now += timedelta(seconds=61)
        api.record(503)
    assert api.sending_ok()
    clock.now += timedelta(seconds=61)
    api.record(503)  # now for 122 s
    assert not api.sending_ok()
    assert api.sending.failing_since == PAGE_TIME + timedelta(hours=1, seconds=61)
    assert api.updates_ok(clock.now), "a successful getUpdates does not hide it any more"
    api.record(200, updates=True)
    assert not api.sending_ok()
    api.record(403)  # a chat that blocked the bot: Telegram itself answers
    assert api.sending_ok()
    assert api.sending.last_success == clock.now


def test_the_webhook_fails_when_telegram_reports_errors_after_the_last_update() -> None:
    clock = SettableClock(PAGE_TIME)
    wall = [1000.0]
    api = ApiHealth(clock, GRACE, wall=lambda: wall[0])
    started = 900.0
    api.webhook_checked(850.0, 3, "Connection refused", started)  # the last process's error
    assert api.updates.failing_since is None
    api.update_received()  # at 1000
    api.webhook_checked(990.0, 3, "Connection refused", started)
    assert api.updates.failing_since is None, "an update came after that error"
    api.webhook_checked(1010.0, 0, "Connection refused", started)
    assert api.updates.failing_since is None, "nothing waits: Telegram got it through since"
    api.webhook_checked(1010.0, 2, "Connection refused", started)
    assert api.updates.failing_since == PAGE_TIME
    assert api.updates.last_error == "webhook not reached: Connection refused"
    clock.now += GRACE + timedelta(seconds=1)
    assert not api.updates_ok(clock.now)
    wall[0] = 1020.0
    api.update_received()  # Telegram reaches it again
    assert api.updates_ok(clock.now)


@pytest.mark.parametrize(
    ("status", "answered"),
    [
        *[(200, True), (400, True), (403, True)],
        *[(0, False), (401, False), (404, False), (409, False), (429, False), (500, False)],
    ],
)
def test_which_answers_count_as_the_bot_api_working(status: int, answered: bool) -> None:
    assert telegram_answered(status) is answered
