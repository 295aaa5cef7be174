"""End to end: corrections and withdrawals reach every copy a release left, in place.

Delivered copies are edited, deleted while Telegram lets the bot, or marked withdrawn after;
copies still in flight when the admin acts are followed up once their outcome is recorded. The
helpers and the running bot are test_delivery.py's.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from fakes import FakeBotApi
from harness import RunningBot, TickingClock
from pressbot.core.models import ItemStatus
from pressbot.publishing import correct_item, withdraw
from test_delivery import (
    ADMIN,
    BODY,
    GROUP,
    READERS,
    bot,
    deliveries,
    draft,
    engine_of,
    publish,
    quiet,
    releases,
    report,
    running,
    sends,
    settle,
    subscribe,
)

__all__ = ["bot"]  # the fixture the tests below take


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
