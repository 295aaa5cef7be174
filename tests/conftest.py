"""Shared fixtures: a real SQLite database in tmp_path, seeded from data/ like a first start."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fakes import FakeBotApi
from fakes.website import FakeWebsite
from harness import TOKEN, RunningBot, SettableClock, TickingClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.ingest.items_file import seed_if_new
from pressbot.storage import Database, open_database

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SEED_FILE = DATA_DIR / "press_page_2018-10-18.json"
#: The instant of the seed page's clock header.
PAGE_TIME = datetime(2018, 10, 18, 5, 18, tzinfo=UTC)


@pytest.fixture
async def empty_database(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "pressbot.sqlite3")
    yield database
    await database.close()


@pytest.fixture
async def database(empty_database: Database) -> Database:
    await seed_if_new(empty_database, DATA_DIR, PAGE_TIME)
    return empty_database


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    """The fake Telegram; at the end, no request the bot made may have broken a rule."""
    async with FakeBotApi(token=TOKEN) as fake:
        yield fake
        assert fake.violations == []


@pytest.fixture
async def bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot, started on a new database (seeded from data/) at the seed page's instant."""
    running = make_bot(fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME))
    await start_bot(running.application)
    yield running
    await stop_bot(running.application)


@pytest.fixture
def clock() -> TickingClock:
    """A clock that ticks with real time from the seed page's instant (retries fall due)."""
    return TickingClock(PAGE_TIME)


@pytest.fixture
async def fake(clock: TickingClock) -> AsyncIterator[FakeBotApi]:
    """The fake Telegram on the ticking clock; no request may have broken a rule."""
    async with FakeBotApi(token=TOKEN, now=clock.telegram) as server:
        yield server
        assert server.violations == []


@pytest.fixture
async def website() -> AsyncIterator[FakeWebsite]:
    """The embassy's fake website, serving the feeds, pages and images a test puts there."""
    async with FakeWebsite() as site:
        yield site
