"""Run the fake Bot API on its own: ``PYTHONPATH=tests python -m fakes --port 0``.

The first line on stdout is the base URL to give python-telegram-bot; the fake then serves until
SIGTERM or SIGINT and writes a one-line JSON summary (calls, statuses, violations) to stderr.
Beside GET /_fake/stats, POST /_fake/outage?seconds=S[&status=N], /_fake/end_outage and
/_fake/fail_for?method=M&status=N&seconds=S inject faults from another process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from .bot_api import DEFAULT_TOKEN, FakeBotApi


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m fakes", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="TCP port (0: any free one)")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the bot token to accept")
    parser.add_argument("--rate-limit", type=int, default=None, help="messages per second")
    parser.add_argument(
        "--per-chat-limit",
        action="store_true",
        help="about 1/s per private chat, 20/min per group",
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Serve until a termination signal arrives."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    fake = FakeBotApi(
        args.token,
        rate_limit=args.rate_limit,
        per_chat_limit=args.per_chat_limit,
        host=args.host,
        port=args.port,
    )
    async with fake:
        print(fake.base_url, flush=True)
        await stop.wait()
    print(json.dumps(fake.stats()), file=sys.stderr, flush=True)


def main() -> None:
    """Entry point of ``python -m fakes``."""
    asyncio.run(serve(parse_args()))


if __name__ == "__main__":
    main()
