"""One sending budget: replies and broadcasts together stay under Telegram's limit.

The unit tests drive budget.SendBudget with short real waits; the end-to-end test runs the
real Application against a fake Bot API that answers 429 past 30 messages in any second.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fakes import FakeBotApi
from harness import TOKEN, USER, TickingClock
from pressbot.delivery.budget import SendBudget
from test_delivery import publish, releases, running, sends, settle, subscribe


async def test_a_waiting_reply_takes_the_next_token_before_a_waiting_broadcast() -> None:
    budget = SendBudget(25.0, overall_rate=10.0)
    await budget.for_reply(1)  # two tokens left: the reserve broadcasts leave to replies
    order: list[str] = []

    async def broadcast() -> None:
        await budget.for_broadcast(2)
        order.append("broadcast")

    async def reply() -> None:
        await budget.for_reply(3)
        order.append("reply")

    first = asyncio.create_task(broadcast())
    await asyncio.sleep(0)  # the broadcast is waiting first
    await asyncio.gather(first, reply())
    assert order == ["reply", "broadcast"]


async def test_paid_broadcasts_leave_the_overall_budget_to_replies() -> None:
    budget = SendBudget(1000.0, paid_broadcast=True, overall_rate=10.0)
    started = time.monotonic()
    for chat_id in range(1, 51):  # fifty chats at the paid rate, in well under a second
        await budget.for_broadcast(chat_id)
    await budget.for_reply(USER)  # and a reply's token is still there
    assert time.monotonic() - started < 0.5


async def test_a_429_pauses_replies_and_broadcasts_alike() -> None:
    budget = SendBudget(25.0)
    budget.pause(0.3)
    started = time.monotonic()
    await asyncio.gather(budget.for_reply(USER), budget.for_broadcast(2))
    assert time.monotonic() - started >= 0.3


def busiest_second(times: list[float]) -> int:
    """The most sends in any sliding one-second window."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


@pytest.fixture
async def limited(clock: TickingClock) -> AsyncIterator[FakeBotApi]:
    """A fake Telegram that answers 429 past 30 messages in any second."""
    async with FakeBotApi(token=TOKEN, now=clock.telegram, rate_limit=30) as server:
        yield server
        assert server.violations == []


async def test_replies_during_a_broadcast_stay_under_the_limit_and_come_first(
    limited: FakeBotApi, tmp_path: Path, clock: TickingClock
) -> None:
    fake = limited
    readers = tuple(range(6001, 6091))  # 90 copies: about 3.6 s at 25 a second
    askers = tuple(range(7001, 7016))
    async with running(fake, tmp_path, clock, broadcast_rate=25.0, progress_interval=60.0) as bot:
        await subscribe(bot, *readers)
        _, broadcast_id = await publish(bot)
        # 15 readers each ask for the time twice a second for 2 s: 30 replies a second wanted.
        for _ in range(8):
            for chat_id in askers:
                fake.user_sends("/time", chat_id=chat_id, user_id=chat_id)
            await asyncio.sleep(0.25)  # the readers' own pace, not a wait for an event
        await fake.wait_until(lambda: all(len(fake.messages(c)) == 8 for c in askers), 20)
        await settle(bot, broadcast_id, reported=False, timeout=30)
    assert fake.flood_429_count == 0
    accepted = [c.at for c in fake.calls if c.method == "sendMessage" and c.status == 200]
    assert busiest_second(accepted) <= 30
    assert all(len(releases(fake, chat_id)) == 1 for chat_id in readers)
    assert len(sends(fake)) == len(readers) + 8 * len(askers)
