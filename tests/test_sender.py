"""The lean Bot API client, over real HTTP on 127.0.0.1: the fake Bot API, or a raw server.

The raw server (``RawHttp``) answers with exact bytes, for what the fake never does: bodies that
are not JSON, chunked answers, ``Connection: close``, broken HTTP.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from fakes import FakeBotApi
from pressbot.delivery.sender import ApiAnswer, BotApiSender, PreparedRequest

TOKEN = "123456:TEST-sender-secret-token"
USER = 1001
RELEASE = "<b>Press release</b>\nThe Embassy comments on the “Salisbury” case — Посольство."
KEYBOARD = {"inline_keyboard": [[{"text": "Read", "callback_data": "read:12"}]]}


def release() -> PreparedRequest:
    params = {"text": RELEASE, "parse_mode": "HTML", "reply_markup": KEYBOARD}
    return PreparedRequest("sendMessage", {**params, "allow_paid_broadcast": True})


def assert_no_token(*texts: object) -> None:
    for text in texts:
        assert TOKEN not in str(text)
        assert "TEST-sender-secret-token" not in str(text)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token=TOKEN) as server:
        yield server
        assert server.violations == []


@pytest.fixture
async def sender(fake: FakeBotApi) -> AsyncIterator[BotApiSender]:
    client = BotApiSender(fake.base_url, TOKEN, max_connections=8, timeout=5.0)
    yield client
    await client.close()


# -- Telegram's answers -----------------------------------------------------------------------


async def test_send_message_returns_the_message(fake: FakeBotApi, sender: BotApiSender) -> None:
    answer = await sender.call("sendMessage", release().body_for(USER))
    assert (answer.status, answer.ok, answer.network_error) == (200, True, False)
    assert (answer.error_code, answer.description, answer.retry_after) == (None, None, None)
    message = answer.result
    assert message["chat"]["id"] == USER
    assert message["text"].startswith("Press release\nThe Embassy comments")
    assert message["entities"][0]["type"] == "bold"
    assert message["reply_markup"] == KEYBOARD
    [stored] = fake.messages(USER)
    assert (stored.message_id, stored.raw_text) == (message["message_id"], RELEASE)


async def test_429_gives_retry_after(fake: FakeBotApi, sender: BotApiSender) -> None:
    fake.fail_next("sendMessage", 429, retry_after=7)
    answer = await sender.call("sendMessage", release().body_for(USER))
    assert answer == ApiAnswer(
        429, False, None, 429, "Too Many Requests: retry after 7", 7.0, None
    )
    assert not answer.network_error
    assert (await sender.call("sendMessage", release().body_for(USER))).ok


async def test_403_and_400_give_code_and_description(
    fake: FakeBotApi, sender: BotApiSender
) -> None:
    fake.block(USER)
    fake.unknown_chat(3003)
    blocked = await sender.call("sendMessage", release().body_for(USER))
    assert (blocked.status, blocked.ok, blocked.error_code) == (403, False, 403)
    assert blocked.description == "Forbidden: bot was blocked by the user"
    missing = await sender.call("sendMessage", release().body_for(3003))
    assert (missing.status, missing.error_code) == (400, 400)
    assert missing.description == "Bad Request: chat not found"
    assert (missing.retry_after, missing.migrate_to_chat_id) == (None, None)


async def test_migrated_group_gives_the_new_chat_id(
    fake: FakeBotApi, sender: BotApiSender
) -> None:
    fake.migrate(-5005, -1005005)
    answer = await sender.call("sendMessage", release().body_for(-5005))
    assert (answer.status, answer.error_code, answer.migrate_to_chat_id) == (400, 400, -1005005)
    assert answer.description == "Bad Request: group chat was upgraded to a supergroup chat"
    assert (await sender.call("sendMessage", release().body_for(-1005005))).ok


async def test_a_wrong_token_is_an_answer_not_a_network_error(fake: FakeBotApi) -> None:
    client = BotApiSender(fake.base_url, "654321:WRONG-token")
    try:
        answer = await client.call("getMe", b"{}")
    finally:
        await client.close()
    assert (answer.status, answer.error_code, answer.description) == (401, 401, "Unauthorized")


# -- no answer: status 0, never an exception --------------------------------------------------


async def test_an_answer_later_than_the_timeout_gives_status_0(fake: FakeBotApi) -> None:
    fake.delay("sendMessage", 3)
    client = BotApiSender(fake.base_url, TOKEN, timeout=0.3)
    try:
        started = time.monotonic()
        answer = await client.call("sendMessage", release().body_for(USER))
        assert time.monotonic() - started < 2
        assert (answer.status, answer.ok, answer.network_error) == (0, False, True)
        assert answer.description == "timed out after 0.3 s"
        fake.delay("sendMessage", 0)
        assert (await client.call("sendMessage", release().body_for(USER))).ok
    finally:
        await client.close()


async def test_the_timeout_counts_from_getting_a_connection(fake: FakeBotApi) -> None:
    """Six calls through one connection, 0.15 s each: none times out at 0.6 s."""
    fake.delay("sendMessage", 0.15)
    client = BotApiSender(fake.base_url, TOKEN, max_connections=1, timeout=0.6)
    try:
        answers = await asyncio.gather(
            *(client.call("sendMessage", release().body_for(USER + n)) for n in range(6))
        )
    finally:
        await client.close()
    assert [a.ok for a in answers] == [True] * 6


async def test_a_dropped_connection_gives_status_0(fake: FakeBotApi, sender: BotApiSender) -> None:
    assert (await sender.call("getMe", b"{}")).ok  # a kept-alive connection is now pooled
    fake.drop_connection("sendMessage")
    answer = await sender.call("sendMessage", release().body_for(USER))
    assert (answer.status, answer.ok, answer.network_error) == (0, False, True)
    assert answer.description
    assert_no_token(answer.description, repr(answer))
    assert (await sender.call("sendMessage", release().body_for(USER))).ok


async def test_a_refused_connection_gives_status_0() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = BotApiSender(f"http://127.0.0.1:{port}/bot", TOKEN, timeout=2.0)
    try:
        answer = await client.call("sendMessage", release().body_for(USER))
    finally:
        await client.close()
    assert (answer.status, answer.network_error) == (0, True)
    assert answer.description is not None
    assert "connect" in answer.description.lower()
    assert_no_token(answer.description, repr(answer), repr(client))


# -- a raw HTTP server for answers the fake never gives ---------------------------------------


class RawHttp:
    """Reads each request (headers and Content-Length body) and writes ``answer(n)`` bytes."""

    def __init__(self, answer: Callable[[int], bytes], close_after: bool = False) -> None:
        self.answer = answer
        self.close_after = close_after
        self.requests: list[bytes] = []
        self.connections = 0
        self.open_now = 0
        self.most_open = 0
        self._server: asyncio.Server | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/bot"

    async def __aenter__(self) -> RawHttp:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    return
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await reader.readexactly(length)
                self.requests.append(head + body)
                await asyncio.sleep(0.01)  # let concurrent calls overlap
                writer.write(self.answer(len(self.requests)))
                await writer.drain()
                if self.close_after:
                    return
        except ConnectionError:
            return
        finally:
            self.open_now -= 1
            writer.close()


def http_answer(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers]
    if not any(h.lower().startswith("transfer-encoding") for h in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def chunked(body: bytes, size: int = 7) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


OK_TRUE = b'{"ok":true,"result":true}'


async def call_raw(
    answer: Callable[[int], bytes], calls: int = 1, *, close_after: bool = False, **options: Any
) -> tuple[list[ApiAnswer], RawHttp]:
    async with RawHttp(answer, close_after) as server:
        client = BotApiSender(server.base_url, TOKEN, **options)
        try:
            answers = [await client.call("getMe", b"{}") for _ in range(calls)]
        finally:
            await client.close()
    return answers, server


async def test_a_body_that_is_not_json_gives_status_0() -> None:
    html = b"<html><body>502 Bad Gateway</body></html>"
    answers, _ = await call_raw(
        lambda n: http_answer(html, "Content-Type: text/html", status="502 Bad Gateway")
    )
    assert answers == [ApiAnswer.failure("HTTP 502: the answer is not Bot API JSON")]
    answers, _ = await call_raw(lambda n: http_answer(b'["ok"]'))
    assert answers[0].network_error


async def test_a_broken_http_answer_gives_status_0_without_the_token() -> None:
    """aiohttp's parser errors carry the request URL, and so the token: it is redacted."""
    answers, _ = await call_raw(lambda n: b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n{}")
    [answer] = answers
    assert answer.network_error
    assert "/bot<redacted>/getMe" in str(answer.description)
    assert_no_token(answer.description, repr(answer))
    cut = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + OK_TRUE
    answers, _ = await call_raw(lambda n: cut, close_after=True)
    assert answers[0].network_error
    assert "content length" in str(answers[0].description).lower()


async def test_chunked_answers_and_keep_alive() -> None:
    answers, server = await call_raw(
        lambda n: http_answer(chunked(OK_TRUE), "Transfer-Encoding: chunked"), calls=3
    )
    assert [a.result for a in answers] == [True] * 3
    assert server.connections == 1  # one connection, kept alive for every call
    head = server.requests[0].split(b"\r\n\r\n")[0].decode().lower()
    assert head.startswith(f"post /bot{TOKEN}/getme http/1.1".lower())
    assert "content-type: application/json" in head


async def test_connection_close_opens_a_new_connection() -> None:
    answers, server = await call_raw(
        lambda n: http_answer(OK_TRUE, "Connection: close"), calls=3, close_after=True
    )
    assert [a.ok for a in answers] == [True] * 3
    assert server.connections == 3


async def test_connections_are_bounded_and_reused() -> None:
    async with RawHttp(lambda n: http_answer(OK_TRUE)) as server:
        client = BotApiSender(server.base_url, TOKEN, max_connections=4)
        try:
            answers = await asyncio.gather(*(client.call("getMe", b"{}") for _ in range(60)))
        finally:
            await client.close()
    assert all(a.ok for a in answers)
    assert server.most_open <= 4
    assert server.connections <= 4


# -- many calls at once ----------------------------------------------------------------------


async def test_many_concurrent_calls_complete(fake: FakeBotApi, sender: BotApiSender) -> None:
    prepared = release()
    chat_ids = range(10_000, 10_300)
    answers = await asyncio.gather(
        *(sender.call("sendMessage", prepared.body_for(chat_id)) for chat_id in chat_ids)
    )
    assert all(a.ok for a in answers)
    assert [a.result["chat"]["id"] for a in answers] == list(chat_ids)
    assert all(len(fake.messages(chat_id)) == 1 for chat_id in chat_ids)


# -- PreparedRequest -------------------------------------------------------------------------


def test_prepared_bodies_are_the_parameters_with_chat_id() -> None:
    params = {"text": RELEASE, "parse_mode": "HTML", "reply_markup": KEYBOARD}
    prepared = PreparedRequest("sendMessage", params)
    body = prepared.body_for(-1001234567890)
    assert json.loads(body) == {"chat_id": -1001234567890, **params}
    assert "Посольство".encode() in body  # UTF-8, not \\u escapes
    assert b" " not in body.split(b'"text"')[0]  # compact separators
    edit = PreparedRequest("editMessageText", params).body_for(5, message_id=77)
    assert json.loads(edit) == {"chat_id": 5, "message_id": 77, **params}
    assert json.loads(PreparedRequest("deleteMessage", {}).body_for(5, message_id=8)) == {
        "chat_id": 5,
        "message_id": 8,
    }
    assert json.loads(PreparedRequest("getChat", {}).body_for(5)) == {"chat_id": 5}


def test_prepared_request_refuses_what_would_make_bad_json() -> None:
    with pytest.raises(ValueError, match="chat_id"):
        PreparedRequest("sendMessage", {"chat_id": 1, "text": "x"})
    prepared = PreparedRequest("editMessageText", {"text": "secret draft"})
    with pytest.raises(TypeError):
        prepared.body_for(True)
    with pytest.raises(TypeError):
        prepared.body_for("5")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        prepared.body_for(5, message_id=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="text"):
        prepared.body_for(5, text=1)
    with pytest.raises(ValueError, match="can't be added"):
        prepared.body_for(5, **{'a"b': 1})
    assert "secret draft" not in repr(prepared)  # a release may be under embargo


async def test_prepared_send_edit_and_delete_pass_the_spec(
    fake: FakeBotApi, sender: BotApiSender
) -> None:
    sent = await sender.call("sendMessage", release().body_for(USER))
    message_id = sent.result["message_id"]
    edit = PreparedRequest(
        "editMessageText", {"text": "<b>Corrected</b> release", "parse_mode": "HTML"}
    )
    edited = await sender.call(edit.method, edit.body_for(USER, message_id=message_id))
    assert edited.ok
    assert edited.result["text"] == "Corrected release"
    delete = PreparedRequest("deleteMessage", {})
    deleted = await sender.call(delete.method, delete.body_for(USER, message_id=message_id))
    assert (deleted.ok, deleted.result) == (True, True)
    assert fake.messages(USER)[0].deleted
    assert [c.method for c in fake.calls] == ["sendMessage", "editMessageText", "deleteMessage"]


# -- the token stays secret; closing ---------------------------------------------------------


async def test_the_token_is_never_shown(fake: FakeBotApi) -> None:
    client = BotApiSender(fake.base_url, TOKEN, timeout=0.2)
    fake.delay("sendMessage", 1)
    fake.drop_connection("getMe")
    broken = BotApiSender("http://[::1", TOKEN)  # not a URL: the parser may quote it
    not_http = BotApiSender("ftp://127.0.0.1:1/bot", TOKEN)  # aiohttp's error quotes the URL
    calls: list[Awaitable[ApiAnswer]] = [
        client.call("sendMessage", release().body_for(USER)),
        client.call("getMe", b"{}"),
        client.call("deleteMessage", b'{"chat_id":1,"message_id":99}'),
    ]
    try:
        answers = [await call for call in calls]
        answers.append(await not_http.call("getMe", b"{}"))
        with pytest.raises(ValueError) as raised:
            await broken.call("getMe", b"{}")
    finally:
        for sender in (client, not_http, broken):
            await sender.close()
    assert [a.status for a in answers] == [0, 0, 400, 0]
    assert "/bot<redacted>/getMe" in str(answers[-1].description)
    assert all(a.description for a in answers)
    assert_no_token(*answers, *(a.description for a in answers), repr(client), raised.value)
    assert "<redacted>" in repr(client)


async def test_close_ends_the_sender(fake: FakeBotApi) -> None:
    unused = BotApiSender(fake.base_url, TOKEN)
    await unused.close()
    client = BotApiSender(fake.base_url, TOKEN)
    assert (await client.call("getMe", b"{}")).ok
    await client.close()
    await client.close()
    with pytest.raises(RuntimeError, match="closed"):
        await client.call("getMe", b"{}")
