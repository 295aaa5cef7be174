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
from pressbot.bot.updates import ALLOWED_UPDATES
from pressbot.core.models import ItemKind
from pressbot.server.app import build_application
from pressbot.server.runner import WEBHOOK_SECRET_KEY, Runner
from pressbot.server.telemetry import telemetry_of
from pressbot.server.web import BODY_TIMEOUT as WEB_BODY_TIMEOUT

HOOK_URL = "https://press.example.org/tg/hook"
SECRET = "s3cret_-token"
READERS = (2001, 2002, 2003)


#: The settings of a bot in webhook mode, listening on a free port.
WEBHOOK: dict[str, Any] = {
    "webhook_url": HOOK_URL,
    "webhook_secret": SECRET,
    "listen": "127.0.0.1:0",
}


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
    async with running(fake_api, db_path, **WEBHOOK) as (bot, runner):
        [registration] = [call for call in fake_api.calls if call.method == "setWebhook"]
        assert registration.params["url"] == HOOK_URL
        assert registration.params["secret_token"] == SECRET
        assert registration.params["allowed_updates"] == list(ALLOWED_UPDATES)
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
    async with running(fake_api, db_path, **WEBHOOK) as (bot, runner):
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
        b'{"update_id": true}',
    ],
)
async def test_a_malformed_body_gets_400(
    fake_api: FakeBotApi, tmp_path: Path, body: bytes
) -> None:
    async with running(
        fake_api,
        tmp_path / "bot.sqlite3",
        **WEBHOOK,
    ) as (_, runner):
        calls = len(fake_api.calls)
        assert await post(runner, body) == 400
        assert len(fake_api.calls) == calls


