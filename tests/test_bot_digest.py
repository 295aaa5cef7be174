"""End to end: /digest turns releases into one message a day; urgent ones still come at once."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fakes import FakeBotApi
from harness import USER, RunningBot, SettableClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.core.models import ItemKind

OTHER = 2002
#: The seed page's instant: 06:18 in London (British summer time).
PAGE_TIME = datetime(2018, 10, 18, 5, 18, tzinfo=UTC)


@pytest.fixture
async def digest_bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot, looking for due digests five times a second."""
    running = make_bot(
        fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME), digest_check_interval=0.2
    )
    await start_bot(running.application)
    yield running
    await stop_bot(running.application)


async def digest_since(bot: RunningBot, chat_id: int) -> str | None:
    async with (
        bot.database.connection.reading() as db,
        db.execute("SELECT digest_since FROM subscribers WHERE chat_id = ?", (chat_id,)) as cur,
    ):
        row = await cur.fetchone()
    return None if row is None else row[0]


async def until_digest_moves_to(bot: RunningBot, chat_id: int, stamp: str) -> None:
    """Wait for the digest job to have looked at the chat at the new time."""
    for _ in range(300):
        if await digest_since(bot, chat_id) == stamp:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"digest_since is {await digest_since(bot, chat_id)}, not {stamp}")


def texts(bot: RunningBot, chat_id: int) -> list[str]:
    return [m.text or "" for m in bot.fake.messages(chat_id)]


async def test_releases_wait_for_the_daily_digest_and_urgent_ones_do_not(
    digest_bot: RunningBot,
) -> None:
    bot = digest_bot
    await bot.say("/start")
    await bot.say("/start", chat_id=OTHER, user_id=OTHER)
    [shown] = await bot.say("/digest 08:00")
    assert (shown.text or "").startswith(
        "Daily digest\nOne message a day at 08:00 London time lists that day's releases."
    )
    assert await bot.release("Comment on the Skripal case", ItemKind.EVENT) == 1  # OTHER only
    assert await bot.release("Consular alert: visas", ItemKind.CONSULAR_ALERT, urgent=True) == 2
    await bot.fake.wait_until(lambda: any("Consular alert: visas" in t for t in texts(bot, USER)))
    await bot.fake.wait_for_messages(OTHER, 3)
    assert not any("Skripal" in t for t in texts(bot, USER))

    bot.clock.now = datetime(2018, 10, 19, 7, 0, 30, tzinfo=UTC)  # 08:00:30 in London
    await bot.fake.wait_until(lambda: any("Daily digest ·" in t for t in texts(bot, USER)))
    digest = texts(bot, USER)[-1]
    assert digest == (
        "Daily digest · 19 October 2018: 1 release\n\n"
        "18.10.2018 — Comment on the Skripal case /read_12"
    )
    await until_digest_moves_to(bot, USER, "2018-10-19T07:00:00+00:00")
    count = len(texts(bot, USER))

    # A day with nothing sends nothing, and yesterday's digest is not sent again.
    bot.clock.now = datetime(2018, 10, 20, 7, 0, 30, tzinfo=UTC)
    await until_digest_moves_to(bot, USER, "2018-10-20T07:00:00+00:00")
    await asyncio.sleep(0.5)
    assert len(texts(bot, USER)) == count
    assert bot.fake.violations == []


async def test_the_digest_keeps_local_time_when_the_clocks_go_back(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    # Saturday 24 October 2026, 13:00 in London (BST); the clocks go back that night.
    clock = SettableClock(datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    bot = make_bot(fake_api, tmp_path / "bot.sqlite3", clock, digest_check_interval=0.2)
    await start_bot(bot.application)
    try:
        await bot.say("/start")
        await bot.say("/digest 08:00")
        await bot.release("Statement on the clocks", ItemKind.STATEMENT)
        # 07:30 UTC on Sunday is 07:30 GMT: an hour before the digest, not half an hour after.
        clock.now = datetime(2026, 10, 25, 7, 30, tzinfo=UTC)
        await asyncio.sleep(0.6)
        assert not any("Daily digest ·" in t for t in texts(bot, USER))
        clock.now = datetime(2026, 10, 25, 8, 0, 5, tzinfo=UTC)
        await bot.fake.wait_until(lambda: any("Daily digest ·" in t for t in texts(bot, USER)))
        assert texts(bot, USER)[-1].startswith("Daily digest · 25 October 2026: 1 release")
        await until_digest_moves_to(bot, USER, "2026-10-25T08:00:00+00:00")
    finally:
        await stop_bot(bot.application)


async def test_a_long_digest_is_split_and_a_russian_one_is_in_russian(
    digest_bot: RunningBot,
) -> None:
    bot = digest_bot
    await bot.say("/start", language_code="ru")
    await bot.say("/digest 08:00", language_code="ru")
    title = "Embassy Press Officer’s reply to a media question concerning " + "x" * 150
    services = bot.application.bot_data.ready()
    for number in range(40):
        await bot.release(f"{title} {number}", ItemKind.EVENT)
    assert await services.database.outbox.pending_count() == 0  # nothing queued for USER
    # Telegram fails the first try (a 500): the digest comes at the next look, once.
    bot.fake.fail_next("sendMessage", 500, chat_id=USER)
    bot.clock.now = datetime(2018, 10, 19, 7, 1, tzinfo=UTC)
    await until_digest_moves_to(bot, USER, "2018-10-19T07:00:00+00:00")
    parts = [t for t in texts(bot, USER) if "/read_" in t and "x" * 150 in t]
    assert len(parts) >= 2  # 40 lines of over 200 characters do not fit in 4096
    assert texts(bot, USER)[-len(parts)].startswith(
        "Ежедневная сводка · 19 октября 2018: 40 материалов"
    )
    lines = [line for part in parts for line in part.split("\n\n")][1:]  # after the header
    links = [line.rsplit(" ", 1)[1] for line in lines]
    assert links == [f"/read_{12 + n}" for n in range(40)]
    assert bot.fake.violations == []


async def test_digest_settings_answer_every_input_and_off_sends_what_waited(
    digest_bot: RunningBot,
) -> None:
    bot = digest_bot
    [not_subscribed] = await bot.say("/digest 08:00")
    assert not_subscribed.text == (
        "This chat is not subscribed. /subscribe first, then choose a digest."
    )
    await bot.say("/start")
    [bad] = await bot.say("/digest 25:00")
    assert bad.text == "25:00 is not a time of day."
    [worse] = await bot.say("/digest tomorrow")
    assert worse.text == "Send the time of your digest as “08:00”, or “off”."
    assert await digest_since(bot, USER) is None  # nothing changed
    [shown] = await bot.say("/digest 07:30")
    await bot.press(shown, "digestzone:Moscow")
    [moved] = [m for m in bot.fake.messages(USER) if m.message_id == shown.message_id]
    assert "at 07:30 Moscow time" in (moved.text or "")
    await bot.release("Waiting in the digest", ItemKind.PRESS_RELEASE)
    collected, off = await bot.say("/digest off", replies=2)
    assert collected.text == (
        "Daily digest · 18 October 2018: 1 release\n\n18.10.2018 — Waiting in the digest /read_12"
    )
    assert (off.text or "").startswith("Daily digest\nEach release arrives as it is published.")
    assert await digest_since(bot, USER) is None
    assert bot.fake.violations == []
