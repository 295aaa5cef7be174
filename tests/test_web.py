"""Webhook mode, /healthz and /metrics, as Telegram, a reverse proxy and Prometheus meet them.

The bot runs as `pressbot run` runs it (serving.Runner) against the fake Bot API; updates are
POSTed to its webhook on 127.0.0.1 the way Telegram would, and the replies are read back from
the fake.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import PAGE_TIME
from fakes import FakeBotApi
from harness import RunningBot, SettableClock, bot_settings
from pressbot.app import build_application
from pressbot.models import ItemKind
from pressbot.serving import WEBHOOK_SECRET_KEY, Runner

HOOK_URL = "https://press.example.org/tg/hook"
SECRET = "s3cret_-token"
READERS = (2001, 2002, 2003)


@asynccontextmanager
async def running(
    fake: FakeBotApi, db_path: Path, clock: SettableClock | None = None, **settings: Any
) -> AsyncIterator[tuple[RunningBot, Runner]]:
    """The bot started as `pressbot run` starts it, listening on a free port."""
    clock = clock or SettableClock(PAGE_TIME)
    config = bot_settings(fake, db_path, **settings)
    runner = Runner(build_application(config, clock=clock), config)
    await runner.start()
    try:
        yield RunningBot(fake, runner.application, clock), runner
    finally:
        await runner.stop()


def address(runner: Runner, path: str) -> str:
    assert runner.server is not None
    return f"http://127.0.0.1:{runner.server.port}{path}"


async def post(
    runner: Runner,
    body: bytes | dict[str, Any],
    secret: str | None = SECRET,
    path: str = "/tg/hook",
) -> int:
    """POST a webhook request as Telegram does; return the HTTP status."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    async with (
        aiohttp.ClientSession() as session,
        session.post(address(runner, path), data=data, headers=headers) as response,
    ):
        return response.status


