"""Readers' commands during a broadcast: under Telegram's 30 a second together, replies not slower.

    .venv/bin/python bench/mixed_load.py [--seconds 30] [--readers 20] [--rate 25]
        [--command /time]

The bot runs as `python -m pressbot run` in a process of its own against the fake Bot API
(tests/fakes, flood control answering 429 past 30 messages in any sliding second) served in this
process's event loop; see outage.py. `--readers` private chats each send `--command` (/time:
no database writes; or /latest) once a second, the readers spread evenly over the second, for
`--seconds`: first alone, then while the admin's release goes to enough subscribers to last the
measurement at PRESSBOT_BROADCAST_RATE `--rate`.

A reply's time runs from this process queueing the reader's update in the fake
(time.monotonic() at user_sends) to the fake receiving the bot's sendMessage to that chat; the
bot's long poll is woken at once by a queued update. Goals: in no sliding second did the fake
accept more than 30 sendMessage and edit calls together, no 429 was answered, and the p99 with
the broadcast is at most twice the p99 without it.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import math
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from _support import TOKEN, finish, percentile
from fakes import FakeBotApi
from outage import (
    FAKE_LIMIT,
    FIRST_CHAT_ID,
    SendTally,
    bot_process,
    busiest_second,
    prepare_database,
    publish_as_admin,
    until,
)

FIRST_READER = 5_000_001
REPLY_TIMEOUT = 30.0  # seconds for the last replies of a phase to arrive
WARM_UP_ROUNDS = 2


@dataclass
class Replies:
    """The fake's accepted sendMessage calls to each reader, in order, counted as they come."""

    fake: FakeBotApi
    readers: frozenset[int]
    times: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    _next: int = 0

    def update(self) -> None:
        calls = self.fake.calls
        while self._next < len(calls):
            call = calls[self._next]
            self._next += 1
            chat_id = call.params.get("chat_id")
            if call.method == "sendMessage" and call.status == 200 and chat_id in self.readers:
                assert isinstance(chat_id, int)
                self.times[chat_id].append(call.at)

    def counts(self) -> dict[int, int]:
        self.update()
        return {chat_id: len(self.times[chat_id]) for chat_id in self.readers}


@dataclass
class Phase:
    """One stretch of readers' commands and what came of it."""

    label: str
    started: float
    ended: float
    commands: int
    latencies_ms: list[float]
    broadcast_copies: int = 0


async def commands(
    replies: Replies, readers: list[int], *, seconds: int, command: str, label: str
) -> Phase:
    """Each reader sends `command` once a second for `seconds`; wait for every reply."""
    fake = replies.fake
    before = replies.counts()
    schedule = sorted(
        (second + index / len(readers), chat_id)
        for second in range(seconds)
        for index, chat_id in enumerate(readers)
    )
    sent: dict[int, list[float]] = defaultdict(list)
    start = time.monotonic() + 0.05
    for offset, chat_id in schedule:
        delay = start + offset - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        sent[chat_id].append(time.monotonic())
        fake.user_sends(command, chat_id=chat_id, user_id=chat_id, first_name="Reader")
    ended = time.monotonic()

    def answered() -> bool:
        counts = replies.counts()
        return all(counts[c] >= before[c] + len(sent[c]) for c in readers)

    await until(answered, REPLY_TIMEOUT, f"replies to {label}")
    latencies = [
        (reply - asked) * 1000
        for chat_id in readers
        for asked, reply in zip(
            sent[chat_id],
            replies.times[chat_id][before[chat_id] : before[chat_id] + len(sent[chat_id])],
            strict=True,
        )
    ]
    return Phase(label, start, ended, len(schedule), latencies)


