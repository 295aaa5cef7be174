"""Tests of the fake Bot API's timed faults, undecodable updates and webhook deliveries.

Everything goes over real HTTP (httpx, python-telegram-bot, a subprocess) and asserts what a
client of the fake sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import telegram
from aiohttp import web
from telegram import Update
from telegram.error import InvalidToken, NetworkError

from fakes import FakeBotApi
from fakes.bot_api import WEBHOOK_SECRET_HEADER
from fakes.models import JsonDict
from fakes.spec import SPEC

TOKEN = "123456:TEST-fake-token-abc"
USER = 1001
TESTS = Path(__file__).parent


class Api:
    """Posts like python-telegram-bot: form fields, non-strings JSON-encoded."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(self, method: str, **params: Any) -> tuple[int, JsonDict]:
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        response = await self.client.post(method, data=form)
        return response.status_code, response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        """Call and require success; return the result."""
        status, body = await self(method, **params)
        assert status == 200, body
        return body["result"]

    async def until_ok(self, method: str, timeout: float = 5.0, **params: Any) -> Any:  # noqa: ASYNC109 - the test's own deadline
        """Call until the call succeeds (a fault lasting a while is over); return the result."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(httpx.TransportError):
                status, body = await self(method, **params)
                if status == 200:
                    return body["result"]
            assert time.monotonic() < deadline, f"{method} still fails after {timeout} s"
            await asyncio.sleep(0.05)  # the pace of polling, not a stand-in for an event


@contextlib.asynccontextmanager
async def serving(**options: Any) -> AsyncIterator[tuple[FakeBotApi, Api]]:
    """A fake with these constructor options and a client for it."""
    async with (
        FakeBotApi(TOKEN, **options) as server,
        httpx.AsyncClient(base_url=f"{server.base_url}{TOKEN}/", timeout=10) as client,
    ):
        yield server, Api(client)


@pytest.fixture
async def fake_and_api() -> AsyncIterator[tuple[FakeBotApi, Api]]:
    async with serving(max_poll_wait=30) as both:
        yield both


def is_plain_network_error(error: BaseException) -> bool:
    """PTB's NetworkError itself, not one of its subclasses (BadRequest, TimedOut ...)."""
    return type(error) is NetworkError


# -- outage ---------------------------------------------------------------------------------


async def test_outage_drops_every_request_until_it_ends(
    fake_and_api: tuple[FakeBotApi, Api],
) -> None:
    fake, api = fake_and_api
    async with telegram.Bot(TOKEN, base_url=fake.base_url) as bot:
        fake.outage(30)
        assert fake.in_outage
        for method in ("getMe", "sendMessage", "getUpdates"):
            with pytest.raises(httpx.RemoteProtocolError):
                await api(method, chat_id=USER, text="x")
        with pytest.raises(NetworkError) as dropped:
            await bot.send_message(USER, "x")
        assert is_plain_network_error(dropped.value)
        async with httpx.AsyncClient() as client:  # a wrong token meets the same outage
            with pytest.raises(httpx.RemoteProtocolError):
                await client.post(f"{fake.base_url}123456:WRONG/getMe")
        fake.end_outage()
        assert not fake.in_outage
        assert (await bot.send_message(USER, "back")).text == "back"
    during = [(call.method, call.status) for call in fake.calls[1:-1]]  # after bot's getMe
    assert during == [
        ("getMe", 0),
        ("sendMessage", 0),
        ("getUpdates", 0),
        ("sendMessage", 0),
        ("getMe", 0),
    ]
    assert fake.calls[-1].status == 200
    assert fake.bot_texts(USER) == ["back"]
    assert fake.violations == []  # an outage checks nothing and blames nobody


async def test_outage_with_a_status_answers_telegrams_error_then_ends_by_itself(
    fake_and_api: tuple[FakeBotApi, Api],
) -> None:
    fake, api = fake_and_api
    async with telegram.Bot(TOKEN, base_url=fake.base_url) as bot:
        started = time.monotonic()
        fake.outage(0.5, status=502)
        status, body = await api("getUpdates", timeout=0)
        assert (status, body) == (
            502,
            {"ok": False, "error_code": 502, "description": "Bad Gateway"},
        )
        with pytest.raises(NetworkError, match="Bad Gateway") as failed:
            await bot.send_message(USER, "x")
        assert is_plain_network_error(failed.value)
        await fake.wait_until(lambda: not fake.in_outage, timeout=5)
        assert time.monotonic() - started >= 0.5
        assert (await bot.send_message(USER, "back")).text == "back"
    assert [c.status for c in fake.calls if c.method == "getUpdates"] == [502]
    fake.outage(30, status=500)
    assert await api("sendMessage", chat_id=USER, text="x") == (
        500,
        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
    )
    fake.end_outage()
    await api.ok("getMe")


