"""/stats with 100,000 subscribers and 1,000 releases: the time to its text, and to its chart.

The database is built with set-based SQL as the stores would leave it: --releases items, each
with its 'send' broadcast (one in ten corrected once); the newest --big releases delivered to
every active subscriber (mostly sent, some blocked, some failed, done at Telegram's ~25 a second
from the release on), the older ones to 2,000 chats each; about 30 % of the chats reached have
read each release; chats joined over 120 days, one in eleven left again since. The broadcasts'
counters and the subscription history are written by the schema's own triggers, as the
inserts' statuses and the subscribers' changes make them; the build checks the counters
against the rows.

An owner's `/stats` and `/stats <id>` (a release of --subscribers deliveries) then run through
the real Application (`process_update`), their replies sent over HTTP to the fake Bot API in
another process, PACE commands a second as in reading_latency.py. Two times each: to the text
(the sendMessage of the figures answered: the goal, p99 under 100 ms) and to the chart (its
sendPhoto answered: the chart is drawn off the event loop and sent after the text). A bare
python-telegram-bot handler replying "pong" through the same server, in the same process and
run, is the baseline. Last, the store calls behind them, each on its own, to find a slow query.

    .venv/bin/python bench/stats_latency.py [--subscribers 100000] [--releases 1000]
        [--big 20] [--rounds 200]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.ext import Application, ApplicationBuilder, CommandHandler

from _support import (
    TOKEN,
    bench_settings,
    fake_bot_api,
    finish,
    percentile,
    summary,
    synthetic_items,
)
from pressbot.bot.handlers.stats import CHART_DAYS, LATEST_RELEASES
from pressbot.core.clock import EMBASSY_TZ
from pressbot.server.app import build_application
from pressbot.storage import Database
from reading_latency import command_update, pong

ADMIN = 4242  # command_update's chat and user: an owner here
PACE = 4.0  # /stats sends two messages and draws a chart: well under Telegram's 30 a second
GOAL_MS = 100.0
#: Between releases; the newest was released RELEASE_GAP / 2 ago.
RELEASE_GAP = timedelta(hours=21)
SMALL_RELEASE = 2_000
JOIN_DAYS = 120
SEND_RATE = 25.0  # copies a second, as the engine sends them
BLOCKED = "Forbidden: bot was blocked by the user"
FAILED = "Bad Request: chat not found"

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

# -- the data --------------------------------------------------------------------------------

#: A number in [0, 1) from an integer expression, the same on every run (SQLite's random() is
#: not seeded): Knuth's multiplicative hash.
_SPREAD = "((({}) * 2654435761) % 1000003) / 1000003.0"
_ISO = "strftime('%Y-%m-%dT%H:%M:%S+00:00', {}, 'unixepoch')"

_SUBSCRIBERS = f"""
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :chats),
joined(i, at) AS (SELECT i, :now - :join_span * {_SPREAD.format("i")} FROM n)
INSERT INTO subscribers (chat_id, chat_type, active, language_code, subscribed_at, updated_at,
                         change_reason)
SELECT i, 'private', 1, CASE WHEN i % 4 = 0 THEN 'ru' ELSE 'en' END,
       {_ISO.format("at")}, {_ISO.format("at")}, 'subscribed'
FROM joined ORDER BY at
"""  # noqa: S608 - built of this file's constants
#: One in eleven chats left (by /stop or by blocking the bot) at a time after it joined.
_LEAVERS = f"""
UPDATE subscribers SET active = 0,
    change_reason = CASE WHEN chat_id % 2 = 0 THEN 'stopped' ELSE 'blocked' END,
    updated_at = {
    _ISO.format(
        "CAST(strftime('%s', subscribed_at) AS REAL)"
        " + (:now - CAST(strftime('%s', subscribed_at) AS REAL))"
        f" * {_SPREAD.format('chat_id * 7')}"
    )
}
WHERE chat_id % 11 = 0
"""  # noqa: S608 - built of this file's constants
_RELEASES = """
INSERT INTO broadcasts (item_id, action, requested_by, total, created_at, finished_at)
SELECT id, 'send', :admin, 0, published_at, published_at FROM items ORDER BY published_at
"""
_CORRECTIONS = """
INSERT INTO broadcasts (item_id, action, requested_by, total, created_at, finished_at)
SELECT item_id, 'edit', :admin, 0,
       strftime('%Y-%m-%dT%H:%M:%S+00:00', created_at, '+3 hours'),
       strftime('%Y-%m-%dT%H:%M:%S+00:00', created_at, '+3 hours')
