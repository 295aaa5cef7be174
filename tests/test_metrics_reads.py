"""/metrics counts first reads as the database keeps them: true after a restart, and served
with the rest even when the database will not tell."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from fakes import FakeBotApi
from pressbot.core.models import ItemKind
from pressbot.server.metrics import Metrics
from pressbot.server.runner import Runner
from test_web import WEBHOOK, get, post, running, samples, user_update

READERS = (2001, 2002, 2003)


def reads_in(db_path: Path) -> int:
    with sqlite3.connect(db_path) as db:
        return int(db.execute("SELECT count(*) FROM reads").fetchone()[0])


def newest_item(db_path: Path) -> int:
    with sqlite3.connect(db_path) as db:
        return int(db.execute("SELECT max(id) FROM items").fetchone()[0])


async def reads_reach(db_path: Path, count: int) -> None:
    """Wait until the reads table holds `count` rows (a read is kept after its reply)."""
    deadline = time.monotonic() + 10
    while reads_in(db_path) != count:
        assert time.monotonic() < deadline, f"reads stayed at {reads_in(db_path)}, not {count}"
        await asyncio.sleep(0.02)


async def read(fake: FakeBotApi, runner: Runner, reader: int, text: str) -> None:
    """A reader opens an item in full, as Telegram would deliver the command to the webhook."""
    replies = len(fake.messages(reader))
    assert await post(runner, user_update(fake, text, user_id=reader)) == 200
    await fake.wait_for_messages(reader, replies + 1)


async def scraped(runner: Runner) -> dict[str, float]:
    status, _, text = await get(runner, "/metrics")
    assert status == 200
    return samples(text)


async def test_reads_total_is_the_reads_table_also_after_a_restart(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    async with running(fake_api, db_path, **WEBHOOK) as (bot, runner):
        await bot.release("Statement on readership", ItemKind.STATEMENT)
        item_id = newest_item(db_path)
        assert (await scraped(runner))["pressbot_reads_total"] == 0
        # The first reader opens it three ways; only the first time counts.
        for text in (f"/read_{item_id}", f"/read {item_id}", f"/start read_{item_id}"):
            await read(fake_api, runner, READERS[0], text)
        await read(fake_api, runner, READERS[1], f"/read_{item_id}")
        await reads_reach(db_path, 2)
        values = await scraped(runner)
    assert values["pressbot_reads_total"] == reads_in(db_path) == 2

    async with running(fake_api, db_path, **WEBHOOK) as (_, runner):
        assert (await scraped(runner))["pressbot_reads_total"] == 2  # not 0: kept in SQLite
        await read(fake_api, runner, READERS[2], f"/read_{item_id}")
        await reads_reach(db_path, 3)
        values = await scraped(runner)
    assert values["pressbot_reads_total"] == reads_in(db_path) == 3
    assert values["pressbot_subscribers_active"] == 0  # readers who never subscribed


async def test_metrics_are_served_when_the_reads_cannot_be_counted(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    async with running(fake_api, db_path, **WEBHOOK) as (bot, runner):
        await post(runner, user_update(fake_api, "/start", user_id=READERS[0]))
        await bot.new_messages(READERS[0], 1)
        await bot.release("Statement on readership", ItemKind.STATEMENT)
        await read(fake_api, runner, READERS[0], f"/read_{newest_item(db_path)}")
        await reads_reach(db_path, 1)
        assert (await scraped(runner))["pressbot_reads_total"] == 1

        def refuse_reads(action: int, table: str | None, *_: str | None) -> int:
            refused = action == sqlite3.SQLITE_READ and table == "reads"
            return sqlite3.SQLITE_DENY if refused else sqlite3.SQLITE_OK

        raw = bot.database.connection.raw
        await raw.set_authorizer(refuse_reads)
        try:
            await post(runner, user_update(fake_api, "/help", user_id=READERS[1]))
            await bot.new_messages(READERS[1], 1)
            values = await scraped(runner)
        finally:
            await raw.set_authorizer(None)
    assert values["pressbot_updates_total{type=message}"] == 3
    assert values["pressbot_subscribers_active"] == 1
    # The count last read from the database stands while it refuses to give a new one.
    assert values["pressbot_reads_total"] == 1


def test_reads_are_not_shown_before_the_database_told_them() -> None:
    metrics = Metrics()
    assert metrics.registry.get_sample_value("pressbot_reads_total") is None  # not a false 0
    metrics.reads.set(41)
    body, _ = metrics.render("")
    assert samples(body.decode())["pressbot_reads_total"] == 41
    assert "# TYPE pressbot_reads_total counter" in body.decode()