async def test_outage_cuts_a_waiting_long_poll_at_once(
    fake_and_api: tuple[FakeBotApi, Api],
) -> None:
    fake, api = fake_and_api
    poll = asyncio.create_task(api("getUpdates", timeout=30))
    await fake.wait_until(lambda: fake.waiting_polls == 1)
    started = time.monotonic()
    fake.outage(30, status=502)  # even with a status: the line to the waiting poll is cut
    with pytest.raises(httpx.RemoteProtocolError):
        await poll
    assert time.monotonic() - started < 2  # at once, not when the 30 s poll would end
    [cut] = fake.calls
    assert (cut.method, cut.status, cut.response) == ("getUpdates", 0, None)
    assert cut.at < started  # it was the poll already waiting, not a new request
    assert fake.waiting_polls == 0
    fake.end_outage()
    fake.user_sends("after the outage")
    [update] = await api.ok("getUpdates", timeout=30)
    assert update["message"]["text"] == "after the outage"


async def test_outage_is_noticed_by_python_telegram_bots_get_updates(
    fake_and_api: tuple[FakeBotApi, Api],
) -> None:
    fake, _ = fake_and_api
    async with telegram.Bot(TOKEN, base_url=fake.base_url) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await fake.wait_until(lambda: fake.waiting_polls == 1)
        fake.outage(30)
        with pytest.raises(NetworkError) as cut:
            await poll
        assert is_plain_network_error(cut.value)
        fake.end_outage()
        assert await bot.get_updates(timeout=0) == ()


# -- fail_for -------------------------------------------------------------------------------


async def test_fail_for_fails_one_method_for_a_while(
    fake_and_api: tuple[FakeBotApi, Api],
) -> None:
    fake, api = fake_and_api
    started = time.monotonic()
    fake.fail_for("sendMessage", 500, 0.5)
    status, body = await api("sendMessage", chat_id=USER, text="x")
    assert (status, body) == (
        500,
        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
    )
    async with telegram.Bot(TOKEN, base_url=fake.base_url) as bot:  # getMe works meanwhile
        with pytest.raises(NetworkError, match="Internal Server Error") as failed:
            await bot.send_message(USER, "x")
        assert is_plain_network_error(failed.value)
        assert await bot.send_chat_action(USER, "typing") is True
    sent = await api.until_ok("sendMessage", chat_id=USER, text="back")
    assert time.monotonic() - started >= 0.5
    assert sent["text"] == "back"
    assert fake.bot_texts(USER) == ["back"]
    assert fake.violations == []


async def test_fail_for_takes_a_description_and_checks_the_method_name(
    fake_and_api: tuple[FakeBotApi, Api],
) -> None:
    fake, api = fake_and_api
    fake.fail_for("editMessageText", 502, 30, "Bad Gateway: try again later")
    status, body = await api("editMessageText", chat_id=USER, message_id=1, text="x")
    assert (status, body["description"]) == (502, "Bad Gateway: try again later")
    await api.ok("sendMessage", chat_id=USER, text="still fine")
    with pytest.raises(ValueError, match="not a Bot API method"):
        fake.fail_for("sendMesage", 500, 1)


# -- updates a newer Telegram sends ---------------------------------------------------------


async def test_undecodable_update_wakes_the_poll_and_python_telegram_bot_cannot_decode_it(
    fake_and_api: tuple[FakeBotApi, Api],
) -> None:
    fake, api = fake_and_api
    poll = asyncio.create_task(api.ok("getUpdates", timeout=30))
    await fake.wait_until(lambda: fake.waiting_polls == 1)
    started = time.monotonic()
    pushed = fake.push_undecodable_update()
    [update] = await poll
    assert time.monotonic() - started < 2  # woken by the update, not the 30 s timeout
    assert update == pushed
    assert "poll" in update
    assert SPEC.check(update, ("Update",), "Update") is not None  # not even Bot API 10.1's
    async with telegram.Bot(TOKEN, base_url=fake.base_url) as bot:
        with pytest.raises(TypeError, match="required positional argument: 'text'"):
            Update.de_json(update, bot)
        with pytest.raises(TypeError):  # PTB's own getUpdates fails on it the same way
            await bot.get_updates(timeout=0)
        fake.push_undecodable_update("message")
        [update] = await api.ok("getUpdates", offset=pushed["update_id"] + 1)
        assert update["message"]["chat"]["id"] == USER
        with pytest.raises(TypeError, match="required positional argument: 'text'"):
            Update.de_json(update, bot)
    assert fake.violations == []


async def test_undecodable_poll_is_never_delivered_to_a_bot_not_asking_for_polls(
    fake_and_api: tuple[FakeBotApi, Api],
) -> None:
    fake, api = fake_and_api
    fake.push_undecodable_update("poll")
    assert await api.ok("getUpdates", allowed_updates=["message"]) == []
    assert fake.pending_updates == []
    assert await api.ok("getUpdates", allowed_updates=["message", "poll"]) == []
    with pytest.raises(ValueError, match="no undecodable 'sticker' update"):
        fake.push_undecodable_update("sticker")


