"""End to end: what Telegram answers besides "sent", and what the engine does about it.

A network error, a 429, a group become a supergroup, dropped connections and time-outs: each
delivery is tried again, paced, moved or given up at its deadline, as the outbox shows. The
helpers and the running bot are test_delivery.py's.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from fakes import FakeBotApi
from harness import TOKEN, RunningBot, TickingClock
from pressbot.core.models import ChatType
from pressbot.delivery.engine import DeliveryEngine, EngineSettings
from pressbot.delivery.sender import BotApiSender
from pressbot.publishing import publish_draft
from pressbot.storage import open_database
from test_delivery import (
    GROUP,
    READERS,
    TITLE,
    bot,
    deliveries,
    draft,
    expected_text,
    publish,
    releases,
    report,
    running,
    sends,
    settle,
    subscribe,
)

__all__ = ["bot"]  # the fixture the tests below take


# -- what Telegram answers besides "sent" ----------------------------------------------------


async def test_the_report_is_shown_after_a_network_error(
    bot: RunningBot, fake: FakeBotApi
) -> None:
    reader = READERS[0]
    await subscribe(bot, reader)
    _, broadcast_id = await publish(bot)
    await fake.wait_for_messages(reader, 1)
    # The next progress message or edit gets no answer: the report comes at the next run.
    fake.drop_connection("sendMessage")
    fake.drop_connection("editMessageText")
    await fake.wait_until(lambda: any(c.status == 0 for c in fake.calls))
    await settle(bot, broadcast_id)
    assert report(fake).startswith(f"Delivery report: {TITLE}")
    assert "Sent 1 of 1 · blocked 0 · failed 0" in report(fake)


async def test_429_pauses_all_sending_then_the_same_message_goes_out(
    fake: FakeBotApi, tmp_path: Path, clock: TickingClock
) -> None:
    readers = tuple(range(5001, 5031))
    flooded = readers[4]
    fake.fail_next("sendMessage", 429, retry_after=1, chat_id=flooded)
    async with running(fake, tmp_path, clock, broadcast_rate=20.0) as bot:
        await subscribe(bot, *readers)
        item_id, broadcast_id = await publish(bot)
        progress = await settle(bot, broadcast_id)
        rows = await deliveries(bot.database, broadcast_id)
    assert (progress.sent, progress.failed) == (30, 0)
    for chat_id in readers:
        [release] = releases(fake, chat_id)  # nothing dropped, nothing twice
        assert release.text == expected_text(item_id)
    [flood] = [c for c in sends(fake) if c.status == 429]
    assert flood.params["chat_id"] == flooded
    after = [c.at - flood.at for c in sends(fake) if c.at > flood.at]
    # At most a request already on its way when the 429 came; then silence for retry_after.
    assert len([t for t in after if t < 0.95]) <= 1, after[:5]
    retried = [c for c in sends(fake, flooded) if c.status == 200]
    assert len(retried) == 1 and retried[0].at - flood.at >= 0.95
    assert rows[flooded]["attempts"] == 1  # flood control is not the chat's fault


async def test_the_rate_holds_under_telegrams_limit(tmp_path: Path, clock: TickingClock) -> None:
    readers = tuple(range(6001, 6061))
    async with (
        FakeBotApi(token=TOKEN, now=clock.telegram, rate_limit=30) as fake,
        running(fake, tmp_path, clock, broadcast_rate=25.0) as bot,
    ):
        await subscribe(bot, *readers)
        _, broadcast_id = await publish(bot)
        progress = await settle(bot, broadcast_id)
        times = sorted(c.at for c in sends(fake))
        assert fake.violations == []
    assert progress.sent == 60
    assert fake.flood_429_count == 0
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert 22.0 <= rate <= 26.0, rate
    for start in times:  # no sliding second holds more than the rate and its small burst
        assert len([t for t in times if start <= t < start + 1.0]) <= 28


async def test_a_group_that_became_a_supergroup_gets_it_at_its_new_id(
    bot: RunningBot, fake: FakeBotApi
) -> None:
    supergroup = -1009876543210
    await subscribe(bot, GROUP, READERS[0])
    fake.migrate(GROUP, supergroup)
    item_id, broadcast_id = await publish(bot)
    progress = await settle(bot, broadcast_id)
    [release] = releases(fake, supergroup)
    assert release.text == expected_text(item_id)
    assert releases(fake, GROUP) == []
    rows = await deliveries(bot.database, broadcast_id)
    assert set(rows) == {supergroup, READERS[0]}
    assert rows[supergroup]["status"] == "sent"
    assert rows[supergroup]["message_id"] == release.message_id
    assert (progress.total, progress.sent) == (2, 2)
    assert await bot.database.subscribers.is_active(supergroup)
    assert not await bot.database.subscribers.is_active(GROUP)
    # Later broadcasts go to the new id straight away.
    _, second = await publish(bot, title="A second release")
    await settle(bot, second)
    assert [c.params["chat_id"] for c in sends(fake) if c.params["chat_id"] < 0] == [
        GROUP,
        supergroup,
        supergroup,
    ]


# The fake drops the next sendMessage calls whatever their chat: no progress messages here.
QUIET_ADMIN = {"progress_interval": 60.0}


async def test_dropped_connections_are_retried_with_backoff(
    fake: FakeBotApi, tmp_path: Path, clock: TickingClock
) -> None:
    reader = READERS[0]
    async with running(fake, tmp_path, clock, **QUIET_ADMIN) as bot:
        await subscribe(bot, reader)
        fake.drop_connection("sendMessage", times=2)
        item_id, broadcast_id = await publish(bot)
        await settle(bot, broadcast_id, reported=False)
        row = (await deliveries(bot.database, broadcast_id))[reader]
    [release] = releases(fake, reader)
    assert release.text == expected_text(item_id)
    tries = sends(fake, reader)
    assert [c.status for c in tries] == [0, 0, 200]
    # Backoff: retry_base (0.05 s), then twice that; the chat's own pace (1 s) counts too.
    assert tries[1].at - tries[0].at >= 0.05
    assert tries[2].at - tries[1].at >= 0.1
    assert (row["status"], row["attempts"], row["message_id"]) == ("sent", 3, release.message_id)


async def test_a_delivery_is_given_up_only_at_its_deadline_with_the_last_error(
    fake: FakeBotApi, tmp_path: Path, clock: TickingClock
) -> None:
    reader, other = READERS[0], READERS[1]
    async with running(fake, tmp_path, clock, delivery_deadline=120, **QUIET_ADMIN) as bot:
        await subscribe(bot, reader)
        fake.drop_connection("sendMessage", times=1)
        _, broadcast_id = await publish(bot)

        async def tried() -> bool:
            return (await deliveries(bot.database, broadcast_id))[reader]["attempts"] >= 1

        while not await tried():  # noqa: ASYNC110 - the state is in SQLite
            await asyncio.sleep(0.02)
        clock.advance(hours=0.05)  # three minutes later: past the two-minute deadline
        progress = await settle(bot, broadcast_id, reported=False)
        row = (await deliveries(bot.database, broadcast_id))[reader]
        assert row["status"] == "failed"
        assert row["error"].startswith("not delivered within 2 min: "), row
        assert "Server disconnected" in row["error"] or "Connection" in row["error"], row
        assert TOKEN not in row["error"]
        # A failure is not a block: the reader stays subscribed and gets the next release.
        assert await bot.database.subscribers.is_active(reader)
        assert (progress.sent, progress.blocked, progress.failed) == (0, 0, 1)
        await subscribe(bot, other)
        _, second = await publish(bot, title="A second release")
        await settle(bot, second, reported=False)
    assert len(sends(fake, reader)) == 2  # the dropped try and the second release
    assert [m.text.split("\n")[0] for m in releases(fake, reader)] == ["A second release"]
    assert len(releases(fake, other)) == 1


async def test_time_outs_are_retried_until_the_deadline(
    fake: FakeBotApi, tmp_path: Path, clock: TickingClock
) -> None:
    # The application's sender waits 10 s for an answer; a sender with a short time-out, in an
    # engine of its own over the same storage, keeps this test fast.
    database = await open_database(tmp_path / "engine.sqlite3")
    engine = DeliveryEngine(
        database,
        BotApiSender(fake.base_url, TOKEN, timeout=0.2),
        EngineSettings(rate=30.0, retry_base=0.05, flush_interval=0.05, deadline=60.0),
        clock,
    )
    engine.start()
    try:
        reader, patient = READERS[0], READERS[1]
        await database.subscribers.subscribe(reader, ChatType.PRIVATE, "en", clock())
        fake.delay("sendMessage", 0.5)
        _, broadcast_id = await publish_draft(database, engine, draft(), clock())

        async def attempts() -> int:
            return int((await deliveries(database, broadcast_id))[reader]["attempts"])

        while await attempts() < 1:  # noqa: ASYNC110 - the state is in SQLite
            await asyncio.sleep(0.02)
        fake.delay("sendMessage", 0)  # Telegram answers in time again: the retry goes through
        while (await deliveries(database, broadcast_id))[reader]["status"] == "pending":  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        row = (await deliveries(database, broadcast_id))[reader]
        assert (row["status"], row["attempts"]) == ("sent", 2)
        # The timed-out request arrived after all: a time-out may leave a duplicate.
        copies = releases(fake, reader)
        assert row["message_id"] in [m.message_id for m in copies]
        assert 1 <= len(copies) <= 2

        # Telegram stays too slow: tried again and again, the row fails at its deadline with
        # the time-out's text.
        await database.subscribers.unsubscribe(reader, clock())
        await database.subscribers.subscribe(patient, ChatType.PRIVATE, "en", clock())
        fake.delay("sendMessage", 0.5)
        _, second = await publish_draft(database, engine, draft("Second"), clock())
        while (await deliveries(database, second))[patient]["attempts"] < 2:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        clock.advance(hours=1 / 30)  # two minutes: past the one-minute deadline
        while (await deliveries(database, second))[patient]["status"] == "pending":  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        row = (await deliveries(database, second))[patient]
        assert row["status"] == "failed"
        assert row["error"] == "not delivered within 1 min: timed out after 0.2 s"
        assert TOKEN not in row["error"]
    finally:
        fake.delay("sendMessage", 0)
        await engine.stop()
        await engine.close()
        await database.close()
