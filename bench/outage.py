"""A Bot API outage in the middle of a broadcast: everyone gets the release, once, and soon.

    .venv/bin/python bench/outage.py [--subscribers 3000] [--rate 25] [--outage-seconds 60]
        [--status 500] [--method sendMessage] [--no-baseline]

The bot runs as `python -m pressbot run` in a process of its own, as in production, against the
fake Bot API (tests/fakes, flood control at 30 messages a second) served in this process's
event loop, which records every request with the time it arrived. The admin (9001) publishes a
release the way an admin does (/post, title, text, /done, kind, Publish) to `--subscribers`
chats at PRESSBOT_BROADCAST_RATE `--rate`. Once a third of them have their copy, Telegram goes
away for `--outage-seconds`: every connection is dropped unanswered (the default), or every
request answered `--status` (e.g. 500), or with `--method` only that method fails (fail_for,
`--status` or 500).

Measured, from the fake's records: how many subscribers got the release (goal: all), copies
beyond one per chat (goal: 0; the fake executes no request that failed, so nothing accepted
ever needs sending again), the engine's sendMessage requests while Telegram was away (goal: a
probe at a time, at most one a second on average, not thousands), and "back to full rate":
seconds from the outage's end to the start of the first second-long window, beginning at an
accepted copy, that holds 90 % of `--rate` accepted copies (goal: under 5 s).

The same broadcast without an outage runs first (`--no-baseline` skips it), each run with a bot,
a database and a fake of its own: the outage's cost is the difference of the broadcasts' times
(first to last copy accepted), to compare with the outage's length.

mixed_load.py starts the bot with the helpers here.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import math
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from _support import TOKEN, finish
from fakes import ApiCall, FakeBotApi, SentMessage
from pressbot.storage import open_database

ADMIN = 9001
FIRST_CHAT_ID = 7_000_000_000
FAKE_LIMIT = 30
TITLE = "Embassy Press Officer's reply to a media question on the Salisbury investigation"
BODY = (
    "Question: Seven months have passed since the Salisbury incident. Has the Embassy received"
    " any new information from the British side?\n\n"
    "Answer: Unfortunately, once again we have to state that the British authorities continue"
    " to ignore our requests for consular access and for cooperation in the investigation. We"
    " have sent more than sixty notes to the Foreign Office and have not received a single"
    " meaningful answer. We call on London to stop the information campaign and to start a"
    " professional dialogue between the relevant agencies of our two countries."
)
START_TIMEOUT = 60.0  # seconds for the bot process to start polling
STEP_TIMEOUT = 30.0  # seconds for each answer in the admin's dialogue


# -- the bot in its own process, the fake in this one -------------------------------------------


async def prepare_database(path: Path, chat_ids: Iterable[int]) -> None:
    """Create the bot's database (schema and all) with these private chats subscribed."""
    database = await open_database(path)
    try:
        async with database.connection.transaction() as db:
            await db.executemany(
                "INSERT INTO subscribers (chat_id, chat_type, active, language_code,"
                " subscribed_at, updated_at) VALUES (?, 'private', 1, 'en', '2026-11-28',"
                " '2026-11-28')",
                [(chat_id,) for chat_id in chat_ids],
            )
    finally:
        await database.close()


async def outbox_statuses(path: Path) -> dict[str, int]:
    """How many deliveries of the last broadcast are in each status (after the bot stopped)."""
    database = await open_database(path)
    try:
        async with (
            database.connection.reading() as db,
            db.execute(
                "SELECT status, COUNT(*) FROM deliveries WHERE broadcast_id ="
                " (SELECT MAX(id) FROM broadcasts) GROUP BY status"
            ) as cursor,
        ):
            return {str(row[0]): int(row[1]) async for row in cursor}
    finally:
        await database.close()


