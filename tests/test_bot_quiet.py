"""End to end: quiet hours hold releases until morning, in order; urgent ones come at once."""

import asyncio
from datetime import UTC, datetime

from harness import USER, RunningBot
from pressbot.core.models import DeliveryStatus, ItemKind

OTHER = 2002


async def statuses_when_settled(bot: RunningBot) -> list[str]:
    """The delivery statuses once no row is pending (outcomes are written in batches)."""
    for _ in range(100):
        async with (
            bot.database.connection.reading() as db,
            db.execute("SELECT DISTINCT status FROM deliveries") as cursor,
        ):
            statuses = [row[0] async for row in cursor]
        if DeliveryStatus.PENDING.value not in statuses:
            return statuses
        await asyncio.sleep(0.05)
    return statuses


def titles(bot: RunningBot, chat_id: int) -> list[str]:
    return [(m.text or "").split("\n")[0] for m in bot.fake.messages(chat_id)]


async def test_releases_wait_for_the_end_of_the_quiet_hours(bot: RunningBot) -> None:
    # 06:18 in London: inside 23:00-07:00, which ends at 06:00 UTC (British summer time).
    await bot.say("/start")
    await bot.say("/start", chat_id=OTHER, user_id=OTHER)
    [shown] = await bot.say("/quiet 23:00-07:00")
    assert "Quiet hours: 23:00–07:00 London time" in (shown.text or "")
    await bot.release("First at night", ItemKind.EVENT)
    await bot.release("Second at night", ItemKind.EVENT)
    await bot.fake.wait_for_messages(OTHER, 3)  # the reader without quiet hours gets both
    await bot.release("Urgent alert", ItemKind.EVENT, urgent=True)
    await bot.fake.wait_until(lambda: "Urgent alert" in titles(bot, USER))
    assert "First at night" not in titles(bot, USER)

    bot.clock.now = datetime(2018, 10, 18, 6, 0, 1, tzinfo=UTC)  # 07:00:01 in London
    bot.application.bot_data.ready().engine.wake()
    await bot.fake.wait_until(lambda: "Second at night" in titles(bot, USER), timeout=10)
    assert titles(bot, USER)[-3:] == ["Urgent alert", "First at night", "Second at night"]
    assert await statuses_when_settled(bot) == [DeliveryStatus.SENT.value]


async def test_quiet_hours_in_moscow_time_and_off(bot: RunningBot) -> None:
    await bot.say("/start")
    [shown] = await bot.say("/quiet 23:00-07:00")
    query = await bot.press(shown, "quietzone:Moscow")
    assert bot.fake.answered_callbacks[query]["text"] == "Moscow time"
    assert await bot.database.subscribers.quiet_hours(USER) == ("23:00", "07:00", "Moscow")
    # 08:18 in Moscow: outside the window, so a release comes at once.
    await bot.release("Morning news", ItemKind.EVENT)
    await bot.fake.wait_until(lambda: "Morning news" in titles(bot, USER))
    bot.mark_seen(USER)  # the release came from the engine, not as a reply
    [off] = await bot.say("/quiet off")
    assert "Quiet hours are off" in (off.text or "")
    assert await bot.database.subscribers.quiet_hours(USER) == (None, None, "Moscow")


async def test_bad_windows_and_chats_without_a_subscription(bot: RunningBot) -> None:
    [not_yet] = await bot.say("/quiet 23:00-07:00")
    assert not_yet.text.startswith("This chat is not subscribed")
    await bot.say("/start")
    [bad] = await bot.say("/quiet tonight")
    assert bad.text == "Send the window as “23:00-07:00”, or “off”."
    assert await bot.database.subscribers.quiet_hours(USER) == (None, None, "London")


async def until_held(bot: RunningBot, count: int, until: datetime | None = None) -> None:
    """Wait for the engine to have held `count` copies of the first release (until `until`)."""
    for _ in range(200):
        held, last = await bot.database.outbox.held(1)
        if held == count and until in (None, last):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{held} held until {last}, not {count} until {until}")


async def test_quiet_off_delivers_what_the_window_held_now(bot: RunningBot) -> None:
    # 06:18 in London, inside 23:00-07:00: the release waits.
    await bot.say("/start")
    await bot.say("/quiet 23:00-07:00")
    await bot.release("Held at night", ItemKind.EVENT)
    await until_held(bot, 1)
    assert "Held at night" not in titles(bot, USER)
    [off] = await bot.say("/quiet off")
    assert "Quiet hours are off" in (off.text or "")
    await bot.fake.wait_until(lambda: "Held at night" in titles(bot, USER))
    assert await statuses_when_settled(bot) == [DeliveryStatus.SENT.value]


async def test_a_new_window_or_zone_releases_what_the_old_one_held(bot: RunningBot) -> None:
    await bot.say("/start")
    await bot.say("/quiet 23:00-07:00")
    await bot.release("Held at night", ItemKind.EVENT)
    await until_held(bot, 1, datetime(2018, 10, 18, 6, 0, tzinfo=UTC))  # 07:00 in London
    # Another window that also covers 06:18 holds it again, until its own end.
    await bot.say("/quiet 05:00-09:00")
    await until_held(bot, 1, datetime(2018, 10, 18, 8, 0, tzinfo=UTC))  # 09:00 in London
    await bot.say("/quiet 23:00-07:00")
    await until_held(bot, 1, datetime(2018, 10, 18, 6, 0, tzinfo=UTC))
    assert "Held at night" not in titles(bot, USER)
    [shown] = await bot.say("/quiet")
    await bot.press(shown, "quietzone:Moscow")  # 08:18 in Moscow: its quiet is over
    await bot.fake.wait_until(lambda: "Held at night" in titles(bot, USER))
    assert await statuses_when_settled(bot) == [DeliveryStatus.SENT.value]
