"""Filling the outbox: one delivery row per active subscriber, for 10k, 50k and 100k subscribers.

    .venv/bin/python bench/outbox_fill.py [--counts 10000,50000,100000]

`OutboxStore.publish_new` stores the item and writes every delivery row with one
INSERT … SELECT in one transaction: the subscribers never pass through Python. Each count runs
in its own child process on a fresh database (subscribers made by SQL, also without Python
lists). Measured around publish_new alone: wall time, the process's RSS before, its peak during
the fill (VmHWM, reset just before through /proc/self/clear_refs) and the growth between them,
next to the database's growth on disk after a checkpoint (the rows' own size). For contrast,
the same fill done naively (SELECT every subscriber into Python, executemany the rows) in the
same child.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _support import ROOT
from pressbot.core.models import ItemKind, NewItem
from pressbot.storage import Database, open_database

HERE = Path(__file__).resolve()
NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)

Measured = dict[str, float]


def memory_kib(field: str) -> int:
    """A line of /proc/self/status (VmRSS, VmHWM) in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak() -> None:
    """Make VmHWM start again from the current RSS (Linux 4.0+)."""
    Path("/proc/self/clear_refs").write_text("5")


def disk_kib(folder: Path) -> int:
    """The database, its WAL and shared memory on disk."""
    return sum(path.stat().st_size for path in folder.glob("bench.sqlite3*")) // 1024


async def add_subscribers(database: Database, count: int) -> None:
    """`count` active private chats, generated in SQL."""
    async with database.connection.transaction() as db:
        await db.execute(
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)"
            " INSERT INTO subscribers (chat_id, chat_type, active, subscribed_at, updated_at)"
            " SELECT 7000000000 + x, 'private', 1, '2026-11-28', '2026-11-28' FROM n",
            (count,),
        )


def item(uid: str) -> NewItem:
    return NewItem(
        uid=uid,
        kind=ItemKind.PRESS_RELEASE,
        title="Embassy statement on the outbox",
        body_html="One delivery row per active subscriber.",
        published_at=NOW,
        source="",
    )


async def naive_fill(database: Database, broadcast_id: int) -> None:
    """What the outbox must not do: every subscriber into Python, then one row each."""
    async with database.connection.transaction() as db:
        async with db.execute("SELECT chat_id FROM subscribers WHERE active = 1") as cursor:
            chat_ids = [row[0] for row in await cursor.fetchall()]
        await db.executemany(
            "INSERT INTO deliveries (broadcast_id, chat_id) VALUES (?, ?)",
            [(broadcast_id, chat_id) for chat_id in chat_ids],
        )


async def checkpoint(database: Database) -> None:
    """Move the WAL into the file and empty it.

    The first checkpoint on a connection that ran PRAGMA quick_check (open_database does, to
    refuse a damaged file) is refused once with SQLITE_LOCKED, "database table is locked";
    the second goes through. (Seen with plain sqlite3 too; SQLite's automatic checkpoints
    simply run at a later commit.)
    """
    for attempt in (1, 2):
        try:
            async with database.connection.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)") as c:
                await c.fetchall()
            return
        except sqlite3.OperationalError:
            if attempt == 2:
                raise


async def child(count: int) -> Measured:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        database = await open_database(folder / "bench.sqlite3")
        try:
            await add_subscribers(database, count)
            # Checkpoint so that the WAL holds only what the fill writes.
            await checkpoint(database)
            disk_before = disk_kib(folder)
            reset_peak()
            rss_before = memory_kib("VmRSS")
            started = time.perf_counter()
            _, broadcast_id = await database.outbox.publish_new(item("fill"), 1, 1, NOW)
            seconds = time.perf_counter() - started
            peak = memory_kib("VmHWM")
            progress = await database.outbox.progress(broadcast_id)
            assert progress is not None
            rows = progress.total
            await database.connection.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            disk_growth = disk_kib(folder) - disk_before

            # The contrast: the same rows through Python, into a broadcast of their own.
            async with database.connection.transaction() as db:
                cursor = await db.execute(
                    "INSERT INTO broadcasts (item_id, action, created_at) VALUES (1, 'send', '')"
                )
                naive_broadcast = cursor.lastrowid
            assert naive_broadcast is not None
            reset_peak()
            naive_before = memory_kib("VmRSS")
            naive_started = time.perf_counter()
            await naive_fill(database, naive_broadcast)
            naive_seconds = time.perf_counter() - naive_started
            naive_peak = memory_kib("VmHWM")
        finally:
            await database.close()
    return {
        "count": count,
        "rows": rows,
        "seconds": seconds,
        "rss_before_mib": rss_before / 1024,
        "peak_mib": peak / 1024,
        "growth_mib": (peak - rss_before) / 1024,
        "disk_growth_mib": disk_growth / 1024,
        "naive_seconds": naive_seconds,
        "naive_growth_mib": (naive_peak - naive_before) / 1024,
    }


def run_child(count: int) -> Measured:
    command = [sys.executable, str(HERE), "--child", str(count)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    result: Measured = json.loads(output.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counts", default="10000,50000,100000")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(child(args.child))))
        return
    print(
        f"{'subscribers':>11} {'rows':>7} {'fill s':>7} {'RSS before':>11} {'peak':>7}"
        f" {'growth':>7} {'rows on disk':>13}   {'naive s':>7} {'naive growth':>13}"
    )
    for count in (int(part) for part in args.counts.split(",")):
        row = run_child(count)
        print(
            f"{count:>11,} {int(row['rows']):>7,} {row['seconds']:7.3f}"
            f" {row['rss_before_mib']:8.1f} MiB {row['peak_mib']:7.1f}"
            f" {row['growth_mib']:7.1f} {row['disk_growth_mib']:9.1f} MiB"
            f"   {row['naive_seconds']:7.3f} {row['naive_growth_mib']:9.1f} MiB",
            flush=True,
        )


if __name__ == "__main__":
    main()
