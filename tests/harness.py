"""The bot as a user meets it: the real Application, long polling a fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.events import (  # type: ignore[import-untyped]  # no type information
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    JobEvent,
)

from fakes import FakeBotApi, SentMessage
from pressbot.bot.context import PressApplication
from pressbot.config import Settings
from pressbot.core.models import Draft, DraftStage
from pressbot.publishing import publish_draft
from pressbot.server.app import build_application
from pressbot.storage import Database

TOKEN = "123456:TEST-fake-token-abc"
USER = 1001
# Ids of presses send_callback makes: another range than the fake's own query ids.
_FORGED_QUERY_IDS = itertools.count(7_000_000_000_000_000_001)


@dataclass
class SettableClock:
    """A clock the test moves by hand: the application's `clock` argument."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class TickingClock(SettableClock):
    """`now` plus the real time elapsed since it was made; set `now` to jump."""

    skew: timedelta = timedelta(0)  # how far the fake Telegram's clock is ahead of the bot's
    started: float = field(default_factory=time.monotonic)

    def __call__(self) -> datetime:
        return self.now + timedelta(seconds=time.monotonic() - self.started)

    def telegram(self) -> datetime:
        """The fake Telegram's time."""
        return self() + self.skew

    def advance(self, hours: float) -> None:
        """Jump forward (both clocks)."""
        self.now += timedelta(hours=hours)


@dataclass
class RunningBot:
    """A started Application and the fake Telegram it talks to."""

    fake: FakeBotApi
    application: PressApplication
    clock: SettableClock
    seen: dict[int, int] = field(default_factory=dict)

    @property
    def database(self) -> Database:
        return self.application.bot_data.ready().database

    async def say(
        self, text: str, *, replies: int = 1, chat_id: int = USER, **sender: Any
    ) -> list[SentMessage]:
        """Send text as a user and return the bot's `replies` new messages in that chat."""
        self.fake.user_sends(text, chat_id=chat_id, **sender)
        return await self.new_messages(chat_id, replies)

    async def press(
        self, message: SentMessage, callback_data: str, *, replies: int = 0, user_id: int = USER
    ) -> str:
        """Press a button under a bot message; wait for the answer and `replies` messages."""
        query_id = self.fake.user_presses(
            message.message_id, message.chat_id, callback_data, user_id=user_id
        )
        await self.fake.wait_until(lambda: query_id in self.fake.answered_callbacks)
        await self.new_messages(message.chat_id, replies)
        return query_id

    def send_callback(self, message: SentMessage, data: str, *, user_id: int = USER) -> str:
        """Queue a button press with any `data` under a bot message, whether or not one of its
        buttons carries it (a button of an older version of the bot, or a modified client);
        return the query id, which `fake.answered_callbacks` holds once it is answered."""
        user = self.fake.users.get(user_id) or {"id": user_id, "is_bot": False}
        user = {"first_name": "Anna", "language_code": "en", **user}
        query_id = str(next(_FORGED_QUERY_IDS))
        query = {
            "id": query_id,
            "from": user,
            "message": self.fake.message_json(message),
            "chat_instance": str(abs(message.chat_id) * 7919 % 10**15),
            "data": data,
        }
        self.fake.open_callbacks[query_id] = query
        self.fake.push_update("callback_query", query)
        return query_id

    async def release(self, title: str, kind: str, *, urgent: bool = False) -> int:
        """Publish an item as admin 9001 would from the preview; return how many it goes to."""
        services = self.application.bot_data.ready()
        draft = Draft(9001, 9001, DraftStage.PREVIEW, None, title, "Text.", kind, urgent)
        _, broadcast = await publish_draft(services.database, services.engine, draft, self.clock())
        progress = await services.database.outbox.progress(broadcast)
        assert progress is not None
        return progress.total

    async def wait_for_message_starting(
        self,
        chat_id: int,
        heading: str,
        timeout: float = 15.0,  # noqa: ASYNC109
    ) -> SentMessage:
        """Wait for a bot message in the chat that starts with `heading` (a progress message's
        or a report's, which a job sends at its own time); count all so far as seen."""

        def found() -> SentMessage | None:
            return next(
                (m for m in self.fake.messages(chat_id) if (m.text or "").startswith(heading)),
                None,
            )

        await self.fake.wait_until(lambda: found() is not None, timeout=timeout)
        message = found()
        assert message is not None
        self.mark_seen(chat_id)
        return message

    def mark_seen(self, chat_id: int) -> None:
        """Count every bot message in the chat so far as seen (e.g. after a broadcast)."""
        self.seen[chat_id] = len(self.fake.messages(chat_id))

    async def new_messages(self, chat_id: int, count: int) -> list[SentMessage]:
        """Wait for `count` bot messages in the chat after those already seen."""
        already = self.seen.get(chat_id, 0)
        await self.fake.wait_for_messages(chat_id, already + count)
        messages = self.fake.messages(chat_id)[already:]
        self.seen[chat_id] = already + len(messages)
        assert len(messages) == count, [m.text for m in messages]
        return messages


def bot_settings(fake: FakeBotApi, db_path: Path, **overrides: Any) -> Settings:
    """Settings that point the bot at the fake server and a file in the test's folder."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None, bot_token=TOKEN, api_base_url=fake.base_url, db_path=db_path, **overrides
    )


def make_bot(fake: FakeBotApi, db_path: Path, clock: SettableClock, **settings: Any) -> RunningBot:
    """Build (not start) the application against the fake."""
    application = build_application(bot_settings(fake, db_path, **settings), clock=clock)
    return RunningBot(fake, application, clock)


async def wait_for_job(
    application: PressApplication,
    name: str,
    done: Callable[[], Awaitable[bool]],
    timeout: float = 20.0,  # noqa: ASYNC109 - the tests' own deadline
) -> None:
    """Wait until `done()` holds: checked now and again each time a job's run ends (the job
    queue's own event), so a test waits for the job's work, not for its interval.

    Any job's end counts, not only `name`'s: a run-once job leaves the queue when its run
    begins, so the end of a run already under way could not be told by its id.
    """
    job_queue = application.job_queue
    assert job_queue is not None
    assert job_queue.get_jobs_by_name(name), f"no job named {name!r}"
    loop = asyncio.get_running_loop()
    runs: asyncio.Queue[JobEvent] = asyncio.Queue()

    def ended(event: JobEvent) -> None:
        loop.call_soon_threadsafe(runs.put_nowait, event)

    job_queue.scheduler.add_listener(ended, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    try:
        async with asyncio.timeout(timeout):
            while not await done():
                await runs.get()
    finally:
        job_queue.scheduler.remove_listener(ended)
