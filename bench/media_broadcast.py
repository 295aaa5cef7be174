"""Releases with media to 10,000 subscribers in paid mode: a photo, an album of five, and text.

    .venv/bin/python bench/media_broadcast.py [--subscribers 10000] [--repeat 1]

Three variants, each the whole bot as `pressbot run` runs it (PRESSBOT_PAID_BROADCAST=true,
PRESSBOT_BROADCAST_RATE=1000) in its own child process, against one fake Bot API in another
process without a rate limit:

    text     the release as text alone (the baseline of the same run)
    photo    the same release with one photo: one sendPhoto a copy, the words as its caption
    album5   the same release with five photos: a sendMediaGroup of five, then the words in
             their own message: six messages a copy, each counted against the rate

The photos are uploaded to the fake once, before the rounds; every copy names them by the
file_id the upload returned, as a release with an admin's photos does. Reported per variant:
messages a second (an album of five counts five), copies a second, and CPU of the bot's process
per delivered message (getrusage user+sys, from publishing to the last outcome on disk).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _support import TOKEN, bench_settings, broadcast_to, fake_bot_api, fake_stats

HERE = Path(__file__).resolve()
VARIANTS = {"text": 0, "photo": 1, "album5": 5}
FIRST_CHAT_ID = 7_000_000_000
WARM_UP = 100
PUBLISHED = datetime.now(UTC).replace(second=0, microsecond=0)
TITLE = "The Ambassador meets the Lord Mayor of London"
BODY_HTML = (
    "The Ambassador met the Lord Mayor of London at Mansion House today. They discussed trade,"
    " culture and the consular matters of the Russian community in the City.\n\n"
    "<b>Question:</b> Will there be a return visit? <b>Answer:</b> It is being planned."
)

Measured = dict[str, float]


async def upload_photos(base_url: str, count: int) -> list[str]:
    """Upload `count` photos to the fake once; return their file_ids."""
    from telegram import Bot  # noqa: PLC0415

    from fakes.images import png  # noqa: PLC0415

    file_ids = []
    async with Bot(TOKEN, base_url=base_url) as bot:
        for index in range(count):
            message = await bot.send_photo(1, png(1280, 720 + index), filename=f"{index}.png")
            file_ids.append(message.photo[-1].file_id)
    return file_ids


async def run_variant(base_url: str, count: int, file_ids: list[str]) -> Measured:
    """The whole bot: publish the release to `count` subscribers, wait for every outcome."""

    from lifecycle import start_bot, stop_bot  # noqa: PLC0415
    from pressbot.core.media import Attachment, MediaKind  # noqa: PLC0415
    from pressbot.core.models import Draft, DraftStage, ItemKind  # noqa: PLC0415
    from pressbot.server.app import build_application  # noqa: PLC0415

    media = tuple(Attachment(MediaKind.PHOTO, file_id=file_id) for file_id in file_ids)
    per_copy = 1 if len(media) <= 1 else len(media) + 1
    warm = range(FIRST_CHAT_ID - WARM_UP, FIRST_CHAT_ID)
    measured = range(FIRST_CHAT_ID, FIRST_CHAT_ID + count)
    with tempfile.TemporaryDirectory() as folder:
        settings = bench_settings(base_url, folder, paid_broadcast=True, broadcast_rate=1000)
        application = build_application(settings)
        await start_bot(application, poll_timeout=10)
        services = application.bot_data.ready()
        database, engine = services.database, services.engine
        admin = FIRST_CHAT_ID - WARM_UP - 1

        async def broadcast(ids: range) -> int:
            draft = Draft(
                admin,
                admin,
                DraftStage.PREVIEW,
                None,
                TITLE,
                BODY_HTML,
                ItemKind.PRESS_RELEASE,
                media=media,
            )
            return await broadcast_to(database, engine, ids, draft, PUBLISHED)

        try:
            await broadcast(warm)
            before = resource.getrusage(resource.RUSAGE_SELF)
            started = time.perf_counter()
            copies = await broadcast(measured)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_SELF)
        finally:
            await stop_bot(application)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "copies": copies, "messages": copies * per_copy}


def run_child(variant: str, base_url: str, count: int, file_ids: list[str]) -> Measured:
    command = [sys.executable, str(HERE), "--child", variant, "--base-url", base_url]
    command += ["--subscribers", str(count), "--file-ids", ",".join(file_ids)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: Measured = json.loads(output.strip().splitlines()[-1])
    return result


def table(rows: list[tuple[str, Measured]], count: int) -> str:
    baseline = dict(rows)["text"]
    base_rate = baseline["messages"] / baseline["wall"]
    base_cpu = baseline["cpu"] / max(baseline["messages"], 1)
    lines = [
        f"{'variant':<8} {'msg/s':>7} {'copies/s':>9} {'x text':>7} {'CPU ms/msg':>11}"
        f" {'x text':>7} {'copies':>12}"
    ]
    for name, row in rows:
        rate = row["messages"] / row["wall"]
        cpu = row["cpu"] / max(row["messages"], 1)
        lines.append(
            f"{name:<8} {rate:7.0f} {row['copies'] / row['wall']:9.0f} {rate / base_rate:7.2f}"
            f" {cpu * 1000:11.3f} {cpu / base_cpu:7.2f} {int(row['copies']):>6}/{count}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the three variants")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--file-ids", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        file_ids = [f for f in args.file_ids.split(",") if f][: VARIANTS[args.child]]
        result = asyncio.run(run_variant(args.base_url, args.subscribers, file_ids))
        print(json.dumps(result))
        return
    with fake_bot_api() as base_url:
        file_ids = asyncio.run(upload_photos(base_url, max(VARIANTS.values())))
        for round_number in range(1, args.repeat + 1):
            rows = [(v, run_child(v, base_url, args.subscribers, file_ids)) for v in VARIANTS]
            print(f"round {round_number}: {args.subscribers} subscribers, paid broadcast")
            print(table(rows, args.subscribers), flush=True)
        stats = fake_stats(base_url)
    print(
        f"fake Bot API: {stats['calls']} calls, statuses {stats['statuses']}, "
        f"violations {len(stats['violations'])}"
    )
    if stats["violations"]:
        print("\n".join(stats["violations"][:5]))
        sys.exit(1)


if __name__ == "__main__":
    main()