# -- webhook --------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def webhook_listener(
    secret: str,
) -> AsyncIterator[tuple[str, list[tuple[str | None, str, JsonDict]]]]:
    """A webhook on 127.0.0.1 that keeps (secret header, content type, body) of each POST.

    It answers 200, or 403 to a wrong secret as python-telegram-bot's webhook does.
    """
    received: list[tuple[str | None, str, JsonDict]] = []

    async def hook(request: web.Request) -> web.Response:
        header = request.headers.get(WEBHOOK_SECRET_HEADER)
        received.append((header, request.content_type, await request.json()))
        return web.Response(status=200 if header == secret else 403)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/hook", received
    finally:
        await runner.cleanup()


async def test_the_same_update_posted_to_a_webhook_twice(
    fake_and_api: tuple[FakeBotApi, Api],
) -> None:
    fake, _ = fake_and_api
    update = fake.make_update("message", fake.user_message("/start now"))
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert fake.pending_updates == []  # built, not queued for getUpdates
    async with webhook_listener("s3cret") as (url, received):
        assert await fake.post_update_to_webhook(update, url, "s3cret") == 200
        assert await fake.post_update_to_webhook(update, url, "s3cret") == 200
        assert await fake.post_update_to_webhook(update, url, "wrong") == 403
    assert received[0] == received[1] == ("s3cret", "application/json", update)
    assert received[2][0] == "wrong"
    async with telegram.Bot(TOKEN, base_url=fake.base_url) as bot:
        decoded = Update.de_json(received[0][2], bot)
    assert decoded.message is not None
    assert decoded.message.text == "/start now"
    pushed = fake.push_update("message", fake.user_message("next"))
    assert pushed["update_id"] == update["update_id"] + 1  # one numbering for both


# -- errors that need no new code -----------------------------------------------------------


async def test_get_me_401_is_invalid_token_for_python_telegram_bot(
    fake_and_api: tuple[FakeBotApi, Api],
) -> None:
    fake, _ = fake_and_api
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with telegram.Bot("123456:WRONG", base_url=fake.base_url):
            pass
    fake.fail_next("getMe", 401)
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with telegram.Bot(TOKEN, base_url=fake.base_url):
            pass
    async with telegram.Bot(TOKEN, base_url=fake.base_url) as bot:
        assert bot.username == "pressbot_test_bot"
    assert [(c.method, c.status) for c in fake.calls] == [
        ("getMe", 401),
        ("getMe", 401),
        ("getMe", 200),
    ]


async def test_set_my_commands_500_for_a_number_of_calls(
    fake_and_api: tuple[FakeBotApi, Api],
) -> None:
    fake, _ = fake_and_api
    fake.fail_next("setMyCommands", 500, times=2)
    async with telegram.Bot(TOKEN, base_url=fake.base_url) as bot:
        for _ in range(2):
            with pytest.raises(NetworkError, match="Internal Server Error") as failed:
                await bot.set_my_commands([("digest", "Today's digest")])
            assert is_plain_network_error(failed.value)
        assert await bot.set_my_commands([("digest", "Today's digest")]) is True
    assert fake.commands == [{"command": "digest", "description": "Today's digest"}]
    assert [c.status for c in fake.calls if c.method == "setMyCommands"] == [500, 500, 200]


# -- standalone -----------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_standalone_process_listens_on_its_port_and_takes_faults_by_http() -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    process = subprocess.Popen(
        [sys.executable, "-m", "fakes", "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=TESTS.parent,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url == f"http://127.0.0.1:{port}/bot"
        control = f"http://127.0.0.1:{port}/_fake"
        with httpx.Client(base_url=f"{base_url}{TOKEN}/") as api:
            assert api.post("getMe").json()["result"]["id"] == 123456
            assert httpx.post(f"{control}/outage?seconds=30").json() == {"ok": True}
            with pytest.raises(httpx.RemoteProtocolError):
                api.post("getMe")
            assert httpx.post(f"{control}/end_outage").json() == {"ok": True}
            assert api.post("getMe").status_code == 200
            httpx.post(f"{control}/outage", params={"seconds": "30", "status": "502"})
            assert api.post("getMe").json()["description"] == "Bad Gateway"
            httpx.post(f"{control}/end_outage")
            fail = {"method": "sendMessage", "status": "500", "seconds": "30"}
            assert httpx.post(f"{control}/fail_for", params=fail).json() == {"ok": True}
            sent = api.post("sendMessage", data={"chat_id": "1", "text": "x"})
            assert (sent.status_code, sent.json()["description"]) == (500, "Internal Server Error")
            assert api.post("getMe").status_code == 200
        assert httpx.get(f"{control}/outage?seconds=1").status_code == 405
        assert httpx.post(f"{control}/outage").status_code == 400
        assert httpx.post(f"{control}/fail_for", params=fail | {"method": "x"}).status_code == 400
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    stats = json.loads(stderr.strip().splitlines()[-1])
    assert stats["statuses"] == {"200": 3, "0": 1, "502": 1, "500": 1}
