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
from pathlib import Path
from typing import Any

import pytest

from fakes import ApiCall, FakeBotApi, SentMessage
from harness import RunningBot, TickingClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.core.models import (
    BroadcastProgress,
    ChatType,
    Draft,
    DraftStage,
    ItemKind,
)
from pressbot.delivery.engine import DeliveryEngine
from pressbot.publishing import publish_draft
from pressbot.storage import Database

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
    return bot.application.bot_data.ready().engine


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
