"""A Bot API outage in the middle of a broadcast: nobody is left without the release.

The real Application against the fake Bot API, which drops every connection (or answers 500 to
sendMessage only) for a while. What is asserted is what the readers got, what the outbox holds,
how hard the engine knocked while Telegram was away, and what the admin's progress message said.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

from fakes import FakeBotApi
from harness import RunningBot, TickingClock
from pressbot.storage import open_database
from test_delivery import (
    ADMIN,
    deliveries,
    publish,
    releases,
    running,
    sends,
    settle,
    subscribe,
)

READERS = tuple(range(5001, 5061))


def delivered(fake: FakeBotApi) -> int:
    return sum(1 for chat_id in READERS if releases(fake, chat_id))


async def broadcast_through(
    bot: RunningBot, fake: FakeBotApi, start_outage: object
) -> tuple[int, list[float]]:
    """Publish to every reader, start the outage after a few copies; return the broadcast id and
    the times of the sends that got no answer."""
    await subscribe(bot, *READERS)
    _, broadcast_id = await publish(bot)
    await fake.wait_until(lambda: delivered(fake) >= 10, timeout=10)
    assert callable(start_outage)
    start_outage()
    await fake.wait_until(lambda: delivered(fake) == len(READERS), timeout=30)
    await settle(bot, broadcast_id, reported=False)
    unanswered = [c.at for c in sends(fake) if c.status != 200]
    return broadcast_id, unanswered


async def test_dropped_connections_for_two_seconds_lose_nobody_and_knock_gently(
    fake: FakeBotApi, tmp_path: Path, clock: TickingClock
) -> None:
    async with running(fake, tmp_path, clock, progress_interval=60.0) as bot:
        broadcast_id, unanswered = await broadcast_through(bot, fake, lambda: fake.outage(2.0))
        rows = await deliveries(bot.database, broadcast_id)
    # Everybody got it exactly once: a dropped connection never reached Telegram.
    assert all(len(releases(fake, chat_id)) == 1 for chat_id in READERS)
    assert {row["status"] for row in rows.values()} == {"sent"}
    # While Telegram was away the engine sent one probe at a time, spaced out, instead of
    # spending every waiting reader's tries: a couple of sends in flight, then a few probes.
    assert 1 <= len(unanswered) <= 8, unanswered
    probes = unanswered[-3:]
    assert all(b - a >= 0.4 for a, b in itertools.pairwise(probes)), unanswered


async def test_sendmessage_answering_500_holds_nothing_back_and_the_admin_is_told(
    fake: FakeBotApi, tmp_path: Path, clock: TickingClock
) -> None:
    async with running(fake, tmp_path, clock, progress_interval=0.5) as bot:

        def shown_outage() -> bool:
            return any(
                call.method == "editMessageText"
                and call.status == 200
                and "Telegram has not answered since" in str(call.params.get("text"))
                for call in fake.calls
            )

        await subscribe(bot, *READERS)
        _, broadcast_id = await publish(bot)
        # The progress message is out (edits of it still work while sendMessage fails).
        await fake.wait_until(lambda: bool(fake.messages(ADMIN)), timeout=10)
        fake.fail_for("sendMessage", 500, 3.0)
        await fake.wait_until(shown_outage, timeout=10)
        await fake.wait_until(lambda: delivered(fake) == len(READERS), timeout=30)
        progress = await settle(bot, broadcast_id)
    texts = [
        str(call.params.get("text"))
        for call in fake.calls
        if call.method == "editMessageText" and call.status == 200
    ]
    [said] = {t.splitlines()[-1] for t in texts if "Telegram has not answered" in t}
    # The time is London's (BST in October 2018), and those waiting are not called failed.
    assert said.startswith("Telegram has not answered since 06:1"), said
    assert "waiting, to be sent as soon as it answers" in said
    assert (progress.sent, progress.failed) == (len(READERS), 0)
    assert "failed 0" in fake.messages(ADMIN)[-1].text
    assert all(len(releases(fake, chat_id)) == 1 for chat_id in READERS)


async def test_sending_resumes_at_full_rate_within_seconds_of_telegram_answering(
    fake: FakeBotApi, tmp_path: Path, clock: TickingClock
) -> None:
    async with running(fake, tmp_path, clock, progress_interval=60.0) as bot:
        await subscribe(bot, *READERS)
        fake.outage(1.5)  # Telegram is away before the broadcast starts
        ended = time.monotonic() + 1.5
        _, broadcast_id = await publish(bot)
        await settle(bot, broadcast_id, reported=False)
    answered = sorted(c.at for c in sends(fake) if c.status == 200)
    assert len(answered) == len(READERS)
    # The first copy within the probe interval's cap (3 s) of the end of the outage, and the
    # rest at the broadcast rate (30/s): the readers' backoff was forgotten, not waited out.
    assert answered[0] - ended < 3.5
    assert answered[-1] - answered[0] < len(READERS) / 30 + 1.0


async def test_rows_an_earlier_version_gave_up_are_sent_again(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    database = await open_database(db_path)
    try:
        async with database.connection.transaction() as db:
            # As version 8 left them: migration 8 runs once, on a database at version 7 (9 is
            # undone with it; later ones stay, as they do not touch these rows).
            await db.execute("DELETE FROM schema_migrations WHERE version IN (8, 9)")
            await db.execute("DROP TABLE webhook_updates")
            await db.execute(
                "INSERT INTO items (id, uid, kind, title, body_html, published_at, recency,"
                " created_at, updated_at) VALUES (1, 'u1', 'press_release', 'T', 'B',"
                " '2018-10-18T05:18:00+00:00', 1, '2018-10-18T05:18:00+00:00',"
                " '2018-10-18T05:18:00+00:00')"
            )
            await db.execute(
                "INSERT INTO broadcasts (id, item_id, action, total, created_at, finished_at)"
                " VALUES (1, 1, 'send', 3, '2018-10-18T05:18:00+00:00',"
                " '2018-10-18T05:20:00+00:00')"
            )
            await db.executemany(
                "INSERT INTO deliveries (broadcast_id, chat_id, status, attempts, error)"
                " VALUES (1, ?, ?, ?, ?)",
                [
                    (1, "failed", 5, "Internal Server Error (after 5 attempts)"),
                    (2, "failed", 1, "Bad Request: chat not found"),
                    (3, "sent", 1, None),
                ],
            )
    finally:
        await database.close()
    database = await open_database(db_path)  # applies migrations 8 and 9 again
    try:
        rows = await deliveries(database, 1)
        progress = await database.outbox.progress(1)
    finally:
        await database.close()
    assert (rows[1]["status"], rows[1]["attempts"]) == ("pending", 0)
    assert rows[2]["status"] == "failed"  # Telegram's own answer: final
    assert rows[3]["status"] == "sent"
    assert progress is not None
    assert not progress.finished  # reported again, with what really happened
