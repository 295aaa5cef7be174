"""/search in Russian and English with 100,000 items, half of them Russian; what stemming costs.

Three figures, each against a baseline of the same run:

- /search handler time (p50, p99) for Russian and English queries through the real Application
  (`process_update`), its replies sent over HTTP to the fake Bot API in another process, PACE
  commands a second as in reading_latency.py; the baseline is a bare python-telegram-bot
  handler replying "pong" through the same server (goal: p99 at most 2 times its p99).
- Publishing one item: the analysis of its words (storage.search_index's index text) and the
  whole `publish_new` transaction, per item.
- Importing: items a second of `ItemStore.add_many` into a new database as the index is now
  (Snowball in Python), as it was before migration 13 (plain text, SQLite's porter tokenizer),
  and with no stemming at all (plain text, unicode61). The two baselines swap
  storage.item_writes.index_item for the plain-text write, here only. Last, migration 13's fill of
  the index is run again over all the items: what an upgrade of such a database takes.

    .venv/bin/python bench/search_latency.py [--items 100000] [--rounds 300] [--imported 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
from telegram.ext import ApplicationBuilder, CommandHandler

from _support import TOKEN, bench_settings, fake_bot_api, summary, synthetic_items
from pressbot.core.models import NewItem, Version
from pressbot.server.app import build_application
from pressbot.storage import Database, item_writes, open_database
from pressbot.storage.schema import MIGRATIONS
from pressbot.storage.search_index import index_item
from pressbot.texts.markup import html_to_plain
from pressbot.texts.search_terms import search_text
from reading_latency import compare_commands, pong, print_ratios

ENGLISH_QUERIES = {
    "en: a rare word": "number {n}",
    "en: a word in every English item": "embassy",
    "en: two common words, other forms": "sanction treaties",
}
RUSSIAN_QUERIES = {
    "ru: a rare word, another form": "номера {n}",
    "ru: a word in every Russian item": "посольство",
    "ru: two common words, other forms": "санкция договоры",
}


def half_russian(count: int) -> list[NewItem]:
    """`count` items, every other one Russian."""
    english = list(synthetic_items(count - count // 2))
    russian = list(synthetic_items(count // 2, seed=2, language="ru"))
    mixed = [item for pair in zip(english, russian, strict=False) for item in pair]
    return mixed + english[len(russian) :]


async def fill(database: Database, items: Sequence[NewItem], batch: int = 2000) -> float:
    """Add the items in batches; return the seconds it took."""
    now = datetime.now(UTC)
    started = time.perf_counter()
    for start in range(0, len(items), batch):
        await database.items.add_many(items[start : start + batch], now)
    return time.perf_counter() - started


async def plain_index_item(
    db: aiosqlite.Connection, recency: int, versions: Sequence[Version]
) -> None:
    """The index write before migration 13: titles and plain-text bodies, unstemmed."""
    await db.execute(
        "INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)",
        (
            recency,
            "\n".join(v.title for v in versions),
            "\n\n".join(html_to_plain(v.body_html) for v in versions),
        ),
    )


#: The ways to index an import: the index as it is now, and two baselines (see the docstring).
NOW, BEFORE, PLAIN = "now: Snowball in Python", "before: SQLite's porter", "plain: no stemming"


@asynccontextmanager
async def import_variant(path: Path, variant: str) -> AsyncIterator[Database]:
    """A new database at `path` whose imports index as `variant` does."""
    database = await open_database(path)
    if variant == BEFORE:
        async with database.connection.transaction() as db:
            await db.execute("DROP TABLE items_fts")
            await db.execute(
                "CREATE VIRTUAL TABLE items_fts USING fts5(title, body,"
                " tokenize = 'porter unicode61 remove_diacritics 2')"
            )
    if variant != NOW:
        item_writes.index_item = plain_index_item  # type: ignore[attr-defined]
    try:
        yield database
    finally:
        item_writes.index_item = index_item  # type: ignore[attr-defined]
        await database.close()


async def measure_imports(folder: str, count: int) -> None:
    """Items a second of each way to index, on the same items, twice each (the best kept)."""
    items = half_russian(count)
    best: dict[str, float] = {}
    for attempt in range(2):
        for number, variant in enumerate((NOW, BEFORE, PLAIN)):
            path = Path(folder) / f"import-{attempt}-{number}.sqlite3"
            async with import_variant(path, variant) as database:
                best[variant] = min(best.get(variant, float("inf")), await fill(database, items))
    print(f"importing {count} items (half Russian) into a new database:")
    for variant, seconds in best.items():
        print(f"  {variant:36s} {count / seconds:8.0f} items/s")


async def measure_publishing(database: Database, rounds: int) -> None:
    """The analysis of one item's words, and one whole publish_new, per item."""
    items = half_russian(rounds)
    analysis = []
    for item in items:
        started = time.perf_counter()
        search_text(item.title)
        search_text(html_to_plain(item.body_html))
        analysis.append((time.perf_counter() - started) * 1000)
    publishing = []
    for n, item in enumerate(items):
        fresh = dataclasses.replace(item, uid=f"published-{n}")
        started = time.perf_counter()
        await database.outbox.publish_new(fresh, None, None, datetime.now(UTC))
        publishing.append((time.perf_counter() - started) * 1000)
    words = statistics.mean(len(f"{i.title} {html_to_plain(i.body_html)}".split()) for i in items)
    print(f"publishing one item ({words:.0f} words), {rounds} items:")
    print(f"  stemming its words     {summary(analysis)}")
    print(f"  the whole publish_new  {summary(publishing)}")


async def measure_upgrade(database: Database) -> None:
    """Migration 13's fill of the index, run again over every published item."""
    [*_, fill_statement] = next(m for m in MIGRATIONS if m.version == 13).statements
    async with database.connection.transaction() as db:
        started = time.perf_counter()
        await db.execute("DELETE FROM items_fts")
        await db.execute(fill_statement)
        elapsed = time.perf_counter() - started
    count = await database.items.count()
    print(f"migration 13's fill of the index over {count} items: {elapsed:.1f} s")


async def main(items: int, rounds: int, imported: int) -> None:
    with tempfile.TemporaryDirectory() as folder, fake_bot_api() as base_url:
        await measure_imports(folder, imported)
        app = build_application(bench_settings(base_url, folder))
        baseline = ApplicationBuilder().token(TOKEN).base_url(base_url).build()
        baseline.add_handler(CommandHandler("ping", pong))
        async with app, baseline:
            assert app.post_init is not None
            await app.post_init(app)
            database = app.bot_data.ready().database
            seconds = await fill(database, half_russian(items))
            print(f"filled {items} items (half Russian) in {seconds:.1f} s")
            rng = random.Random(7)
            commands = {
                name: [
                    f"/search {words.format(n=rng.randint(0, items // 2 - 1))}"
                    for _ in range(rounds)
                ]
                for name, words in {**ENGLISH_QUERIES, **RUSSIAN_QUERIES}.items()
            }
            commands["FTS syntax"] = ['/search "NEAR( OR * ёлка*'] * rounds
            results = await compare_commands(app, baseline, database, commands, rounds)
            await measure_publishing(database, min(rounds, 200))
            await measure_upgrade(database)
            await app.post_stop(app)  # type: ignore[misc]
            await app.post_shutdown(app)  # type: ignore[misc]
        print_ratios(results, items, rounds, width=36)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--imported", type=int, default=20_000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.items, arguments.rounds, arguments.imported))