FROM broadcasts WHERE action = 'send' AND item_id % 10 = 3 ORDER BY id
"""
#: Each release's copies, done one after another at SEND_RATE from its release on: the newest
#: `big` to every chat active now, the others to about SMALL_RELEASE chats each (a run of chat
#: ids, read by the primary key). {copies} is one of the two below.
_DELIVERIES = """
WITH releases AS (
    SELECT id, CAST(strftime('%s', created_at) AS REAL) AS at,
           row_number() OVER (ORDER BY id DESC) <= :big AS big
    FROM broadcasts WHERE action = 'send'
),
copies AS ({copies}),
numbered AS (
    SELECT broadcast_id, chat_id, at + row_number() OVER (PARTITION BY broadcast_id
                                                          ORDER BY chat_id) / :rate AS done
    FROM copies
)
INSERT INTO deliveries (broadcast_id, chat_id, status, attempts, message_id, error, done_at,
                        copy_sent_at, delivered_at)
SELECT broadcast_id, chat_id,
       CASE WHEN chat_id % 53 = 0 THEN 'blocked' WHEN chat_id % 211 = 0 THEN 'failed'
            ELSE 'sent' END,
       1,
       CASE WHEN chat_id % 53 = 0 OR chat_id % 211 = 0 THEN NULL ELSE broadcast_id * 10 END,
       CASE WHEN chat_id % 53 = 0 THEN :blocked WHEN chat_id % 211 = 0 THEN :failed END,
       done, done,
       CASE WHEN chat_id % 53 = 0 OR chat_id % 211 = 0 THEN NULL ELSE done END
FROM numbered ORDER BY broadcast_id, chat_id
"""
_TO_EVERYONE = """
    SELECT r.id AS broadcast_id, s.chat_id, r.at
    FROM releases AS r, subscribers AS s WHERE r.big AND s.active = 1
