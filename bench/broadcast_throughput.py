"""A broadcast to 10,000 subscribers with the rate limit lifted: pressbot against a bare PTB loop.

    .venv/bin/python bench/broadcast_throughput.py [--subscribers 10000] [--repeat 1]

Both variants deliver the same release (the HTML text, "Read in full" button and
allow_paid_broadcast of a paid broadcast) to the same number of chats through one fake Bot API,
run as a separate process without a rate limit. Each variant runs in its own child process, so
that its CPU time (getrusage user+sys of that process, threads included, from publishing to the
last outcome on disk) and its peak RSS (ru_maxrss: the whole process) are its own:

    ptb-loop   the issue's baseline: ``await bot.send_message(...)`` in a for loop
    pressbot   the whole bot as `pressbot run` runs it (Application, long polling, job queue,
               progress reports) with PRESSBOT_PAID_BROADCAST=true and PRESSBOT_BROADCAST_RATE=
               1000: publish_draft writes the outbox, the delivery engine sends it

Each child first sends WARM_UP messages the same way (connections, imports and caches warm).
Ratios to ptb-loop from the same run matter more than absolute numbers on this shared 2-core
machine, where the fake (one core) and the client share the CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _support import (
    TOKEN,
    bench_settings,
    broadcast_to,
    fake_bot_api,
    fake_stats,
    only_child_pid,
    process_cpu,
)

HERE = Path(__file__).resolve()
VARIANTS = ("ptb-loop", "pressbot")
FIRST_CHAT_ID = 7_000_000_000
WARM_UP = 200
#: Now, not a fixed day: the engine gives up a delivery PRESSBOT_DELIVERY_DEADLINE (24 h) after
#: its broadcast was queued, by the bot's own clock.
PUBLISHED = datetime.now(UTC).replace(second=0, microsecond=0)
TITLE = "Embassy Press Officer’s reply to a media question on the Salisbury investigation"
BODY_HTML = (
    "<b>Question:</b> Seven months have passed since the Salisbury incident. Has the Embassy "
    "received any new information from the British side?\n\n"
    "<b>Answer:</b> Unfortunately, once again we have to state that the British authorities "
    "continue to ignore our requests. More than sixty notes to the Foreign and Commonwealth "
    "Office have received no substantive reply, and consular access to the Russian citizens "
    "has not been granted, in violation of the Vienna Convention on Consular Relations."
)

Measured = dict[str, float]


def chat_ids(count: int) -> tuple[range, range]:
    """The warm-up chats and the measured ones."""
    return range(FIRST_CHAT_ID - WARM_UP, FIRST_CHAT_ID), range(
        FIRST_CHAT_ID, FIRST_CHAT_ID + count
    )


# -- the variants (each runs in a child process) ---------------------------------------------


async def run_ptb_loop(base_url: str, count: int, fake_pid: int | None) -> Measured:
    """`await bot.send_message(...)` in a for loop, with the text pressbot sends."""
    from telegram import Bot, LinkPreviewOptions  # noqa: PLC0415
    from telegram.constants import ParseMode  # noqa: PLC0415

    from pressbot.core.models import Item, ItemKind  # noqa: PLC0415
    from pressbot.texts.i18n import translator  # noqa: PLC0415
    from pressbot.texts.reader import release_keyboard, render_release  # noqa: PLC0415

    # The item as pressbot stores it: id 2, after the warm-up release.
    item = Item(
        id=2,
        uid="bench",
        kind=ItemKind.PRESS_RELEASE,
        title=TITLE,
        body_html=BODY_HTML,
        published_at=PUBLISHED,
        source="",
        created_at=PUBLISHED,
        updated_at=PUBLISHED,
    )
    english = translator("en")  # the bot's words around the item, as the engine sends them
    text, markup = render_release(item, english), release_keyboard(item, english)
    no_preview = LinkPreviewOptions(is_disabled=True)
    warm, measured = chat_ids(count)
    async with Bot(TOKEN, base_url=base_url) as bot:

        async def loop(ids: range) -> int:
            delivered = 0
            for chat_id in ids:
                message = await bot.send_message(
                    chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=no_preview,
                    allow_paid_broadcast=True,
                )
                delivered += message.message_id > 0
            return delivered

        await loop(warm)
        fake_before = process_cpu(fake_pid)
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        delivered = await loop(measured)
        return measured_since(started, before, fake_pid, fake_before, delivered)


async def run_pressbot(base_url: str, count: int, fake_pid: int | None) -> Measured:
    """The whole bot: publish a release to `count` subscribers, wait for every outcome."""

    from lifecycle import start_bot, stop_bot  # noqa: PLC0415
    from pressbot.core.models import Draft, DraftStage, ItemKind  # noqa: PLC0415
    from pressbot.server.app import build_application  # noqa: PLC0415

    warm, measured = chat_ids(count)
    with tempfile.TemporaryDirectory() as folder:
        settings = bench_settings(base_url, folder, paid_broadcast=True, broadcast_rate=1000)
        application = build_application(settings)
        await start_bot(application, poll_timeout=10)
        services = application.bot_data.ready()
        database, engine = services.database, services.engine
        admin = FIRST_CHAT_ID - WARM_UP - 1

        async def broadcast(ids: range) -> int:
            draft = Draft(
                admin, admin, DraftStage.PREVIEW, None, TITLE, BODY_HTML, ItemKind.PRESS_RELEASE
            )
            return await broadcast_to(database, engine, ids, draft, PUBLISHED)

        try:
            await broadcast(warm)
            fake_before = process_cpu(fake_pid)
            before = resource.getrusage(resource.RUSAGE_SELF)
            started = time.perf_counter()
            delivered = await broadcast(measured)
            return measured_since(started, before, fake_pid, fake_before, delivered)
        finally:
            await stop_bot(application)


def measured_since(
    started: float,
    before: resource.struct_rusage,
    fake_pid: int | None,
    fake_before: float,
    delivered: int,
) -> Measured:
    """Wall time, CPU time of this process and of the fake, since `started`."""
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall": wall,
        "cpu": cpu,
        "delivered": delivered,
        "fake_busy": (process_cpu(fake_pid) - fake_before) / wall,
        # ru_maxrss is in KiB on Linux.
        "peak_rss_mib": after.ru_maxrss / 1024,
    }


def run_child(variant: str, base_url: str, count: int, fake_pid: int | None) -> Measured:
    command = [sys.executable, str(HERE), "--child", variant, "--base-url", base_url]
    command += ["--subscribers", str(count), "--fake-pid", str(fake_pid or 0)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: Measured = json.loads(output.strip().splitlines()[-1])
    return result


def table(rows: list[tuple[str, Measured]], count: int) -> str:
    baseline = dict(rows)["ptb-loop"]
    base_rate = baseline["delivered"] / baseline["wall"]
    lines = [
        f"{'variant':<9} {'msg/s':>7} {'x loop':>7} {'CPU ms/msg':>11} {'peak RSS MiB':>13}"
        f" {'delivered':>12} {'fake CPU':>9}"
    ]
    for name, row in rows:
        rate = row["delivered"] / row["wall"]
        cpu_ms = row["cpu"] / max(row["delivered"], 1) * 1000
        lines.append(
            f"{name:<9} {rate:7.0f} {rate / base_rate:7.2f} {cpu_ms:11.3f}"
            f" {row['peak_rss_mib']:13.1f} {int(row['delivered']):>6}/{count}"
            f" {row['fake_busy']:8.0%}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of both variants")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--fake-pid", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = run_ptb_loop if args.child == "ptb-loop" else run_pressbot
        result = asyncio.run(run(args.base_url, args.subscribers, args.fake_pid or None))
        print(json.dumps(result))
        return
    ratios: list[float] = []
    with fake_bot_api() as base_url:
        fake = only_child_pid()
        for round_number in range(1, args.repeat + 1):
            rows = [(v, run_child(v, base_url, args.subscribers, fake)) for v in VARIANTS]
            print(f"round {round_number}: {args.subscribers} subscribers, paid broadcast")
            print(table(rows, args.subscribers), flush=True)
            measured = dict(rows)
            ratios.append(
                (measured["pressbot"]["delivered"] / measured["pressbot"]["wall"])
                / (measured["ptb-loop"]["delivered"] / measured["ptb-loop"]["wall"])
            )
        stats = fake_stats(base_url)
    if args.repeat > 1:
        print(
            f"pressbot / ptb-loop rate, median of {args.repeat}: {statistics.median(ratios):.2f}"
        )
    print(
        f"fake Bot API: {stats['calls']} calls, statuses {stats['statuses']}, "
        f"violations {len(stats['violations'])}"
    )
    if stats["violations"]:
        print("\n".join(stats["violations"][:5]))
        sys.exit(1)


if __name__ == "__main__":
    main()