async def get(runner: Runner, path: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as session, session.get(address(runner, path)) as response:
        return response.status, response.headers["Content-Type"], await response.text()


def user_update(fake: FakeBotApi, text: str, user_id: int = 1001) -> dict[str, Any]:
    """The update Telegram would deliver for a user writing `text` to the bot."""
    fake.user_sends(text, user_id=user_id)
    return fake.pending_updates[-1]


def subscribed(db_path: Path, chat_id: int) -> bool:
    with sqlite3.connect(db_path) as db:
        row = db.execute("SELECT active FROM subscribers WHERE chat_id = ?", (chat_id,)).fetchone()
    return bool(row and row[0])


async def test_webhook_is_registered_with_the_secret_and_updates_are_answered(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    async with running(
        fake_api, db_path, webhook_url=HOOK_URL, webhook_secret=SECRET, listen="127.0.0.1:0"
    ) as (bot, runner):
        [registration] = [call for call in fake_api.calls if call.method == "setWebhook"]
        assert registration.params["url"] == HOOK_URL
        assert registration.params["secret_token"] == SECRET
        assert "message" in registration.params["allowed_updates"]
        assert not any(call.method == "getUpdates" for call in fake_api.calls)

        assert await post(runner, user_update(fake_api, "/start")) == 200
        [welcome] = await bot.new_messages(1001, 1)
        assert "You are subscribed" in welcome.text
        assert subscribed(db_path, 1001)


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x"])
async def test_a_request_without_the_right_secret_gets_403_and_changes_nothing(
    fake_api: FakeBotApi, tmp_path: Path, secret: str | None
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    async with running(
        fake_api, db_path, webhook_url=HOOK_URL, webhook_secret=SECRET, listen="127.0.0.1:0"
    ) as (bot, runner):
        update = user_update(fake_api, "/start")
        assert await post(runner, update, secret=secret) == 403
        # The same update with the right secret is answered: it was the secret that was refused.
        await post(runner, user_update(fake_api, "/help", user_id=1002))
        await bot.new_messages(1002, 1)
        assert fake_api.messages(1001) == []  # the bot said nothing
        assert not subscribed(db_path, 1001)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'{"message": {}}',
        b'{"update_id": "7"}',
        b'{"update_id": 7, "message": {"text": "no chat, no date"}}',
    ],
)
async def test_a_malformed_body_gets_400(
    fake_api: FakeBotApi, tmp_path: Path, body: bytes
) -> None:
    async with running(
        fake_api,
        tmp_path / "bot.sqlite3",
        webhook_url=HOOK_URL,
        webhook_secret=SECRET,
        listen="127.0.0.1:0",
    ) as (_, runner):
        calls = len(fake_api.calls)
        assert await post(runner, body) == 400
        assert len(fake_api.calls) == calls


async def test_only_the_webhook_path_takes_updates(fake_api: FakeBotApi, tmp_path: Path) -> None:
    async with running(
        fake_api,
        tmp_path / "bot.sqlite3",
        webhook_url=HOOK_URL,
        webhook_secret=SECRET,
        listen="127.0.0.1:0",
    ) as (_, runner):
        assert await post(runner, user_update(fake_api, "/start"), path="/") == 404
        assert await post(runner, user_update(fake_api, "/start"), path="/healthz") == 405
        assert (await get(runner, "/tg/hook"))[0] == 405
        assert fake_api.messages(1001) == []  # the bot said nothing


async def test_a_generated_secret_is_kept_across_restarts(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    for _ in range(2):
        async with running(fake_api, db_path, webhook_url=HOOK_URL, listen="127.0.0.1:0") as (
            bot,
            runner,
        ):
            secret = fake_api.calls[-1].params["secret_token"]
            assert await post(runner, user_update(fake_api, "/start"), secret=secret) == 200
            await bot.new_messages(1001, 1)
            assert await post(runner, user_update(fake_api, "/start"), secret=SECRET) == 403
    secrets = [c.params["secret_token"] for c in fake_api.calls if c.method == "setWebhook"]
    assert len(secrets) == 2 and secrets[0] == secrets[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", secrets[0])
    with sqlite3.connect(db_path) as db:
        kept = db.execute("SELECT value FROM meta WHERE key = ?", (WEBHOOK_SECRET_KEY,)).fetchone()
    assert kept == (secrets[0],)


async def test_polling_stays_the_default_and_switches_back_from_a_webhook(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    async with running(fake_api, db_path, webhook_url=HOOK_URL, listen="127.0.0.1:0"):
        assert fake_api.webhook_url == HOOK_URL
    async with running(fake_api, db_path) as (bot, runner):
        assert runner.server is None  # no PRESSBOT_HEALTH_LISTEN: nothing listens
        assert fake_api.webhook_url == ""
        [welcome] = await bot.say("/start")
        assert "You are subscribed" in welcome.text


async def test_healthz_reports_the_database_the_bot_api_and_the_outbox(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    async with running(
        fake_api, tmp_path / "bot.sqlite3", webhook_url=HOOK_URL, listen="127.0.0.1:0"
    ) as (_, runner):
        status, content_type, text = await get(runner, "/healthz")
    assert status == 200
    assert content_type.startswith("application/json")
    assert json.loads(text) == {
        "status": "ok",
        "database": "ok",
        "bot_api": "ok",
        "last_bot_api_success": PAGE_TIME.isoformat(),  # by the application's clock
        "bot_api_failing_since": None,
        "outbox_depth": 0,
    }


async def test_healthz_is_503_once_the_bot_api_has_failed_for_over_five_minutes(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    clock = SettableClock(PAGE_TIME)
    db_path = tmp_path / "bot.sqlite3"
    async with running(fake_api, db_path, clock, health_listen="127.0.0.1:0") as (_, runner):
        clock.now = PAGE_TIME + timedelta(minutes=1)
        fake_api.fail_next("getUpdates", 502, "Bad Gateway", times=10_000)
        deadline = time.monotonic() + 10
        while json.loads((await get(runner, "/healthz"))[2])["bot_api_failing_since"] is None:
            assert time.monotonic() < deadline, "the failing getUpdates was never noticed"
            await asyncio.sleep(0.05)

        clock.now = PAGE_TIME + timedelta(minutes=6)
        status, _, text = await get(runner, "/healthz")
        assert status == 200, "failing for five minutes is still within the limit"
        clock.now = PAGE_TIME + timedelta(minutes=6, seconds=1)
        status, _, text = await get(runner, "/healthz")
    assert status == 503
    report = json.loads(text)
    assert report["status"] == "unhealthy" and report["bot_api"] == "failing"
    assert report["database"] == "ok"
    assert report["last_bot_api_success"] == PAGE_TIME.isoformat()
    assert report["bot_api_failing_since"] == (PAGE_TIME + timedelta(minutes=1)).isoformat()


def samples(text: str) -> dict[str, float]:
    """Prometheus samples by name and labels, e.g. 'pressbot_updates_total{type=message}'."""
    values = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            values[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return values


async def test_metrics_count_updates_sends_retries_and_429s(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    async with running(
        fake_api, tmp_path / "bot.sqlite3", webhook_url=HOOK_URL, listen="127.0.0.1:0"
    ) as (bot, runner):
        secret = fake_api.calls[-1].params["secret_token"]
        for reader in READERS:
            await post(runner, user_update(fake_api, "/start", user_id=reader), secret=secret)
            await bot.new_messages(reader, 1)
        fake_api.block(READERS[2])
        fake_api.fail_next("sendMessage", 429, retry_after=1, chat_id=READERS[1])
        assert await bot.release("Statement on metrics", ItemKind.STATEMENT) == len(READERS)
        await bot.new_messages(READERS[0], 1)
        await fake_api.wait_until(lambda: any(c.status == 429 for c in fake_api.calls))
        bot.clock.now += timedelta(seconds=2)  # retry_after has passed by the engine's clock
        await bot.new_messages(READERS[1], 1)

        def recorded() -> bool:
            with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
                row = db.execute("SELECT count(*) FROM deliveries WHERE status = 'pending'")
                return bool(row.fetchone() == (0,))

        await fake_api.wait_until(recorded, timeout=10)
        status, content_type, text = await get(runner, "/metrics")
    assert status == 200
    assert content_type == "text/plain; version=0.0.4; charset=utf-8"  # what Prometheus 2 reads
    values = samples(text)
    assert values["pressbot_updates_total{type=message}"] == len(READERS)
    assert values["pressbot_messages_sent_total"] == 2
    assert values["pressbot_messages_failed_total{reason=blocked}"] == 1
    assert values["pressbot_messages_failed_total{reason=error}"] == 0
    assert values["pressbot_messages_retried_total"] == 1
    assert values["pressbot_telegram_429_total"] == 1
    assert values["pressbot_outbox_depth"] == 0
    assert values["pressbot_subscribers_active"] == 2  # the one who blocked the bot is out
    assert values["pressbot_delivery_seconds_count"] == 4  # 2 sent, 1 blocked, 1 429