async def run(seconds: int, reader_count: int, rate: float, command: str) -> tuple[
    list[Phase], FakeBotApi, int
]:  # fmt: skip
    """Readers alone, then readers during a broadcast; return the phases, the fake, its size."""
    # Enough for the measurement even if the readers took nothing from the broadcast's budget.
    subscribers = math.ceil(rate * (seconds + 10))
    chats = range(FIRST_CHAT_ID, FIRST_CHAT_ID + subscribers)
    readers = list(range(FIRST_READER, FIRST_READER + reader_count))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        await prepare_database(folder / "bot.sqlite3", chats)
        async with FakeBotApi(TOKEN, rate_limit=FAKE_LIMIT) as fake:
            replies = Replies(fake, frozenset(readers))
            tally = SendTally(fake, chats)
            async with bot_process(fake, folder, rate):
                # Each reader's language is looked up (and cached) at its first command.
                ask = functools.partial(commands, replies, readers, command=command)
                await ask(seconds=WARM_UP_ROUNDS, label="warm-up")
                alone = await ask(seconds=seconds, label="readers alone")
                await publish_as_admin(fake)
                # Two seconds' worth of copies out: the broadcast runs at its pace.
                await until(lambda: tally.update() >= 2 * rate, 30, "the broadcast under way")
                label = f"readers + broadcast at {rate:g}/s"
                loaded = await ask(seconds=seconds, label=label)
                tally.update()
                if len(tally.accepted) >= subscribers:
                    print("warning: the broadcast ended before the measurement did")
            # The bot has stopped (the rest of the broadcast with it): every call is in.
    for phase in (alone, loaded):
        phase.broadcast_copies = sum(phase.started <= t < phase.ended for t in tally.times)
    return [alone, loaded], fake, subscribers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=30, help="length of each phase")
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--command", choices=["/time", "/latest"], default="/time")
    args = parser.parse_args()
    phases, fake, subscribers = asyncio.run(
        run(args.seconds, args.readers, args.rate, args.command)
    )
    messages = [
        call.at
        for call in fake.calls
        if call.status == 200
        and call.method.startswith(("send", "edit"))
        and call.method != "sendChatAction"
    ]
    busiest = busiest_second(messages)
    print(
        f"{args.readers} readers, {args.command} once a second each, {args.seconds} s a phase;"
        f" broadcast to {subscribers:,} subscribers at {args.rate:g}/s;"
        f" fake's flood control {FAKE_LIMIT}/s"
    )
    print()
    print(
        "| phase | commands | reply p50 | reply p99 | reply max | broadcast copies meanwhile"
        " | all messages meanwhile |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for phase in phases:
        samples = phase.latencies_ms
        span = phase.ended - phase.started
        during = sum(phase.started <= t < phase.ended for t in messages)
        print(
            f"| {phase.label} | {phase.commands} | {statistics.median(samples):.1f} ms"
            f" | {percentile(samples, 0.99):.1f} ms | {max(samples):.1f} ms"
            f" | {phase.broadcast_copies} ({phase.broadcast_copies / span:.1f}/s)"
            f" | {during / span:.1f}/s |"
        )
    alone_p99 = percentile(phases[0].latencies_ms, 0.99)
    loaded_p99 = percentile(phases[1].latencies_ms, 0.99)
    ratio = loaded_p99 / alone_p99
    print()
    print(
        f"busiest sliding second of accepted sendMessage/edit calls: {busiest} (goal <= 30);"
        f" 429 answers: {fake.flood_429_count} (goal 0);"
        f" p99 with the broadcast / without: {ratio:.2f}x (goal <= 2)"
    )
    missed = []
    if busiest > FAKE_LIMIT:
        missed.append(f"{busiest} messages in one sliding second")
    if fake.flood_429_count:
        missed.append(f"{fake.flood_429_count} answers 429")
    if ratio > 2:
        missed.append(f"p99 {loaded_p99:.1f} ms with the broadcast, {ratio:.2f}x {alone_p99:.1f}")
    if fake.violations:
        missed.append(f"{len(fake.violations)} requests broke the Bot API's rules")
    if any(len(p.latencies_ms) < p.commands for p in phases):
        missed.append("replies missing")
    finish(missed)


if __name__ == "__main__":
    main()