async def test_an_update_it_cannot_decode_gets_400_and_is_skipped_and_counted(
    fake_api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(
        fake_api,
        tmp_path / "bot.sqlite3",
        **WEBHOOK,
    ) as (bot, runner):
        undecodable = fake_api.push_undecodable_update("message")
        broken = {"update_id": 9, "message": {"text": "no chat, no date"}}
        assert await post(runner, undecodable) == 400
        assert await post(runner, broken) == 400
        await post(runner, user_update(fake_api, "/help", user_id=1002))
        await bot.new_messages(1002, 1)
        assert fake_api.messages(1001) == []
        metrics = telemetry_of(runner.application).metrics
        counted = metrics.registry.get_sample_value(
            "pressbot_updates_undecodable_total", {"type": "message"}
        )
    assert counted == 2
    skipped = [r.getMessage() for r in caplog.records if "skipped update" in r.getMessage()]
    assert len(skipped) == 2 and f"update {undecodable['update_id']} of type message" in skipped[0]
    assert "Which cover" not in caplog.text and "no chat, no date" not in caplog.text


def _without_chat(message: dict[str, Any]) -> None:
    del message["chat"]


def _string_chat_id(message: dict[str, Any]) -> None:
    message["chat"]["id"] = str(message["chat"]["id"])


def _date_out_of_range(message: dict[str, Any]) -> None:
    message["date"] = 10**20


def _text_a_number(message: dict[str, Any]) -> None:
    message["text"] = 42


def _sender_without_id(message: dict[str, Any]) -> None:
    del message["from"]["id"]


@pytest.mark.parametrize(
    "spoil",
    [_without_chat, _string_chat_id, _date_out_of_range, _text_a_number, _sender_without_id],
)
async def test_a_message_that_is_not_a_valid_update_gets_400_and_changes_nothing(
    fake_api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture, spoil: Any
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    async with running(fake_api, db_path, **WEBHOOK) as (bot, runner):
        update = user_update(fake_api, "/start")
        spoil(update["message"])
        assert await post(runner, update) == 400
        # The update after it is answered: the bad one was not queued in front of it.
        await post(runner, user_update(fake_api, "/help", user_id=1002))
        await bot.new_messages(1002, 1)
        assert fake_api.messages(1001) == []
    assert not subscribed(db_path, 1001)
    with sqlite3.connect(db_path) as db:
        kept = db.execute(
            "SELECT 1 FROM webhook_updates WHERE update_id = ?", (update["update_id"],)
        )
        assert kept.fetchall() == []
        assert db.execute("SELECT count(*) FROM chat_languages").fetchone() == (1,)  # 1002's
    assert "error while handling an update" not in caplog.text


@pytest.mark.parametrize(
    "body",
    [
        b'{"update_id": 5, "message": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
        json.dumps({"update_id": 10**30, "message": {}}).encode(),
        json.dumps({"update_id": -1, "message": {}}).encode(),
    ],
    ids=["nested-200000-deep", "update-id-too-big", "update-id-negative"],
)
async def test_a_body_past_what_an_update_can_be_gets_400(
    fake_api: FakeBotApi, tmp_path: Path, body: bytes
) -> None:
    async with running(
        fake_api,
        tmp_path / "bot.sqlite3",
        **WEBHOOK,
    ) as (bot, runner):
        assert await post(runner, body) == 400
        await post(runner, user_update(fake_api, "/help", user_id=1002))
        await bot.new_messages(1002, 1)


async def test_a_body_sent_a_byte_a_second_is_cut_after_a_few_seconds(
    fake_api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(
        fake_api,
        tmp_path / "bot.sqlite3",
        **WEBHOOK,
    ) as (bot, runner):
        assert runner.server is not None
        body = json.dumps(user_update(fake_api, "/start")).encode()
        reader, writer = await asyncio.open_connection("127.0.0.1", runner.server.port)
        head = (
            "POST /tg/hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        writer.write(head.encode())
        started = time.monotonic()

        async def trickle() -> None:
            for byte in body:  # a byte a second: the slow client this test plays
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(1)

        sending = asyncio.create_task(trickle())
        try:
            answer = await asyncio.wait_for(reader.read(), timeout=30)  # until it is closed
        except ConnectionResetError:
            # The server answered 408 and closed while this client still sent bytes: the
            # kernel then resets the connection, and the answer may be lost before it is read.
            answer = b""
        finally:
            sending.cancel()
            writer.close()
        elapsed = time.monotonic() - started
        assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer
        assert elapsed < WEB_BODY_TIMEOUT + 3, elapsed
        assert "body took over" in caplog.text  # refused for its slowness, not for another reason
        # The server took the next request as usual, and the slow one changed nothing.
        await post(runner, user_update(fake_api, "/help", user_id=1002))
        await bot.new_messages(1002, 1)
        assert fake_api.messages(1001) == []


async def test_an_update_posted_again_is_answered_200_and_not_handled_again(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    fake_api.user_sends("/help")
    update = fake_api.pending_updates[-1]
    for _ in range(2):  # a restart on the same database remembers it
        async with running(fake_api, db_path, **WEBHOOK) as (bot, runner):
            url = address(runner, "/tg/hook")
            statuses = [await fake_api.post_update_to_webhook(update, url, SECRET)]
            statuses.append(await fake_api.post_update_to_webhook(update, url, SECRET))
            assert statuses == [200, 200]
            # An update after them is answered: the repeats were not, in between or before.
            await post(runner, user_update(fake_api, "/help", user_id=1002))
            await bot.new_messages(1002, 1)
    assert len(fake_api.messages(1001)) == 1  # /help answered once, not three times
    with sqlite3.connect(db_path) as db:
        kept = db.execute("SELECT update_id FROM webhook_updates ORDER BY update_id").fetchall()
    assert (update["update_id"],) in kept


async def test_only_the_webhook_path_takes_updates(fake_api: FakeBotApi, tmp_path: Path) -> None:
    async with running(
        fake_api,
        tmp_path / "bot.sqlite3",
        **WEBHOOK,
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


async def test_healthz_reports_updates_sending_and_the_database(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    async with running(
        fake_api, tmp_path / "bot.sqlite3", webhook_url=HOOK_URL, listen="127.0.0.1:0"
    ) as (_, runner):
        status, content_type, text = await get(runner, "/healthz")
    assert status == 200
    assert content_type.startswith("application/json")
    working = {  # by the application's clock
        "status": "ok",
        "last_success": PAGE_TIME.isoformat(),
        "failing_since": None,
        "last_error": None,
    }
    assert json.loads(text) == {
        "status": "ok",
        "failing": [],
        "updates": {**working, "last_success": None},  # no update came to the webhook yet
        "sending": working,  # setWebhook, setMyCommands ...
        "database": {"status": "ok", "outbox_depth": 0, "error": None},
        "grace_seconds": 120.0,
    }


async def healthz_until(runner: Runner, status: int, timeout: float = 15) -> dict[str, Any]:  # noqa: ASYNC109 - the test's own deadline
    """Ask /healthz until it answers `status`; its report."""
    deadline = time.monotonic() + timeout
    while True:
        answer, _, text = await get(runner, "/healthz")
        if answer == status:
            return dict(json.loads(text))
        assert time.monotonic() < deadline, f"/healthz still {answer}: {text}"
        await asyncio.sleep(0.05)


async def test_healthz_is_503_naming_updates_during_an_outage_and_200_after(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    clock = SettableClock(PAGE_TIME)
    db_path = tmp_path / "bot.sqlite3"
    async with running(fake_api, db_path, clock, health_listen="127.0.0.1:0", health_grace=1) as (
        _,
        runner,
    ):
        fake_api.outage(60)  # Telegram unreachable: connections dropped
        deadline = time.monotonic() + 10
        while json.loads((await get(runner, "/healthz"))[2])["updates"]["failing_since"] is None:
            assert time.monotonic() < deadline, "the failing getUpdates was never noticed"
            await asyncio.sleep(0.05)
        status, _, _ = await get(runner, "/healthz")
        assert status == 200, "failing, but not yet for longer than the grace"
        clock.now += timedelta(seconds=2)
        report = await healthz_until(runner, 503)
        assert report["status"] == "unhealthy" and report["failing"] == ["updates"]
        assert report["updates"]["status"] == "failing"
        assert report["updates"]["last_error"] == "no answer"
        assert report["updates"]["failing_since"] == PAGE_TIME.isoformat()
        assert report["database"]["status"] == "ok"

        fake_api.end_outage()
        report = await healthz_until(runner, 200)  # PTB's back-off: 1 s, 1.5 s, 2.25 s ...
    assert report["failing"] == [] and report["updates"]["status"] == "ok"


async def test_healthz_is_503_naming_sending_when_sends_fail_past_the_grace(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    clock = SettableClock(PAGE_TIME)
    db_path = tmp_path / "bot.sqlite3"
    async with running(fake_api, db_path, clock, health_listen="127.0.0.1:0", health_grace=1) as (
        bot,
        runner,
    ):
        # Two replies fail, 2 s apart, and so do the apologies that follow each: no send
        # succeeds until the third reader's reply.
        fake_api.fail_next("sendMessage", 502, "Bad Gateway", times=4)
        for failed, reader in enumerate(READERS[:2], 1):
            fake_api.user_sends("/help", user_id=reader)
            await fake_api.wait_until(
                lambda n=failed: sum(c.status == 502 for c in fake_api.calls) == 2 * n
            )
            clock.now += timedelta(seconds=2)
        report = await healthz_until(runner, 503)
        assert report["failing"] == ["sending"]
        assert report["sending"]["last_error"] == "HTTP 502"
        assert report["updates"]["status"] == "ok", "getUpdates answering does not hide it"
        [reply] = await bot.say("/help", chat_id=READERS[2], user_id=READERS[2])
        assert "/subscribe" in reply.text
        report = await healthz_until(runner, 200)
    assert report["sending"]["last_success"] == (PAGE_TIME + timedelta(seconds=4)).isoformat()


async def test_healthz_is_503_when_telegram_reports_it_cannot_reach_the_webhook(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    clock = SettableClock(PAGE_TIME)
    reported: dict[str, Any] = {}

    def webhook_info(params: Any, texts: Any, chat: Any) -> dict[str, Any]:
        # What Telegram says when its posts to the webhook fail (the fake does not model it).
        return {"url": fake_api.webhook_url, "has_custom_certificate": False, **reported}

    fake_api._methods._handlers["getWebhookInfo"] = webhook_info  # a stand-in
    async with running(
        fake_api,
        tmp_path / "bot.sqlite3",
        clock,
        **WEBHOOK,
        health_grace=1,
    ) as (bot, runner):
        reported.update(
            pending_update_count=1,
            last_error_date=fake_api.unix_now() + 1,
            last_error_message="Connection timed out",
        )
        await fake_api.wait_until(
            lambda: any(c.method == "getWebhookInfo" for c in fake_api.calls), timeout=5
        )
        deadline = time.monotonic() + 10
        while json.loads((await get(runner, "/healthz"))[2])["updates"]["failing_since"] is None:
            assert time.monotonic() < deadline, "Telegram's error was never noticed"
            await asyncio.sleep(0.05)
        clock.now += timedelta(seconds=2)
        report = await healthz_until(runner, 503)
        assert report["failing"] == ["updates"]
        assert report["updates"]["last_error"] == "webhook not reached: Connection timed out"

        await fake_api.wait_until(lambda: time.time() > reported["last_error_date"], timeout=5)
        await post(runner, user_update(fake_api, "/help"))  # Telegram gets through again
        await bot.new_messages(1001, 1)
        report = await healthz_until(runner, 200)
    assert report["updates"]["status"] == "ok"


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
