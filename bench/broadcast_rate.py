"""The rate held: PRESSBOT_BROADCAST_RATE=25 against a fake that answers 429 above 30 a second.

    .venv/bin/python bench/broadcast_rate.py [--subscribers 1500] [--rate 25]

The whole bot (as `pressbot run` runs it) publishes one release to every subscriber through the
fake Bot API, run as `python -m fakes --rate-limit 30` in its own process: its flood control
counts the messages of the last second and answers 429 with retry_after above 30. The rate is
measured from the outbox: the time each delivery's outcome was recorded (done_at), over the
whole broadcast, in each whole second, and in the busiest sliding second.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import math
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime

from _support import bench_settings, fake_bot_api, fake_stats
from broadcast_throughput import BODY_HTML, FIRST_CHAT_ID, TITLE
from pressbot.core.models import Draft, DraftStage, ItemKind
from pressbot.publishing import publish_draft
from pressbot.server.app import build_application

FAKE_LIMIT = 30


async def broadcast(base_url: str, subscribers: int, rate: float) -> list[float]:
    """Publish to `subscribers` chats at `rate`; return every delivery's done_at, sorted."""
    from lifecycle import start_bot, stop_bot  # noqa: PLC0415 - tests/ is on the path now

    with tempfile.TemporaryDirectory() as folder:
        settings = bench_settings(base_url, folder, broadcast_rate=rate)
        application = build_application(settings)
        await start_bot(application, poll_timeout=10)
        services = application.bot_data.ready()
        database, engine = services.database, services.engine
        try:
            async with database.connection.transaction() as db:
                await db.executemany(
                    "INSERT INTO subscribers (chat_id, chat_type, active, subscribed_at,"
                    " updated_at) VALUES (?, 'private', 1, '2026-11-28', '2026-11-28')",
                    [(FIRST_CHAT_ID + n,) for n in range(subscribers)],
                )
            admin = FIRST_CHAT_ID - 1
            draft = Draft(
                admin, admin, DraftStage.PREVIEW, None, TITLE, BODY_HTML, ItemKind.PRESS_RELEASE
            )
            started = time.monotonic()
            _, broadcast_id = await publish_draft(database, engine, draft, datetime.now(UTC))
            while await database.outbox.pending_count() or engine.in_flight:
                await asyncio.sleep(0.5)
                if sys.stdout.isatty():
                    left = await database.outbox.pending_count()
                    elapsed = time.monotonic() - started
                    print(f"\r{elapsed:5.0f} s, {left:6d} pending", end="", flush=True)
            if sys.stdout.isatty():
                print()
            async with (
                database.connection.reading() as db,
                db.execute(
                    "SELECT status, done_at, error FROM deliveries WHERE broadcast_id = ?",
                    (broadcast_id,),
                ) as cursor,
            ):
                rows = [tuple(row) async for row in cursor]
        finally:
            await stop_bot(application)
    statuses = Counter(row[0] for row in rows)
    errors = Counter(row[2] for row in rows if row[2])
    print(f"deliveries: {dict(statuses)}; errors on record: {dict(errors) or 'none'}")
    return sorted(row[1] for row in rows if row[0] == "sent")


def report(times: list[float], rate: float) -> None:
    """The overall rate, the whole seconds' spread and the busiest sliding second."""
    span = times[-1] - times[0]
    overall = (len(times) - 1) / span
    start = times[0]
    # Whole seconds from the first delivery; the last, partial one is left out.
    per_second = Counter(math.floor(t - start) for t in times)
    full = [per_second[s] for s in range(math.floor(span))]
    busiest = max(bisect.bisect_left(times, t + 1.0) - index for index, t in enumerate(times))
    print(f"target rate: {rate:g}/s; fake's limit: {FAKE_LIMIT}/s")
    print(
        f"measured: {len(times)} messages in {span:.1f} s = {overall:.2f} messages/s;"
        f" whole seconds min {min(full)} / median {sorted(full)[len(full) // 2]} /"
        f" max {max(full)}; busiest sliding second {busiest}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=1500)
    parser.add_argument("--rate", type=float, default=25.0)
    args = parser.parse_args()
    with fake_bot_api("--rate-limit", str(FAKE_LIMIT)) as base_url:
        times = asyncio.run(broadcast(base_url, args.subscribers, args.rate))
        stats = fake_stats(base_url)
    report(times, args.rate)
    print(
        f"fake Bot API: {stats['methods'].get('sendMessage', 0)} sendMessage calls,"
        f" statuses {stats['statuses']}, 429 from flood control: {stats['flood_429_count']},"
        f" violations {len(stats['violations'])}"
    )
    if stats["violations"] or stats["flood_429_count"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
