"""The application's bot_data: one typed object, empty until post_init fills it in."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram.ext import ApplicationBuilder

from conftest import PAGE_TIME
from fakes import FakeBotApi
from harness import TOKEN, RunningBot, SettableClock, make_bot
from pressbot.bot.context import ServicesNotReadyError
from pressbot.bot.website_jobs import poll_due_sources
from pressbot.server.telemetry import telemetry_of


async def test_services_read_before_post_init_say_so(fake_api: FakeBotApi, tmp_path: Path) -> None:
    built = make_bot(fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME))
    data = built.application.bot_data
    assert data.services is None
    with pytest.raises(ServicesNotReadyError, match="before post_init"):
        data.ready()
    assert await poll_due_sources(built.application.bot, data) == []
    # The telemetry is there from the start: the requests that build the bot report to it.
    assert telemetry_of(built.application).metrics is not None


async def test_a_started_bot_holds_its_services_and_no_sources(bot: RunningBot) -> None:
    data = bot.application.bot_data
    assert data.ready().database is bot.database
    assert data.ingest is None  # no website source configured


def test_an_application_not_built_by_build_application_has_no_telemetry() -> None:
    other = ApplicationBuilder().token(TOKEN).build()
    with pytest.raises(TypeError, match="not built by build_application"):
        telemetry_of(other)  # type: ignore[arg-type]
