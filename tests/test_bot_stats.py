"""End to end: /stats tells publishers how each release did — reach, speed, failures, reads —
as text and as a chart, and counts reads once per chat; bad input gets a clear reply."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fakes import FakeBotApi, SentMessage
from harness import RunningBot, TickingClock
from pressbot.core.reports import JoinReason
from pressbot.texts import reports as texts
from pressbot.texts.i18n import translator
from test_delivery import publish, running, settle

EN, RU = translator("en"), translator("ru")
ADMIN = 9001
READERS = (2001, 2002, 2003, 2004)
PNG = b"\x89PNG\r\n\x1a\n"
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
async def bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running(
        fake_api, tmp_path, TickingClock(START), admin_ids=frozenset({ADMIN})
    ) as started:
        for reader in READERS:
            await started.say("/start", chat_id=reader, user_id=reader)
        yield started


async def admin_says(bot: RunningBot, text: str, replies: int = 1) -> list[SentMessage]:
    return await bot.say(text, replies=replies, chat_id=ADMIN, user_id=ADMIN)


async def released(bot: RunningBot) -> int:
    """A release that reaches three readers; the fourth blocked the bot before it."""
    bot.fake.block(READERS[3])
    item_id, broadcast_id = await publish(bot, "Statement on <visas> & more")
    await settle(bot, broadcast_id)
    bot.mark_seen(ADMIN)
    for reader in READERS[:3]:
        bot.mark_seen(reader)
    return item_id


def png_of(bot: RunningBot, message: SentMessage) -> bytes:
    assert message.media == "photo", message
    stored = bot.fake.files.get(message.file_id or "")
    assert stored is not None and stored.data is not None
    return stored.data


def reads_in(db_path: Path) -> list[tuple[int, int]]:
    with sqlite3.connect(db_path) as db:
        return db.execute("SELECT item_id, chat_id FROM reads ORDER BY chat_id").fetchall()


async def test_stats_lists_each_release_with_its_reach_and_reads_then_a_chart(
    bot: RunningBot, tmp_path: Path
) -> None:
    item_id = await released(bot)
    # Two readers open it in full, one of them three times and by each way there is.
    await bot.say(f"/read_{item_id}", chat_id=READERS[0], user_id=READERS[0])
    await bot.say(f"/read {item_id}", chat_id=READERS[0], user_id=READERS[0])
    await bot.say(f"/start read_{item_id}", chat_id=READERS[0], user_id=READERS[0])
    [copy] = bot.fake.messages(READERS[1])[-1:]
    assert copy.reply_markup is not None
    button = copy.reply_markup["inline_keyboard"][0][0]["callback_data"]  # "Read in full"
    await bot.press(copy, button, replies=1, user_id=READERS[1])
    await bot.say("/help", chat_id=READERS[1], user_id=READERS[1])  # the read is kept by then
    assert reads_in(tmp_path / "bot.sqlite3") == [(item_id, READERS[0]), (item_id, READERS[1])]

    overview, chart = await admin_says(bot, "/stats", replies=2)
    text = overview.text or ""
    assert "3 now · 0 a week ago · 0 a month ago" in text
    assert "Last 7 days: 4 joined, 1 left" in text  # the blocked reader, found by the send
    assert f"/read_{item_id} Statement on <visas> & more" in text
    assert "reached 3 of 4 · blocked 1 · read by 2 (66.7 %)" in text
    assert f"/stats_{item_id}" in text
    assert chart.text == texts.subscribers_caption(EN)
    assert png_of(bot, chart).startswith(PNG)


async def test_stats_of_one_release_says_how_fast_why_not_and_who_read_it(
    bot: RunningBot,
) -> None:
    item_id = await released(bot)
    await bot.say(f"/read_{item_id}", chat_id=READERS[2], user_id=READERS[2])
    for asked in (f"/stats {item_id}", f"/stats_{item_id}"):
        detail, chart = await admin_says(bot, asked, replies=2)
        text = detail.text or ""
        assert text.startswith("Statement on <visas> & more\nItem ")
        assert f"Open it: /read_{item_id}" in text
        assert "reached 3 of 4 · blocked 1" in text
        assert "Half of the copies were out after " in text and ", all after " in text
        assert "blocked: 1 — Forbidden: bot was blocked by the user" in text
        assert "Read in full in 1 chat: 33.3 % of the number reached." in text
        assert chart.text == texts.release_caption(item_id, EN)
        assert png_of(bot, chart).startswith(PNG)


async def test_a_withdrawn_release_is_marked_and_has_no_dead_link(bot: RunningBot) -> None:
    item_id = await released(bot)
    [ask] = await admin_says(bot, f"/delete {item_id}")
    assert ask.reply_markup is not None
    withdraw = ask.reply_markup["inline_keyboard"][0][0]["callback_data"]
    await bot.press(ask, withdraw, replies=1, user_id=ADMIN)  # "Item … is withdrawn"
    [withdrawal] = await bot.database.outbox.recent(1)
    await settle(bot, withdrawal.broadcast_id)  # its report is out too
    bot.mark_seen(ADMIN)
    overview, _ = await admin_says(bot, "/stats", replies=2)
    assert "Statement on <visas> & more (withdrawn)" in (overview.text or "")
    assert f"/read_{item_id}" not in (overview.text or "")
    detail, _ = await admin_says(bot, f"/stats {item_id}", replies=2)
    assert "\nWithdrawn " in (detail.text or "")
    assert "/read_" not in (detail.text or "")


async def test_stats_answers_bad_input_with_one_clear_reply(bot: RunningBot) -> None:
    [usage] = await admin_says(bot, "/stats abc")
    assert usage.raw_text == texts.stats_usage(EN)
    [missing] = await admin_says(bot, "/stats 999999")
    assert missing.text == "There is no item 999999. /stats lists the latest releases."
    [never] = await admin_says(bot, "/stats 1")  # a seed item: in the archive, never sent
    assert (never.text or "").startswith("Item 1 was added to the archive without being sent")
    [huge] = await admin_says(bot, "/stats 99999999999999999999999")
    assert huge.raw_text == texts.stats_usage(EN)


async def test_a_reader_is_refused_stats_and_nothing_of_a_release_is_shown(
    bot: RunningBot,
) -> None:
    item_id = await released(bot)
    for asked in ("/stats", f"/stats {item_id}", f"/stats_{item_id}"):
        [refused] = await bot.say(asked, chat_id=READERS[0], user_id=READERS[0])
        assert "reached" not in (refused.text or "")
        assert refused.text == "This command is for the press office's team."


async def test_stats_speaks_the_admins_language(bot: RunningBot) -> None:
    item_id = await released(bot)
    russian = {"user_id": ADMIN, "language_code": "ru"}
    overview, chart = await bot.say("/stats", replies=2, chat_id=ADMIN, **russian)
    assert (overview.text or "").startswith(RU("<b>Subscribers</b>")[3:-4])
    assert chart.text == texts.subscribers_caption(RU)
    _, chart = await bot.say(f"/stats {item_id}", replies=2, chat_id=ADMIN, **russian)
    assert chart.text == texts.release_caption(item_id, RU)


async def test_subscriptions_over_time_keep_why_each_chat_came_and_went(
    bot: RunningBot, tmp_path: Path
) -> None:
    await released(bot)
    await bot.say("/stop", chat_id=READERS[0], user_id=READERS[0])
    bot.clock.now += timedelta(days=8)  # a week later: those changes are "a week ago"
    await bot.say("/start", chat_id=READERS[0], user_id=READERS[0])
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        events = db.execute(
            "SELECT chat_id, joined, reason FROM subscription_events ORDER BY id"
        ).fetchall()
    assert events == [
        *[(reader, 1, JoinReason.SUBSCRIBED) for reader in READERS],
        (READERS[3], 0, JoinReason.BLOCKED),
        (READERS[0], 0, JoinReason.STOPPED),
        (READERS[0], 1, JoinReason.SUBSCRIBED),
    ]
    overview, _ = await admin_says(bot, "/stats", replies=2)
    assert "3 now · 2 a week ago · 0 a month ago" in (overview.text or "")
    assert "Last 7 days: 1 joined, 0 left" in (overview.text or "")


async def test_the_press_offices_own_reads_are_not_counted(
    bot: RunningBot, tmp_path: Path
) -> None:
    item_id = await released(bot)
    await admin_says(bot, f"/read_{item_id}")
    await bot.say(f"/read_{item_id}", chat_id=READERS[0], user_id=READERS[0])
    await bot.say("/help", chat_id=READERS[0], user_id=READERS[0])  # the read is kept by then
    assert reads_in(tmp_path / "bot.sqlite3") == [(item_id, READERS[0])]


async def test_a_restored_release_is_not_reported_withdrawn(bot: RunningBot) -> None:
    item_id = await released(bot)
    [ask] = await admin_says(bot, f"/delete {item_id}")
    await bot.press(ask, f"withdraw:{item_id}", replies=1, user_id=ADMIN)
    [withdrawal] = await bot.database.outbox.recent(1)
    await settle(bot, withdrawal.broadcast_id)
    bot.mark_seen(ADMIN)
    await admin_says(bot, f"/restore {item_id}")
    detail, _ = await admin_says(bot, f"/stats {item_id}", replies=2)
    assert "Withdrawn" not in (detail.text or "")
    assert f"Open it: /read_{item_id}" in (detail.text or "")


async def test_another_bots_stats_link_is_left_alone_and_a_readers_tries_recorded_once(
    bot: RunningBot, tmp_path: Path
) -> None:
    item_id = await released(bot)
    bot.fake.user_sends(f"/stats_{item_id}@SomeOtherBot", chat_id=ADMIN, user_id=ADMIN)
    [help_reply] = await admin_says(bot, "/help")  # answered after it: the link got nothing
    assert "/stats" in (help_reply.text or "")
    for n in range(1, 4):  # a reader trying ids: one refusal in the trail a minute
        await bot.say(f"/stats_{n}", chat_id=READERS[0], user_id=READERS[0])
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        [(refusals,)] = db.execute(
            "SELECT count(*) FROM audit WHERE actor_id = ? AND action = 'refused'",
            (READERS[0],),
        ).fetchall()
    assert refusals == 1
