"""End to end: the delivery engine in the real Application against the fake Bot API.

Releases are published the way the admin handlers publish them (pressbot.publishing); what is
asserted is what readers see in their chats and what the outbox holds. The application's clock
ticks with real time from the seed page's instant (retries are due by it), and the tests move it
forward by hours to make delivered copies old; the fake Telegram reads the same clock, optionally
`skew` ahead of it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from fakes import ApiCall, FakeBotApi, SentMessage
from harness import TOKEN, RunningBot, TickingClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.bot.context import SERVICES_KEY, Services
from pressbot.core.models import (
    BroadcastProgress,
    ChatType,
    Draft,
    DraftStage,
    ItemKind,
    ItemStatus,
)
from pressbot.delivery.engine import DeliveryEngine, EngineSettings
from pressbot.delivery.sender import BotApiSender
from pressbot.publishing import correct_item, publish_draft, withdraw
from pressbot.storage import Database, open_database

ADMIN = 9001
READERS = tuple(range(2001, 2013))
GROUP = -4001
TITLE = "Embassy comment on the <Salisbury> case & the OPCW"
BODY = (
    "<b>Question:</b> Has the Embassy received any answer from the Foreign Office?\n\n"
    "<b>Answer:</b> Not yet. We call on London to cooperate with Russia in the investigation."
)
FAST = {"progress_interval": 0.5, "delivery_retry_base": 0.05, "broadcast_rate": 30.0}


@asynccontextmanager
async def running(
    fake: FakeBotApi, tmp_path: Path, clock: TickingClock, **settings: Any
) -> AsyncIterator[RunningBot]:
    """The bot started on tmp_path's database with fast retries and progress reports."""
    bot = make_bot(fake, tmp_path / "bot.sqlite3", clock, **{**FAST, **settings})
    await start_bot(bot.application)
    try:
        yield bot
    finally:
        await stop_bot(bot.application)


@pytest.fixture
async def bot(fake: FakeBotApi, tmp_path: Path, clock: TickingClock) -> AsyncIterator[RunningBot]:
    async with running(fake, tmp_path, clock) as started:
        yield started


def engine_of(bot: RunningBot) -> DeliveryEngine:
    services = bot.application.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    return services.engine


def draft(title: str = TITLE, body: str = BODY, item_id: int | None = None) -> Draft:
    return Draft(ADMIN, ADMIN, DraftStage.PREVIEW, item_id, title, body, ItemKind.PRESS_RELEASE)


async def subscribe(bot: RunningBot, *chat_ids: int) -> None:
    for chat_id in chat_ids:
        kind = ChatType.PRIVATE if chat_id > 0 else ChatType.GROUP
        await bot.database.subscribers.subscribe(chat_id, kind, "en", bot.clock())


async def publish(bot: RunningBot, title: str = TITLE, body: str = BODY) -> tuple[int, int]:
    return await publish_draft(bot.database, engine_of(bot), draft(title, body), bot.clock())


async def settle(
    bot: RunningBot,
    broadcast_id: int,
    *,
    reported: bool = True,
    timeout: float = 10.0,  # noqa: ASYNC109 - the test's own deadline
) -> BroadcastProgress:
    """Wait until every delivery of the broadcast is final (and the admin's report is out)."""
    deadline = time.monotonic() + timeout
    while True:
        progress = await bot.database.outbox.progress(broadcast_id)
        assert progress is not None
        if progress.finished if reported else progress.pending == 0:
            return progress
        assert time.monotonic() < deadline, f"broadcast {broadcast_id} unfinished: {progress}"
        await asyncio.sleep(0.05)


