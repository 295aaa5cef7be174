"""The health report: a real database (open, with work queued, or gone), the Bot API's record."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from conftest import PAGE_TIME
from harness import SettableClock
from pressbot.health import ApiHealth, check_health, telegram_answered
from pressbot.models import ChatType, ItemKind, NewItem
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
    await database.outbox.publish_new(item, "Text.", 9001, 9001, PAGE_TIME)
    report = await check_health(database, ApiHealth(SettableClock(PAGE_TIME)), PAGE_TIME)
    assert report.healthy
    assert report.to_json() == {
        "status": "ok",
        "database": "ok",
        "bot_api": "ok",
        "last_bot_api_success": None,
        "bot_api_failing_since": None,
        "outbox_depth": 3,
    }


async def test_a_database_that_does_not_answer_is_unhealthy(tmp_path: Path) -> None:
    database = await open_database(tmp_path / "gone.sqlite3")
    await database.close()
    report = await check_health(database, ApiHealth(SettableClock(PAGE_TIME)), PAGE_TIME)
    assert not report.healthy
    assert report.to_json()["database"] == "unreachable"
    assert report.outbox_depth is None


def test_the_bot_api_is_unhealthy_only_after_five_minutes_of_nothing_but_failures() -> None:
    clock = SettableClock(PAGE_TIME)
    api = ApiHealth(clock)
    api.record(200)
    clock.now += timedelta(minutes=10)  # quiet for a while (a webhook bot with no updates)
    assert not api.down_too_long(clock.now)
    api.record(502)
    clock.now += timedelta(minutes=4)
    api.record(0)  # no answer at all
    clock.now += timedelta(minutes=1, seconds=1)
    assert api.down_too_long(clock.now)
    assert api.failing_since == PAGE_TIME + timedelta(minutes=10)
    api.record(403)  # a chat that blocked the bot: Telegram itself answers
    assert not api.down_too_long(clock.now)
    assert api.last_success == clock.now


@pytest.mark.parametrize(
    ("status", "answered"),
    [
        *[(200, True), (400, True), (403, True)],
        *[(0, False), (401, False), (404, False), (409, False), (429, False), (500, False)],
    ],
)
def test_which_answers_count_as_the_bot_api_working(status: int, answered: bool) -> None:
    assert telegram_answered(status) is answered