async def until(
    predicate: Callable[[], bool],
    timeout: float,  # noqa: ASYNC109 - the benchmark's own deadline
    what: str,
    process: asyncio.subprocess.Process | None = None,
) -> None:
    """Poll `predicate` every 50 ms; fail after `timeout` s or when the bot process died."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if process is not None and process.returncode is not None:
            raise RuntimeError(f"the bot exited with {process.returncode} waiting for {what}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {what} within {timeout:g} s")
        await asyncio.sleep(0.05)


@asynccontextmanager
async def bot_process(
    fake: FakeBotApi, folder: Path, rate: float, **settings: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m pressbot run` against the fake, on folder/bot.sqlite3, polling when yielded.

    Its log goes to folder/bot.log (its last lines are printed when it fails). It is stopped
    with SIGTERM, as a service manager stops it, and must exit 0.
    """
    env = {
        **os.environ,
        "PRESSBOT_BOT_TOKEN": TOKEN,
        "PRESSBOT_API_BASE_URL": fake.base_url,
        "PRESSBOT_DB_PATH": str(folder / "bot.sqlite3"),
        "PRESSBOT_ADMIN_IDS": str(ADMIN),
        "PRESSBOT_BROADCAST_RATE": f"{rate:g}",
        **{f"PRESSBOT_{name.upper()}": value for name, value in settings.items()},
    }
    log_path = folder / "bot.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "pressbot",
            "run",
            cwd=folder,  # no .env of the project's
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    failed = False
    try:
        polled = IndexWatch(fake, lambda call: call.method == "getUpdates")
        await until(polled.seen, START_TIMEOUT, "getUpdates from the bot", process)
        yield process
    except BaseException:
        failed = True
        raise
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()
        if failed or process.returncode != 0:
            lines = log_path.read_text(errors="replace").splitlines()[-20:]
            print(f"bot exited with {process.returncode}; its log ends:", *lines, sep="\n  ")
        if process.returncode != 0 and not failed:
            raise RuntimeError(f"the bot exited with {process.returncode}")


class IndexWatch:
    """Whether the fake has recorded a matching call, looking only at calls not yet seen."""

    def __init__(self, fake: FakeBotApi, match: Callable[[ApiCall], bool]) -> None:
        self._fake, self._match, self._next, self._found = fake, match, 0, False

    def seen(self) -> bool:
        calls = self._fake.calls
        while not self._found and self._next < len(calls):
            self._found = self._match(calls[self._next])
            self._next += 1
        return self._found