async def quiet(database: Database, engine: DeliveryEngine, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Wait until nothing is pending in the outbox and nothing is in flight."""
    deadline = time.monotonic() + timeout
    while await database.outbox.pending_count() or engine.in_flight:
        assert time.monotonic() < deadline, "the outbox did not empty"
        await asyncio.sleep(0.05)


async def deliveries(database: Database, broadcast_id: int) -> dict[int, dict[str, Any]]:
    """The outbox rows of a broadcast, by chat id."""
    async with (
        database.connection.reading() as db,
        db.execute(
            "SELECT chat_id, status, message_id, error, attempts FROM deliveries"
            " WHERE broadcast_id = ?",
            (broadcast_id,),
        ) as cursor,
    ):
        return {row["chat_id"]: dict(row) async for row in cursor}


def sends(fake: FakeBotApi, chat_id: int | None = None) -> list[ApiCall]:
    return [
        call
        for call in fake.calls
        if call.method == "sendMessage"
        and call.params.get("chat_id") != ADMIN
        and (chat_id is None or call.params.get("chat_id") == chat_id)
    ]


def releases(fake: FakeBotApi, chat_id: int) -> list[SentMessage]:
    """The bot's messages in a reader's chat (deleted ones included)."""
    return fake.messages(chat_id)


def report(fake: FakeBotApi) -> str:
    """The admin's progress message as it reads now (the last one, edited in place)."""
    messages = fake.messages(ADMIN)
    assert messages, "no progress message"
    return messages[-1].text or ""


def expected_text(item_id: int, title: str = TITLE) -> str:
    return (
        f"{title}\n18.10.2018 · Press release\n\n"
        "Question: Has the Embassy received any answer from the Foreign Office?\n\n"
        f"Read in full: /read_{item_id}"
    )


# -- sending ----------------------------------------------------------------------------------


async def test_every_active_subscriber_gets_the_release_once(
    bot: RunningBot, fake: FakeBotApi
) -> None:
    await subscribe(bot, *READERS, GROUP, 3001, 3002)
    await bot.database.subscribers.unsubscribe(3001, bot.clock())
    fake.block(3002)
    await bot.database.subscribers.unsubscribe(3002, bot.clock())
    item_id, broadcast_id = await publish(bot)
    assert item_id == 12  # after the eleven seed items
    progress = await settle(bot, broadcast_id)
    for chat_id in (*READERS, GROUP):
        [release] = releases(fake, chat_id)
        assert release.text == expected_text(item_id)
        assert release.entities[0] == {
            "type": "bold",
            "offset": 0,
            "length": len(release.text.split("\n")[0]),
        }
        assert release.reply_markup == {
            "inline_keyboard": [[{"text": "Read in full", "callback_data": f"read:{item_id}"}]]
        }
    assert releases(fake, 3001) == [] and releases(fake, 3002) == []
    assert sends(fake, 3002) == []  # unsubscribed: not even tried
    rows = await deliveries(bot.database, broadcast_id)
    assert set(rows) == {*READERS, GROUP}
    for chat_id, row in rows.items():
        assert (row["status"], row["error"], row["attempts"]) == ("sent", None, 1)
        assert row["message_id"] == releases(fake, chat_id)[0].message_id
    assert (progress.total, progress.sent, progress.blocked, progress.failed) == (13, 13, 0, 0)
    assert report(fake).startswith(f"Delivery report: {TITLE}")
    assert "Sent 13 of 13 · blocked 0 · failed 0" in report(fake)
    assert len(fake.messages(ADMIN)) == 1  # one progress message, edited into the report
    assert len(sends(fake)) == 13
    # The button under the release sends the whole item.
    release = releases(fake, READERS[0])[0]
    fake.user_presses(release.message_id, READERS[0], f"read:{item_id}", user_id=READERS[0])
    _, full = await fake.wait_for_messages(READERS[0], 2)
    assert full.text.startswith(f"{TITLE}\n18.10.2018 · Press release\n\nQuestion: Has")


async def test_blocked_deactivated_kicked_and_unknown_chats_stop_being_subscribers(
    bot: RunningBot, fake: FakeBotApi
) -> None:
    blocked, deactivated, unknown, fine = 2001, 2002, 2003, 2004
    await subscribe(bot, blocked, deactivated, unknown, fine, GROUP)
    fake.block(blocked)
    fake.deactivate(deactivated)
    fake.unknown_chat(unknown)
    fake.block(GROUP)  # the bot was kicked from the group
    _, broadcast_id = await publish(bot)
    progress = await settle(bot, broadcast_id)
    rows = await deliveries(bot.database, broadcast_id)
    assert rows[blocked]["error"] == "Forbidden: bot was blocked by the user"
    assert rows[deactivated]["error"] == "Forbidden: user is deactivated"
    assert rows[unknown]["error"] == "Bad Request: chat not found"
    assert rows[GROUP]["error"] == "Forbidden: bot was kicked from the group chat"
    for chat_id in (blocked, deactivated, unknown, GROUP):
        assert rows[chat_id]["status"] == "blocked"
        assert not await bot.database.subscribers.is_active(chat_id)
        assert len(sends(fake, chat_id)) == 1  # tried once, never retried
    assert rows[fine]["status"] == "sent"
    assert (progress.sent, progress.blocked, progress.failed) == (1, 4, 0)
    assert "Sent 1 of 5 · blocked 4 · failed 0" in report(fake)
    # The next release is not even tried in those chats.
    _, second = await publish(bot, title="A second release")
    await settle(bot, second)
    assert set(await deliveries(bot.database, second)) == {fine}
    for chat_id in (blocked, deactivated, unknown, GROUP):
        assert len(sends(fake, chat_id)) == 1
    assert len(releases(fake, fine)) == 2


async def test_a_chat_blocked_with_two_releases_queued_is_tried_once(
    bot: RunningBot, fake: FakeBotApi
) -> None:
    blocked, fine = 2001, 2002
    await subscribe(bot, blocked, fine)
    fake.block(blocked)
    _, first = await publish(bot, title="First release")
    _, second = await publish(bot, title="Second release")
    await settle(bot, first)
    await settle(bot, second)
    assert len(sends(fake, blocked)) == 1
    row = (await deliveries(bot.database, second))[blocked]
    assert (row["status"], row["error"]) == ("failed", "no longer subscribed")
    assert len(releases(fake, fine)) == 2


async def test_a_reader_who_unsubscribes_mid_broadcast_gets_nothing(
    fake: FakeBotApi, tmp_path: Path, clock: TickingClock
) -> None:
    readers = tuple(range(4001, 4041))
    leaving = readers[-1]  # two seconds into the broadcast
    async with running(fake, tmp_path, clock, broadcast_rate=20.0) as bot:
        await subscribe(bot, *readers)
        _, broadcast_id = await publish(bot)
        await fake.wait_until(lambda: len(sends(fake)) >= 3)
        fake.user_sends("/stop", user_id=leaving)
        await fake.wait_for_messages(leaving, 1)
        progress = await settle(bot, broadcast_id)
        row = (await deliveries(bot.database, broadcast_id))[leaving]
    [reply] = releases(fake, leaving)
    assert reply.text.startswith("Unsubscribed")
    assert (row["status"], row["error"]) == ("failed", "no longer subscribed")
    assert (progress.sent, progress.failed) == (len(readers) - 1, 1)


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


async def test_two_releases_in_a_row_reach_a_chat_a_second_apart(
    bot: RunningBot, fake: FakeBotApi
) -> None:
    readers = READERS[:3]
    await subscribe(bot, *readers)
    _, first = await publish(bot, title="First release")
    _, second = await publish(bot, title="Second release")
    await settle(bot, first)
    await settle(bot, second)
    for chat_id in readers:
        one, two = sends(fake, chat_id)
        assert two.at - one.at >= 0.9
        texts = [m.text.split("\n")[0] for m in releases(fake, chat_id)]
        assert texts == ["First release", "Second release"]


# -- corrections and withdrawals ------------------------------------------------------------


async def test_a_correction_edits_every_delivered_copy_in_place(
    bot: RunningBot, fake: FakeBotApi, clock: TickingClock
) -> None:
    readers = READERS[:5]
    blocked = 2999
    await subscribe(bot, *readers, GROUP, blocked)
    fake.block(blocked)
    item_id, broadcast_id = await publish(bot)
    await settle(bot, broadcast_id)
    sent = {chat_id: releases(fake, chat_id)[0].message_id for chat_id in (*readers, GROUP)}
    clock.advance(hours=1)
    corrected = "Embassy comment on the Salisbury case (corrected)"
    body = BODY.replace("Has the Embassy received", "Did the Embassy receive")
    fix = await correct_item(
        bot.database, engine_of(bot), draft(corrected, body, item_id=item_id), bot.clock()
    )
    progress = await settle(bot, fix)
    for chat_id, message_id in sent.items():
        [copy] = releases(fake, chat_id)  # no new message: the same one, edited
        assert copy.message_id == message_id
        assert copy.edited
        lines = copy.text.split("\n")
        assert lines[0] == corrected
        assert lines[1] == "18.10.2018 · Press release · Updated"
        assert "Question: Did the Embassy receive any answer" in copy.text
        assert copy.reply_markup == {
            "inline_keyboard": [[{"text": "Read in full", "callback_data": f"read:{item_id}"}]]
        }
    assert [c.params["chat_id"] for c in fake.calls if c.method == "editMessageText"].count(
        blocked
    ) == 0
    rows = await deliveries(bot.database, fix)
    assert set(rows) == set(sent)
    assert all(row["status"] == "sent" for row in rows.values())
    assert (progress.action.value, progress.total, progress.sent) == ("edit", 6, 6)
    assert report(fake).startswith(f"Correction report: {corrected}")
    # Whoever reads it in full now gets the corrected text.
    fake.user_sends(f"/read_{item_id}", user_id=readers[0])
    _, full = await fake.wait_for_messages(readers[0], 2)
    assert full.text.startswith(corrected)


async def test_a_withdrawal_deletes_young_copies_and_edits_old_ones(
    bot: RunningBot, fake: FakeBotApi, clock: TickingClock
) -> None:
    readers = READERS[:3]
    await subscribe(bot, *readers)
    old_item, old_send = await publish(bot, title="An old release")
    await settle(bot, old_send)
    clock.advance(hours=47)
    young_item, young_send = await publish(bot, title="A young release")
    await settle(bot, young_send)
    clock.advance(hours=2)  # the old copies are 49 h old now, the young ones 2 h
    for item_id in (old_item, young_item):
        broadcast = await withdraw(
            bot.database, engine_of(bot), item_id, admin_id=ADMIN, chat_id=ADMIN, now=bot.clock()
        )
        progress = await settle(bot, broadcast)
        assert (progress.total, progress.sent, progress.failed) == (3, 3, 0)
        assert report(fake).startswith("Withdrawal report: ")
    for chat_id in readers:
        old, young = releases(fake, chat_id)
        assert young.deleted
        assert not old.deleted and old.edited
        assert old.text == (
            "An old release\nThis item of 18.10.2018 was withdrawn by the Embassy."
        )
        assert [e["type"] for e in old.entities] == ["strikethrough", "italic"]
        assert old.reply_markup is None
    methods = [c.method for c in fake.calls if c.params.get("chat_id") in readers]
    assert methods.count("deleteMessage") == 3 and methods.count("editMessageText") == 3
    for item_id in (old_item, young_item):
        item = await bot.database.items.get(item_id)
        assert item is not None and item.status is ItemStatus.WITHDRAWN
    assert await bot.database.items.search("release", 5) == []


async def test_a_copy_telegram_will_not_delete_any_more_is_edited_instead(
    bot: RunningBot, fake: FakeBotApi, clock: TickingClock
) -> None:
    reader = READERS[0]
    await subscribe(bot, reader)
    item_id, send = await publish(bot)
    await settle(bot, send)
    # 47 h by the bot's clock, under its margin; Telegram's clock says 49 h.
    clock.advance(hours=47)
    clock.skew = timedelta(hours=2)
    broadcast = await withdraw(
        bot.database, engine_of(bot), item_id, admin_id=ADMIN, chat_id=ADMIN, now=bot.clock()
    )
    progress = await settle(bot, broadcast)
    [copy] = releases(fake, reader)
    assert not copy.deleted and copy.edited
    assert "was withdrawn by the Embassy" in (copy.text or "")
    calls = [(c.method, c.status) for c in fake.calls if c.params.get("chat_id") == reader]
    assert calls[-2:] == [("deleteMessage", 400), ("editMessageText", 200)]
    assert progress.sent == 1


async def test_a_withdrawal_during_a_broadcast_stops_it_and_removes_what_went_out(
    fake: FakeBotApi, tmp_path: Path, clock: TickingClock
) -> None:
    readers = tuple(range(7001, 7041))
    async with running(fake, tmp_path, clock, broadcast_rate=10.0) as bot:
        await subscribe(bot, *readers)
        item_id, send = await publish(bot)
        await fake.wait_until(lambda: len(sends(fake)) >= 8)
        # The progress message shows the broadcast under way.
        await fake.wait_until(
            lambda: "Delivering:" in (report(fake) if fake.messages(ADMIN) else "")
        )
        broadcast = await withdraw(
            bot.database, engine_of(bot), item_id, admin_id=ADMIN, chat_id=ADMIN, now=bot.clock()
        )
        await settle(bot, broadcast)
        await quiet(bot.database, engine_of(bot))
        assert "failed" in report(fake)
        reached = [c for c in readers if releases(fake, c)]
        assert 8 <= len(reached) < len(readers)
        for chat_id in reached:
            assert all(m.deleted for m in releases(fake, chat_id)), chat_id
        rows = await deliveries(bot.database, send)
        not_sent = [row for row in rows.values() if row["status"] != "sent"]
        assert {row["error"] for row in not_sent} == {"withdrawn before delivery"}
        assert len(not_sent) + len(reached) == len(readers)


async def test_a_correction_during_a_broadcast_reaches_every_copy(
    fake: FakeBotApi, tmp_path: Path, clock: TickingClock
) -> None:
    readers = tuple(range(7101, 7125))
    corrected = "Corrected title"
    async with running(fake, tmp_path, clock, broadcast_rate=20.0) as bot:
        await subscribe(bot, *readers)
        item_id, send = await publish(bot)
        await fake.wait_until(lambda: len(sends(fake)) >= 6)
        clock.advance(hours=1)
        fix = await correct_item(
            bot.database, engine_of(bot), draft(corrected, item_id=item_id), bot.clock()
        )
        sent_before = len(sends(fake))
        await settle(bot, send)
        await settle(bot, fix)
        await quiet(bot.database, engine_of(bot))
    for chat_id in readers:
        [copy] = releases(fake, chat_id)
        assert copy.text.startswith(f"{corrected}\n18.10.2018 · Press release · Updated"), chat_id
    # Only copies that left with the old text are edited: those sent before the correction,
    # and the few sent while the engine's copy of the item was up to item_refresh (0.25 s) old.
    edits = [c for c in fake.calls if c.method == "editMessageText" and c.params["chat_id"] > 0]
    edits = [c for c in edits if c.params["chat_id"] != ADMIN]
    assert sent_before <= len(edits) <= sent_before + 7 < len(readers)


async def copies_in_flight(bot: RunningBot, fake: FakeBotApi, readers: tuple[int, ...]) -> int:
    """Publish to `readers` while Telegram takes 0.4 s to answer; return once all are sent off."""
    await subscribe(bot, *readers)
    fake.delay("sendMessage", 0.4)
    item_id, _ = await publish(bot)
    engine = engine_of(bot)
    while engine.in_flight < len(readers):  # noqa: ASYNC110 - engine state, no event for it
        await asyncio.sleep(0.01)
    assert sends(fake) == []  # none has been answered yet
    return item_id


async def test_copies_in_flight_during_a_correction_are_edited_too(
    bot: RunningBot, fake: FakeBotApi, clock: TickingClock
) -> None:
    readers = READERS[:3]
    item_id = await copies_in_flight(bot, fake, readers)
    clock.advance(hours=1)
    fix = await correct_item(
        bot.database, engine_of(bot), draft("Corrected title", item_id=item_id), bot.clock()
    )
    fake.delay("sendMessage", 0)
    await quiet(bot.database, engine_of(bot))
    progress = await settle(bot, fix)
    for chat_id in readers:
        [copy] = releases(fake, chat_id)
        assert copy.edited and copy.text.startswith("Corrected title\n"), chat_id
    assert (progress.total, progress.sent) == (3, 3)
    assert "Sent 3 of 3" in report(fake)


async def test_copies_in_flight_during_a_withdrawal_are_removed_too(
    bot: RunningBot, fake: FakeBotApi
) -> None:
    readers = READERS[:3]
    item_id = await copies_in_flight(bot, fake, readers)
    broadcast = await withdraw(
        bot.database, engine_of(bot), item_id, admin_id=ADMIN, chat_id=ADMIN, now=bot.clock()
    )
    fake.delay("sendMessage", 0)
    await quiet(bot.database, engine_of(bot))
    progress = await settle(bot, broadcast)
    for chat_id in readers:
        [copy] = releases(fake, chat_id)
        assert copy.deleted, chat_id
    assert (progress.total, progress.sent) == (3, 3)


# -- stopping -----------------------------------------------------------------------------------


async def test_a_clean_stop_mid_broadcast_loses_nothing_and_repeats_nothing(
    fake: FakeBotApi, tmp_path: Path, clock: TickingClock
) -> None:
    readers = tuple(range(8001, 8041))
    async with running(fake, tmp_path, clock, broadcast_rate=20.0) as bot:
        await subscribe(bot, *readers)
        _, send = await publish(bot)
        await fake.wait_until(lambda: len(sends(fake)) >= 10)
    halfway = len(sends(fake))
    assert halfway < len(readers)
    async with running(fake, tmp_path, clock, broadcast_rate=30.0) as bot:
        progress = await settle(bot, send)
    assert progress.sent == len(readers)
    for chat_id in readers:
        assert len(releases(fake, chat_id)) == 1, chat_id
