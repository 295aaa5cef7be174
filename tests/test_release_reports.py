"""The figures of one release as the stores give them: "half" and "all" of the copies that
will reach a chat, when each first did, a withdrawal that holds, reasons without chat ids."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pressbot.core.models import ChatType
from pressbot.delivery.outcomes import Decision, Verdict
from pressbot.storage import open_database
from test_report_cli import deliver, new_item

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CHATS = (101, 102, 103, 104)
SENT = Decision(Verdict.SENT, message_id=7)


async def test_half_is_of_the_copies_that_will_go_and_all_waits_for_the_last(
    tmp_path: Path,
) -> None:
    database = await open_database(tmp_path / "bot.sqlite3")
    try:
        for chat_id in CHATS:
            await database.subscribers.subscribe(chat_id, ChatType.PRIVATE, "en", AT)
        item_id, _ = await database.outbox.publish_new(new_item("a", "A", AT), 9, 9, AT)
        minute = timedelta(minutes=1)
        await deliver(database, item_id, {101: SENT}, AT + minute)
        early = await database.releases.detail(item_id)
        assert early is not None
        assert (early.half_at, early.all_at) == (None, None)  # 1 of 4 is not half
        await deliver(database, item_id, {102: SENT}, AT + 2 * minute)
        blocked = Decision(Verdict.BLOCKED, error="Forbidden: bot was blocked by the user")
        await deliver(database, item_id, {103: blocked}, AT + 3 * minute)
        half = await database.releases.detail(item_id)
        assert half is not None
        assert half.half_at == AT + 2 * minute  # 2 of the 3 that will go
        assert half.all_at is None  # one still pending
        await deliver(database, item_id, {104: SENT}, AT + 4 * minute)
        done = await database.releases.detail(item_id)
        assert done is not None
        assert (done.half_at, done.all_at) == (AT + 2 * minute, AT + 4 * minute)
        # A correction that replaces copies moves done_at; when they first arrived stays.
        with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
            db.execute("UPDATE deliveries SET done_at = done_at + 86400")
        moved = await database.releases.detail(item_id)
        assert moved is not None
        assert (moved.half_at, moved.all_at) == (AT + 2 * minute, AT + 4 * minute)
    finally:
        await database.close()


async def test_a_withdrawal_undone_is_not_reported(tmp_path: Path) -> None:
    database = await open_database(tmp_path / "bot.sqlite3")
    try:
        await database.subscribers.subscribe(101, ChatType.PRIVATE, "en", AT)
        item_id, _ = await database.outbox.publish_new(new_item("a", "A", AT), 9, 9, AT)
        await deliver(database, item_id, {101: SENT}, AT + timedelta(minutes=1))
        await database.outbox.withdraw(item_id, 9, 9, AT + timedelta(hours=1))
        withdrawn = await database.releases.detail(item_id)
        assert withdrawn is not None and withdrawn.summary.withdrawn
        assert withdrawn.withdrawn_at == AT + timedelta(hours=1)
        with sqlite3.connect(tmp_path / "bot.sqlite3") as db:  # as /restore leaves the item
            db.execute("UPDATE items SET status = 'published' WHERE id = ?", (item_id,))
        restored = await database.releases.detail(item_id)
        assert restored is not None and not restored.summary.withdrawn
        assert restored.withdrawn_at is None
    finally:
        await database.close()