def _buttons(message: SentMessage) -> list[str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [str(button.get("callback_data")) for row in rows for button in row]


async def _say(fake: FakeBotApi, text: str) -> None:
    """The admin writes `text` and waits for the bot's next message."""
    before = len(fake.messages(ADMIN))
    fake.user_sends(text, user_id=ADMIN, first_name="Press", language_code="en")
    await until(lambda: len(fake.messages(ADMIN)) > before, STEP_TIMEOUT, f"answer to {text!r}")


async def _press(fake: FakeBotApi, data: str, then: Callable[[], bool]) -> None:
    """The admin presses the newest button carrying `data`; wait until `then()`."""
    message = next(m for m in reversed(fake.messages(ADMIN)) if data in _buttons(m))
    fake.user_presses(message.message_id, ADMIN, data, user_id=ADMIN)
    await until(then, STEP_TIMEOUT, f"the bot's answer to {data!r}")


async def publish_as_admin(fake: FakeBotApi) -> float:
    """Publish a release as the admin does; return time.monotonic() of the Publish press."""

    def has_button(data: str) -> Callable[[], bool]:
        return lambda: any(data in _buttons(m) for m in fake.messages(ADMIN))

    await _say(fake, "/post")
    await _say(fake, TITLE)
    await _say(fake, BODY)
    await _say(fake, "/done")
    await until(has_button("kind:press_release"), STEP_TIMEOUT, "the kinds")
    await _press(fake, "kind:press_release", has_button("post:publish"))
    pressed = time.monotonic()
    before = len(fake.messages(ADMIN))
    await _press(fake, "post:publish", lambda: len(fake.messages(ADMIN)) > before)
    return pressed


@dataclass
class SendTally:
    """The fake's sendMessage calls to a set of chats, counted as they come in."""

    fake: FakeBotApi
    chats: range
    accepted: Counter[int] = field(default_factory=Counter)
    times: list[float] = field(default_factory=list)  # accepted, as received
    unanswered: list[float] = field(default_factory=list)  # not accepted (dropped, 5xx ...)
    _next: int = 0

    def update(self) -> int:
        """Count the calls recorded since; return how many chats have their copy."""
        calls = self.fake.calls
        while self._next < len(calls):
            call = calls[self._next]
            self._next += 1
            chat_id = call.params.get("chat_id")
            if call.method != "sendMessage" or not isinstance(chat_id, int):
                continue
            if chat_id not in self.chats:
                continue
            if call.status == 200:
                self.accepted[chat_id] += 1
                self.times.append(call.at)
            else:
                self.unanswered.append(call.at)
        return len(self.accepted)


def busiest_second(times: list[float]) -> int:
    """The most calls in any sliding one-second window."""
    ordered = sorted(times)
    return max(
        (bisect.bisect_left(ordered, t + 1.0) - i for i, t in enumerate(ordered)), default=0
    )


# -- this benchmark ---------------------------------------------------------------------------


@dataclass
class Outage:
    """What goes wrong, and when (time.monotonic())."""

    seconds: float
    status: int | None
    method: str | None
    started: float = 0.0

    @property
    def ended(self) -> float:
        return self.started + self.seconds

    def describe(self) -> str:
        if self.method is not None:
            return f"{self.method} answers {self.status or 500}"
        return "connections dropped" if self.status is None else f"answers {self.status}"

    def begin(self, fake: FakeBotApi) -> None:
        self.started = time.monotonic()
        if self.method is not None:
            fake.fail_for(self.method, self.status or 500, self.seconds)
        else:
            fake.outage(self.seconds, status=self.status)


@dataclass
class Result:
    """One broadcast's figures."""

    label: str
    delivered: int
    duplicates: int
    span: float  # first to last copy accepted
    outbox: dict[str, int]
    flood_429: int
    violations: list[str]
    engine_requests: int | None = None  # sendMessage to subscribers during the outage
    other_requests: int | None = None  # everything else the bot asked during it
    first_after: float | None = None  # first copy accepted after the outage's end
    full_rate_after: float | None = None


def back_to_full_rate(times: list[float], end: float, rate: float) -> float | None:
    """Seconds from `end` to the first 1 s window, from an accepted copy, with 90 % of rate."""
    need = math.ceil(0.9 * rate - 1e-9)
    after = sorted(t for t in times if t >= end)
    for index, at in enumerate(after):
        if bisect.bisect_left(after, at + 1.0) - index >= need:
            return at - end
    return None


async def broadcast(subscribers: int, rate: float, outage: Outage | None, label: str) -> Result:
    """One run: a fresh database, fake and bot; publish; break Telegram a while if asked."""
    chats = range(FIRST_CHAT_ID, FIRST_CHAT_ID + subscribers)
    # Generous but bounded: twice the broadcast's own time, the outage, two minutes to spare.
    timeout = 2 * subscribers / rate + (outage.seconds if outage else 0) + 120
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        await prepare_database(folder / "bot.sqlite3", chats)
        async with FakeBotApi(TOKEN, rate_limit=FAKE_LIMIT) as fake:
            tally = SendTally(fake, chats)
            async with bot_process(fake, folder, rate) as process:
                published = await publish_as_admin(fake)
                deadline = published + timeout
                while tally.update() < subscribers:
                    third = len(tally.accepted) >= subscribers / 3
                    if outage is not None and not outage.started and third:
                        outage.begin(fake)
                    if process.returncode is not None:
                        raise RuntimeError(f"the bot exited with {process.returncode}")
                    if time.monotonic() > deadline:
                        break  # reported as not delivered
                    if sys.stdout.isatty():
                        elapsed = time.monotonic() - published
                        print(f"\r{label}: {elapsed:5.0f} s, {len(tally.accepted):6d} delivered",
                              end="", flush=True)  # fmt: skip
                    await asyncio.sleep(0.1)
                if sys.stdout.isatty():
                    print()
                await asyncio.sleep(1.0)  # outcomes flushed, late copies (duplicates) counted
            tally.update()
            calls = list(fake.calls)
            flood, violations = fake.flood_429_count, list(fake.violations)
        outbox = await outbox_statuses(folder / "bot.sqlite3")
    times = sorted(tally.times)
    result = Result(
        label,
        delivered=len(tally.accepted),
        duplicates=sum(count - 1 for count in tally.accepted.values()),
        span=times[-1] - times[0] if times else 0.0,
        outbox=outbox,
        flood_429=flood,
        violations=violations,
    )
    if outage is not None and outage.started:
        during = [c for c in calls if outage.started <= c.at < outage.ended]
        in_chats = [
            c for c in during if c.method == "sendMessage" and c.params.get("chat_id") in chats
        ]
        result.engine_requests = len(in_chats)
        result.other_requests = len(during) - len(in_chats)
        after = [t for t in times if t >= outage.ended]
        result.first_after = after[0] - outage.ended if after else None
        result.full_rate_after = back_to_full_rate(times, outage.ended, rate)
    return result


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def report(results: list[Result], subscribers: int, rate: float, outage: Outage) -> list[str]:
    """Print the table; return the goals missed."""
    print(
        f"{subscribers} subscribers at {rate:g}/s, fake's flood control {FAKE_LIMIT}/s;"
        f" outage: {outage.seconds:g} s, {outage.describe()}, after a third was delivered"
    )
    print()
    print(
        "| run | delivered | duplicates | broadcast time | sendMessage during the outage"
        " | other requests during it | first copy after it | back to full rate | 429s |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    missed: list[str] = []
    for r in results:
        during = "–" if r.engine_requests is None else str(r.engine_requests)
        other = "–" if r.other_requests is None else str(r.other_requests)
        print(
            f"| {r.label} | {r.delivered:,} of {subscribers:,} | {r.duplicates} | {r.span:.1f} s"
            f" | {during} | {other} | {seconds(r.first_after)} | {seconds(r.full_rate_after)}"
            f" | {r.flood_429} |"
        )
        if r.delivered < subscribers:
            missed.append(
                f"{r.label}: {subscribers - r.delivered} subscribers without the release"
            )
        if r.duplicates:
            missed.append(f"{r.label}: {r.duplicates} duplicate copies")
        if r.violations:
            missed.append(f"{r.label}: {len(r.violations)} requests broke the Bot API's rules")
        if r.engine_requests is not None and r.engine_requests > outage.seconds:
            missed.append(f"{r.label}: {r.engine_requests} sends while Telegram was away")
        if r.engine_requests is not None and (
            r.full_rate_after is None or r.full_rate_after >= 5.0
        ):
            missed.append(f"{r.label}: back to full rate after {seconds(r.full_rate_after)}")
    print()
    for r in results:
        print(f"{r.label}: outbox {r.outbox}")
    if len(results) == 2:
        cost = results[1].span - results[0].span
        print(
            f"outage's cost: {results[1].span:.1f} s - {results[0].span:.1f} s = {cost:.1f} s"
            f" for a {outage.seconds:g} s outage ({cost - outage.seconds:+.1f} s)"
        )
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--outage-seconds", type=float, default=60.0)
    parser.add_argument("--status", type=int, default=None, help="answer this instead of dropping")
    parser.add_argument("--method", default=None, help="fail only this method (fail_for)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the run without outage")
    args = parser.parse_args()
    outage = Outage(args.outage_seconds, args.status, args.method)
    results = []
    if not args.no_baseline:
        results.append(asyncio.run(broadcast(args.subscribers, args.rate, None, "no outage")))
    label = f"{outage.seconds:g} s outage"
    results.append(asyncio.run(broadcast(args.subscribers, args.rate, outage, label)))
    missed = report(results, args.subscribers, args.rate, outage)
    finish(missed)


if __name__ == "__main__":
    main()