"""
_TO_SOME = f"""
    SELECT r.id AS broadcast_id, s.chat_id, r.at
    FROM releases AS r JOIN subscribers AS s
      ON s.chat_id BETWEEN r.id * 97 % (:chats - {SMALL_RELEASE * 2})
                       AND r.id * 97 % (:chats - {SMALL_RELEASE * 2}) + {SMALL_RELEASE * 11 // 10}
    WHERE NOT r.big AND s.active = 1
"""  # noqa: S608 - built of this file's constants
_TOTALS = """
UPDATE broadcasts SET total = sent + blocked + failed WHERE action = 'send'
"""
#: About 30 % of the chats reached open the release, most soon after their copy came.
_READS = f"""
INSERT INTO reads (item_id, chat_id, at)
SELECT b.item_id, d.chat_id,
       min(:now - 1, d.done_at + 60 + 86400 * {_SPREAD.format("d.chat_id + b.id * 31")}
                                  * {_SPREAD.format("d.chat_id * 13 + b.id")})
FROM deliveries AS d JOIN broadcasts AS b ON b.id = d.broadcast_id
WHERE d.status = 'sent' AND {_SPREAD.format("d.chat_id * 3 + b.id * 7")} < 0.3
"""  # noqa: S608 - built of this file's constants
_COUNTERS_AGREE = """
SELECT count(*) FROM broadcasts AS b WHERE action = 'send' AND (
    b.sent != (SELECT count(*) FROM deliveries WHERE broadcast_id = b.id AND status = 'sent')
    OR b.blocked != (SELECT count(*) FROM deliveries
                     WHERE broadcast_id = b.id AND status = 'blocked')
    OR b.failed != (SELECT count(*) FROM deliveries
                    WHERE broadcast_id = b.id AND status = 'failed'))
"""


async def build(database: Database, subscribers: int, releases: int, big: int) -> int:
    """Fill the database as described above; print what it holds and how long it took.
    Return the item id of the newest release (one of `subscribers` deliveries)."""
    now = datetime.now(UTC)
    chats = subscribers * 11 // 10  # one in eleven leaves again: `subscribers` stay
    started = time.perf_counter()
    items = [
        dataclasses.replace(item, published_at=now - RELEASE_GAP * (n + 0.5))
        for n, item in enumerate(synthetic_items(releases))
    ]
    await database.items.add_many(items, now)
    timings = {"items": time.perf_counter() - started}
    values = {
        "now": now.timestamp(),
        "chats": chats,
        "join_span": JOIN_DAYS * 86400.0,
        "admin": ADMIN,
        "big": big,
        "rate": SEND_RATE,
        "blocked": BLOCKED,
        "failed": FAILED,
    }
    steps = {
        "subscribers": (_SUBSCRIBERS, _LEAVERS),
        "releases": (_RELEASES, _CORRECTIONS),
        "deliveries": (
            _DELIVERIES.format(copies=_TO_EVERYONE),
            _DELIVERIES.format(copies=_TO_SOME),
            _TOTALS,
        ),
        "reads": (_READS,),
    }
    for name, statements in steps.items():
        began = time.perf_counter()
        async with database.connection.transaction() as db:
            for sql in statements:
                await db.execute(sql, {k: v for k, v in values.items() if f":{k}" in sql})
        timings[name] = time.perf_counter() - began
    async with database.connection.reading() as db:
        await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection = database.connection
    assert await connection.value(_COUNTERS_AGREE) == 0, "counters disagree with the rows"
    counts = {
        table: int(await connection.value(f"SELECT count(*) FROM {table}"))  # noqa: S608 - ours
        for table in ("subscribers", "broadcasts", "deliveries", "reads", "subscription_events")
    }
    active = await database.subscribers.count_active()
    print(
        f"built in {time.perf_counter() - started:.1f} s ("
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        + "): "
        + ", ".join(f"{count:,} {table}" for table, count in counts.items())
        + f"; {active:,} subscribers active; the broadcasts' counters agree with the rows"
    )
    [newest] = await database.releases.latest(1)
    assert newest.total == active, newest
    return newest.item_id


# -- the timing ------------------------------------------------------------------------------


@dataclasses.dataclass
class Stopwatch:
    """When each Bot API call of the update being timed was answered, by method."""

    started: float = 0.0
    answered: dict[str, float] = dataclasses.field(default_factory=dict)

    def since_start(self, method: str) -> float:
        """Milliseconds from the update to the first answer to `method`."""
        return (self.answered[method] - self.started) * 1000


def watch(app: AnyApplication, stopwatch: Stopwatch) -> None:
    """Note in the stopwatch when each of the bot's calls is answered: its rate limiter sees
    every request (ExtBot passes each through it) and returns with the answer."""
    limiter = app.bot.rate_limiter
    assert limiter is not None
    process_request = limiter.process_request

    async def timed(**arguments: Any) -> Any:
        answer = await process_request(**arguments)
        stopwatch.answered.setdefault(arguments["endpoint"], time.perf_counter())
        return answer

    limiter.process_request = timed


async def time_command(
    app: AnyApplication, stopwatch: Stopwatch, text: str, rounds: int, first_id: int
) -> tuple[list[float], list[float]]:
    """Process the command `rounds` times, PACE a second; the times in ms to its text's
    answer and to its chart's."""
    to_text, to_chart = [], []
    for update_id in range(first_id, first_id + rounds):
        update = command_update(update_id, text, app.bot)
        stopwatch.answered.clear()
        stopwatch.started = time.perf_counter()
        await app.process_update(update)
        elapsed = time.perf_counter() - stopwatch.started
        assert "sendPhoto" in stopwatch.answered, f"{text}: no chart ({stopwatch.answered})"
        to_text.append(stopwatch.since_start("sendMessage"))
        to_chart.append(stopwatch.since_start("sendPhoto"))
        await asyncio.sleep(max(0.0, 1 / PACE - elapsed))
    return to_text, to_chart


async def time_baseline(baseline: AnyApplication, rounds: int) -> list[float]:
    """The bare handler's reply, PACE a second, in ms."""
    samples = []
    for update_id in range(1, rounds + 1):
        update = command_update(update_id, "/ping", baseline.bot)
        started = time.perf_counter()
        await baseline.process_update(update)
        elapsed = time.perf_counter() - started
        samples.append(elapsed * 1000)
        await asyncio.sleep(max(0.0, 1 / PACE - elapsed))
    return samples


async def time_calls(
    calls: dict[str, Callable[[], Awaitable[object]]], rounds: int
) -> dict[str, list[float]]:
    """Each store call on its own, `rounds` times, in ms."""
    results: dict[str, list[float]] = {}
    for name, call in calls.items():
        await call()
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            await call()
            samples.append((time.perf_counter() - started) * 1000)
        results[name] = samples
    return results


def store_calls(database: Database, item_id: int) -> dict[str, Callable[[], Awaitable[object]]]:
    """What the handlers ask the database, and /metrics' count of reads."""
    now = datetime.now(UTC)
    first_day = (now.astimezone(EMBASSY_TZ) - timedelta(days=CHART_DAYS - 1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return {
        "/stats: subscription_history.trend": lambda: database.subscription_history.trend(now),
        "/stats: items.count_by_kind": database.items.count_by_kind,
        "/stats: releases.latest": lambda: database.releases.latest(LATEST_RELEASES),
        "/stats chart: subscription_history.hourly": lambda: database.subscription_history.hourly(
            first_day
        ),
        "/stats <id>: releases.detail": lambda: database.releases.detail(item_id),
        "/stats <id> chart: releases.timeline": lambda: database.releases.timeline(item_id, now),
        "/metrics: reads.total": database.reads.total,
        "/metrics: subscribers.count_active": database.subscribers.count_active,
    }


def line(name: str, samples: list[float], base_p99: float, width: int = 34) -> str:
    p99 = percentile(samples, 0.99)
    return f"  {name:{width}s} {summary(samples)}  p99/baseline {p99 / base_p99:5.1f}x"


async def main(subscribers: int, releases: int, big: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder, fake_bot_api() as base_url:
        settings = bench_settings(base_url, folder, admin_ids=frozenset({ADMIN}))
        app = build_application(settings)
        baseline = ApplicationBuilder().token(TOKEN).base_url(base_url).build()
        baseline.add_handler(CommandHandler("ping", pong))
        stopwatch = Stopwatch()
        watch(app, stopwatch)
        async with app, baseline:
            assert app.post_init is not None
            await app.post_init(app)
            database = app.bot_data.ready().database
            item_id = await build(database, subscribers, releases, big)
            commands = {"/stats": "/stats", "/stats <id>": f"/stats {item_id}"}
            gc.collect()
            gc.freeze()
            for text in commands.values():  # warm: connections, SQLite's cache, matplotlib
                await time_command(app, stopwatch, text, 3, 1)
            await time_baseline(baseline, 10)
            base = await time_baseline(baseline, rounds)
            results = {}
            for name, text in commands.items():
                results[name] = await time_command(app, stopwatch, text, rounds, 100)
            calls = await time_calls(store_calls(database, item_id), rounds)
            gc.unfreeze()
            await app.post_stop(app)  # type: ignore[misc]
            await app.post_shutdown(app)  # type: ignore[misc]
    base_p99 = percentile(base, 0.99)
    print(
        f"{subscribers:,} subscribers, {releases:,} releases ({big} of {subscribers:,} copies);"
        f" {rounds} rounds each, through the Application, the replies sent over HTTP:"
    )
    print(line("baseline: bare PTB reply", base, base_p99))
    missed = []
    for name, (to_text, to_chart) in results.items():
        print(line(f"{name}: to the text", to_text, base_p99))
        print(line(f"{name}: to the chart", to_chart, base_p99))
        if percentile(to_text, 0.99) >= GOAL_MS:
            missed.append(f"{name}: p99 to the text {percentile(to_text, 0.99):.1f} ms")
    print("the store calls on their own:")
    for name, samples in calls.items():
        print(line(name, samples, base_p99, width=44))
    finish(missed)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--releases", type=int, default=1_000)
    parser.add_argument("--big", type=int, default=20, help="releases sent to every subscriber")
    parser.add_argument("--rounds", type=int, default=200)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.subscribers, arguments.releases, arguments.big, arguments.rounds))
