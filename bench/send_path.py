"""The broadcast send path: one HTML release to N chats, python-telegram-bot against the lean path.

    .venv/bin/python bench/send_path.py [--messages 10000] [--concurrency 32] [--repeat 1]

Every variant sends the same ~700-character HTML release (bold title, an inline keyboard button
with callback_data, allow_paid_broadcast as a paid broadcast does) to the same N distinct chat
ids, through one fake Bot API run as a separate process (the fake has no rate limit: paid mode
with the limit lifted). Each variant runs in its own child process, so that its CPU time
(getrusage user+sys of that process, around the sends only) and its peak RSS (ru_maxrss, the
whole process: interpreter, imports and the broadcast) are its own. Variants:

    ptb-loop     the issue's baseline: ``await bot.send_message(...)`` in a for loop
    ptb-gather   python-telegram-bot, CONCURRENCY sends in flight (gather over a semaphore)
    httpx        httpx.AsyncClient posting PreparedRequest bodies at that concurrency
    sender       pressbot.delivery.sender.BotApiSender (aiohttp) with PreparedRequest, same
                 concurrency
    sender-batch the same, with CONCURRENCY worker tasks pulling chat ids (no task per message)

Ratios to ptb-loop from the same run matter more than absolute numbers on this shared 2-core
machine. The fake answers a few thousand requests a second on its one core, and the "fake CPU"
column (its busy share of the broadcast's wall time) shows it near 100% for the lean variants:
there the fake, not the client, is the ceiling of the rate, so read CPU per message for the
client's cost. python-telegram-bot and httpx leave the fake mostly idle: their rate is their own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from _support import TOKEN, fake_bot_api, fake_stats, only_child_pid, process_cpu

HERE = Path(__file__).resolve()
VARIANTS = ("ptb-loop", "ptb-gather", "httpx", "sender", "sender-batch")
FIRST_CHAT_ID = 7_000_000_000
WARM_UP = 200  # messages sent before measuring: connections, imports and caches warm

TITLE = "Embassy Press Officer’s reply to a media question on the Salisbury investigation"
RELEASE_HTML = (
    f"<b>{TITLE}</b>\n18.10.2018 · Press release\n\n"
    "<b>Question:</b> Seven months have passed since the Salisbury incident. Has the Embassy "
    "received any new information from the British side?\n\n"
    "<b>Answer:</b> Unfortunately, once again we have to state that the British authorities "
    "continue to ignore our requests. More than sixty notes to the Foreign and Commonwealth "
    "Office have received no substantive reply, and consular access to the Russian citizens "
    "has not been granted, in violation of the Vienna Convention on Consular Relations. We "
    "call on London to cooperate with Russia in the investigation. Full text: /read_12"
)
BUTTON = {"text": "Read the full text", "callback_data": "read:12"}


def release_params() -> dict[str, Any]:
    """sendMessage parameters of the release, except chat_id."""
    return {
        "text": RELEASE_HTML,
        "parse_mode": "HTML",
        "reply_markup": {"inline_keyboard": [[BUTTON]]},
        "allow_paid_broadcast": True,
    }


# -- the variants (each runs in a child process) ---------------------------------------------


async def gather_bounded(
    send: Callable[[int], Awaitable[Any]], chat_ids: range, concurrency: int
) -> list[Any]:
    """One task per message, at most ``concurrency`` of them sending at once."""
    slots = asyncio.Semaphore(concurrency)

    async def one(chat_id: int) -> Any:
        async with slots:
            return await send(chat_id)

    return await asyncio.gather(*(one(chat_id) for chat_id in chat_ids))


async def workers(
    send: Callable[[int], Awaitable[Any]], chat_ids: range, concurrency: int
) -> list[Any]:
    """``concurrency`` tasks, each sending to the next chat id until none is left."""
    pending = iter(chat_ids)
    results: list[Any] = []

    async def worker() -> None:
        for chat_id in pending:
            results.append(await send(chat_id))

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


async def run_ptb(base_url: str, chat_ids: range, warm: range, concurrency: int) -> Measured:
    # Each child imports only its own variant's libraries, so that its peak RSS is its own.
    from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup  # noqa: PLC0415
    from telegram.constants import ParseMode  # noqa: PLC0415
    from telegram.request import HTTPXRequest  # noqa: PLC0415

    request = HTTPXRequest(connection_pool_size=max(concurrency, 1))
    button = InlineKeyboardButton(BUTTON["text"], callback_data=BUTTON["callback_data"])
    markup = InlineKeyboardMarkup([[button]])
    async with Bot(TOKEN, base_url=base_url, request=request) as bot:

        async def send(chat_id: int) -> bool:
            message = await bot.send_message(
                chat_id,
                RELEASE_HTML,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                allow_paid_broadcast=True,
            )
            return message.message_id > 0

        if concurrency == 0:  # the bare loop

            async def go(ids: range) -> list[bool]:
                return [await send(chat_id) for chat_id in ids]

        else:

            async def go(ids: range) -> list[bool]:
                return await gather_bounded(send, ids, concurrency)

        await go(warm)
        return await measure(go, chat_ids)


async def run_httpx(base_url: str, chat_ids: range, warm: range, concurrency: int) -> Measured:
    import httpx  # noqa: PLC0415

    from pressbot.delivery.sender import PreparedRequest  # noqa: PLC0415

    prepared = PreparedRequest("sendMessage", release_params())
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    url = f"{base_url}{TOKEN}/sendMessage"
    headers = {"Content-Type": "application/json"}
    async with httpx.AsyncClient(limits=limits, timeout=10.0) as client:

        async def send(chat_id: int) -> bool:
            response = await client.post(url, content=prepared.body_for(chat_id), headers=headers)
            return bool(json.loads(response.content)["ok"])

        async def go(ids: range) -> list[bool]:
            return await gather_bounded(send, ids, concurrency)

        await go(warm)
        return await measure(go, chat_ids)


async def run_sender(
    base_url: str, chat_ids: range, warm: range, concurrency: int, *, batch: bool
) -> Measured:
    from pressbot.delivery.sender import BotApiSender, PreparedRequest  # noqa: PLC0415

    prepared = PreparedRequest("sendMessage", release_params())
    sender = BotApiSender(base_url, TOKEN, max_connections=concurrency)
    spread = workers if batch else gather_bounded

    async def send(chat_id: int) -> bool:
        answer = await sender.call("sendMessage", prepared.body_for(chat_id))
        return answer.ok

    async def go(ids: range) -> list[bool]:
        return await spread(send, ids, concurrency)

    try:
        await go(warm)
        return await measure(go, chat_ids)
    finally:
        await sender.close()


Measured = dict[str, float]


FAKE_PID: int | None = None  # the fake's process, to tell whether it was the bottleneck


async def measure(go: Callable[[range], Awaitable[list[bool]]], chat_ids: range) -> Measured:
    """Wall time, CPU time (this process, user+sys) and successes of one broadcast.

    ``fake_busy`` is the share of that wall time the fake spent on its CPU: near 100%, its one
    core is the ceiling of the rate, not the client.
    """
    fake_before = process_cpu(FAKE_PID)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    results = await go(chat_ids)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    fake_busy = (process_cpu(FAKE_PID) - fake_before) / wall
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "delivered": sum(results), "fake_busy": fake_busy}


async def child(variant: str, base_url: str, messages: int, concurrency: int) -> Measured:
    chat_ids = range(FIRST_CHAT_ID, FIRST_CHAT_ID + messages)
    warm = range(FIRST_CHAT_ID - WARM_UP, FIRST_CHAT_ID)
    if variant == "ptb-loop":
        result = await run_ptb(base_url, chat_ids, warm, 0)
    elif variant == "ptb-gather":
        result = await run_ptb(base_url, chat_ids, warm, concurrency)
    elif variant == "httpx":
        result = await run_httpx(base_url, chat_ids, warm, concurrency)
    else:
        batch = variant == "sender-batch"
        result = await run_sender(base_url, chat_ids, warm, concurrency, batch=batch)
    # ru_maxrss is in KiB on Linux.
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


# -- the parent: one child per variant, one table --------------------------------------------


def run_child(
    variant: str, base_url: str, messages: int, concurrency: int, fake: int | None
) -> Measured:
    command = [sys.executable, str(HERE), "--child", variant, "--base-url", base_url]
    command += ["--messages", str(messages), "--concurrency", str(concurrency)]
    command += ["--fake-pid", str(fake or 0)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: Measured = json.loads(output.strip().splitlines()[-1])
    return result


def table(rows: list[tuple[str, Measured]], messages: int) -> str:
    baseline = dict(rows)["ptb-loop"]
    base_rate = baseline["delivered"] / baseline["wall"]
    base_cpu = baseline["cpu"] / baseline["delivered"] * 1000
    lines = [
        f"{'variant':<13} {'msg/s':>7} {'x loop':>7} {'CPU ms/msg':>11} {'x loop':>7}"
        f" {'peak RSS MiB':>13} {'delivered':>10} {'fake CPU':>9}"
    ]
    for name, row in rows:
        rate = row["delivered"] / row["wall"]
        cpu_ms = row["cpu"] / max(row["delivered"], 1) * 1000
        lines.append(
            f"{name:<13} {rate:7.0f} {rate / base_rate:7.2f} {cpu_ms:11.3f}"
            f" {cpu_ms / base_cpu:7.2f} {row['peak_rss_mib']:13.1f}"
            f" {int(row['delivered']):>6}/{messages} {row['fake_busy']:8.0%}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of every variant")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--fake-pid", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        global FAKE_PID  # noqa: PLW0603 - set once, before the child's event loop starts
        FAKE_PID = args.fake_pid or None
        result = asyncio.run(child(args.child, args.base_url, args.messages, args.concurrency))
        print(json.dumps(result))
        return
    variants = args.variants.split(",")
    if "ptb-loop" not in variants:
        variants.insert(0, "ptb-loop")
    with fake_bot_api() as base_url:
        fake = only_child_pid()
        for round_number in range(1, args.repeat + 1):
            rows = []
            for variant in variants:
                row = run_child(variant, base_url, args.messages, args.concurrency, fake)
                rows.append((variant, row))
            print(
                f"round {round_number}: {args.messages} messages, concurrency {args.concurrency}"
            )
            print(table(rows, args.messages), flush=True)
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
