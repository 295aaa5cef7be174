"""Handler time of /latest, /read and /search with 100,000 items in the database.

Each command runs through the real Application (`process_update`), its replies sent over HTTP
to the fake Bot API in another process. Commands arrive at PACE per second, under Telegram's
30 messages a second, so that the application's rate limiter (python-telegram-bot's
AIORateLimiter, which holds replies to that limit) never has to wait and the time measured is
the handler's own. A bare python-telegram-bot handler that replies "pong"
through the same server, in the same process and run, is the baseline: the ratio of p99s holds
on a noisy machine where absolute times do not.

    .venv/bin/python bench/reading_latency.py [--items 100000] [--rounds 300]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CommandHandler

from _support import TOKEN, fake_bot_api, fill, summary
from pressbot.config import Settings
from pressbot.server.app import build_application
from pressbot.storage import Database


def command_update(update_id: int, text: str, bot: Any) -> Update:
    """A private message carrying a command, as Telegram delivers it."""
    command = text.split(maxsplit=1)[0]
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 1_700_000_000,
                "chat": {"id": 4242, "type": "private", "first_name": "Bench"},
                "from": {"id": 4242, "is_bot": False, "first_name": "Bench"},
                "text": text,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
            },
        },
        bot,
    )


PACE = 12.0


async def time_updates(
    app: Application[Any, Any, Any, Any, Any, Any], texts: list[str]
) -> list[float]:
    """Process each text as an update, PACE a second; return the handler times in ms."""
    samples = []
    for update_id, text in enumerate(texts, start=1):
        update = command_update(update_id, text, app.bot)
        started = time.perf_counter()
        await app.process_update(update)
        elapsed = time.perf_counter() - started
        samples.append(elapsed * 1000)
        await asyncio.sleep(max(0.0, 1 / PACE - elapsed))
    return samples


async def pong(update: Update, context: Any) -> None:
    """The baseline handler: one fixed reply."""
    assert update.effective_message is not None
    await update.effective_message.reply_text("pong")


async def compare_commands(
    app: Application[Any, Any, Any, Any, Any, Any],
    baseline: Application[Any, Any, Any, Any, Any, Any],
    database: Database,
    commands: dict[str, list[str]],
    rounds: int,
) -> dict[str, list[float]]:
    """Time `rounds` bare /ping replies of the baseline, then each command's texts through
    the bot; the handler times in ms by name, "baseline /ping" first."""
    # Steady state: the fill's write-ahead log folded into the file, its garbage gone,
    # then each path warmed up (connections, SQLite's page cache).
    async with database.connection.reading() as db:
        await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    gc.collect()
    gc.freeze()
    await time_updates(app, [texts[0] for texts in commands.values()] * 3)
    await time_updates(baseline, ["/ping"] * 10)
    results = {"baseline /ping": await time_updates(baseline, ["/ping"] * rounds)}
    for name, texts in commands.items():
        results[name] = await time_updates(app, texts)
    gc.unfreeze()
    return results


def print_ratios(results: dict[str, list[float]], items: int, rounds: int, width: int) -> None:
    """Each command's times, and its p99 against the baseline's of the same run."""
    base_p99 = sorted(results["baseline /ping"])[int(0.99 * rounds)]
    print(f"{items} items, {rounds} rounds each, handler time including the HTTP reply:")
    for name, samples in results.items():
        p99 = sorted(samples)[int(0.99 * len(samples))]
        print(f"  {name:{width}s} {summary(samples)}  p99/baseline {p99 / base_p99:4.1f}x")


async def main(items: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder, fake_bot_api() as base_url:
        db_path = Path(folder) / "bench.sqlite3"
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, bot_token=SecretStr(TOKEN), api_base_url=base_url, db_path=db_path
        )
        app = build_application(settings)
        baseline = ApplicationBuilder().token(TOKEN).base_url(base_url).build()
        baseline.add_handler(CommandHandler("ping", pong))
        async with app, baseline:
            assert app.post_init is not None
            await app.post_init(app)
            database = app.bot_data.ready().database
            started = time.perf_counter()
            await fill(database, items)
            print(f"filled {items} items in {time.perf_counter() - started:.1f} s")
            rng = random.Random(7)
            total = await database.items.count()
            commands = {
                "/latest": ["/latest"] * rounds,
                "/latest 50": ["/latest 50"] * rounds,
                "/read <id>": [f"/read {rng.randint(1, total)}" for _ in range(rounds)],
                "/search rare word": [
                    f"/search number {rng.randint(0, items)}" for _ in range(rounds)
                ],
                "/search common word": ["/search embassy"] * rounds,
                "/search two words": ["/search sanctions treaty"] * rounds,
                "/search FTS syntax": ['/search "NEAR( OR *'] * rounds,
            }
            results = await compare_commands(app, baseline, database, commands, rounds)
            await app.post_stop(app)  # type: ignore[misc]
            await app.post_shutdown(app)  # type: ignore[misc]
        print_ratios(results, items, rounds, width=22)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=300)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.items, arguments.rounds))
