"""Tests of the fake Bot API itself, over real HTTP (httpx) and through python-telegram-bot."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, CommandHandler, ContextTypes

from fakes import FakeBotApi
from fakes.html_entities import parse
from fakes.spec import SPEC

TOKEN = "123456:TEST-fake-token-abc"
USER = 1001
GROUP = -4001
TESTS = Path(__file__).parent


class Api:
    """Posts like python-telegram-bot: form fields, non-strings JSON-encoded."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(self, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        response = await self.client.post(method, data=form)
        return response.status_code, response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        """Call and require success; return the result."""
        status, body = await self(method, **params)
        assert status == 200, body
        return body["result"]


@contextlib.asynccontextmanager
async def serving(**options: Any) -> AsyncIterator[tuple[FakeBotApi, Api]]:
    """A fake with these constructor options and a client for it."""
    async with (
        FakeBotApi(TOKEN, **options) as server,
        httpx.AsyncClient(base_url=f"{server.base_url}{TOKEN}/") as client,
    ):
        yield server, Api(client)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as server:
        yield server


@pytest.fixture
async def api(fake: FakeBotApi) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=f"{fake.base_url}{TOKEN}/") as client:
        yield Api(client)


def keyboard(*data: str) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": d.title(), "callback_data": d} for d in data]]}


# -- requests checked against the spec ------------------------------------------------------


async def test_unknown_parameter_is_refused_and_recorded(fake: FakeBotApi, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=USER, text="hi", disable_web_page_preview=True)
    assert status == 400
    assert body["ok"] is False
    assert body["error_code"] == 400
    assert body["description"].startswith("Bad Request: ")
    assert "disable_web_page_preview" in body["description"]
    assert len(fake.violations) == 1
    assert fake.calls[-1].status == 400
    assert fake.bot_texts(USER) == []


async def test_missing_and_mistyped_parameters_are_refused(fake: FakeBotApi, api: Api) -> None:
    assert (await api("sendMessage", chat_id=USER))[0] == 400
    assert (await api("sendMessage", chat_id=USER, text="x", disable_notification="yes"))[0] == 400
    status, body = await api(
        "sendMessage",
        chat_id=USER,
        text="x",
        reply_markup=keyboard("a") | {"inline_keyboard": [[{"text": "A", "callback_dat": "a"}]]},
    )
    assert status == 400
    assert '"callback_dat"' in body["description"]
    status, _ = await api("setMyCommands", commands=[], scope={"type": "everyone"})
    assert status == 400
    assert len(fake.violations) == 4


async def test_subtypes_are_matched_by_their_type(api: Api, fake: FakeBotApi) -> None:
    scope = {"type": "chat", "chat_id": USER}
    await api.ok("setMyCommands", commands=[{"command": "a", "description": "A"}], scope=scope)
    assert fake.scoped_commands
    article: dict[str, Any] = {"type": "article", "id": "1", "title": "T"}
    query_id = fake.user_inline_query("x")
    status, body = await api("answerInlineQuery", inline_query_id=query_id, results=[article])
    assert status == 400  # an article needs input_message_content
    assert "input_message_content" in body["description"]
    article["input_message_content"] = {"message_text": "<b>hi</b>", "parse_mode": "HTML"}
    await api.ok("answerInlineQuery", inline_query_id=query_id, results=[article])
    assert fake.answered_inline_queries[query_id]["results"] == [article]


async def test_method_names_are_case_insensitive_and_unknown_ones_404(
    fake: FakeBotApi, api: Api
) -> None:
    me = await api.ok("GETME")
    assert me["id"] == 123456
    assert me["is_bot"] is True
    status, body = await api("sendMesage", chat_id=USER, text="x")
    assert (status, body["description"]) == (404, "Not Found")
    assert fake.violations == ["sendMesage: Not Found in {'chat_id': '1001', 'text': 'x'}"]


async def test_wrong_token_is_unauthorized(fake: FakeBotApi) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{fake.base_url}123456:WRONG/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_json_bodies_and_query_strings_are_accepted(fake: FakeBotApi) -> None:
    url = f"{fake.base_url}{TOKEN}/sendMessage"
    markup = keyboard("a")
    async with httpx.AsyncClient() as client:
        as_json = await client.post(
            url, json={"chat_id": USER, "text": "j", "reply_markup": markup}
        )
        as_query = await client.get(url, params={"chat_id": str(USER), "text": "q"})
    assert as_json.json()["result"]["reply_markup"] == markup
    assert as_query.status_code == 200
    assert fake.bot_texts(USER) == ["j", "q"]


# -- texts: Telegram's own parser and the prose limits ----------------------------------------


async def test_broken_html_is_refused_with_telegrams_message(fake: FakeBotApi, api: Api) -> None:
    status, body = await api("sendMessage", chat_id=USER, text="<b>bold", parse_mode="HTML")
    assert status == 400
    assert body["description"] == (
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    )
    assert len(fake.violations) == 1
    status, _ = await api("sendMessage", chat_id=USER, text="*bold", parse_mode="MarkdownV2")
    assert status == 400
    assert len(fake.violations) == 2


async def test_html_is_stored_as_plain_text_with_entities(fake: FakeBotApi, api: Api) -> None:
    html = '  <b>News</b> &amp; <a href="https://example.org/">more</a>\n'
    message = await api.ok("sendMessage", chat_id=USER, text=html, parse_mode="html")
    assert message["text"] == "News & more"  # parsed, then trimmed like Telegram
    assert message["entities"] == [
        {"type": "bold", "offset": 0, "length": 4},
        {"type": "text_link", "offset": 7, "length": 4, "url": "https://example.org/"},
    ]
    [sent] = fake.messages(USER)
    assert (sent.raw_text, sent.text, sent.parse_mode) == (html, "News & more", "html")


async def test_text_limit_is_counted_after_parsing_in_utf16(api: Api, fake: FakeBotApi) -> None:
    await api.ok("sendMessage", chat_id=USER, text=f"<b>{'a' * 4096}</b>", parse_mode="HTML")
    await api.ok("sendMessage", chat_id=USER, text="😀" * 2048)  # 4096 UTF-16 code units
    for text in ("a" * 4097, "😀" * 2049):
        status, body = await api("sendMessage", chat_id=USER, text=text)
        assert (status, body["description"]) == (400, "Bad Request: message is too long")
    status, body = await api("sendMessage", chat_id=USER, text=" <b> </b>\n", parse_mode="HTML")
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")
    status, body = await api("sendPhoto", chat_id=USER, photo="file-1", caption="c" * 1025)
    assert (status, body["description"]) == (400, "Bad Request: message caption is too long")
    assert len(fake.violations) == 4


async def test_buttons_need_text_one_action_and_short_callback_data(
    api: Api, fake: FakeBotApi
) -> None:
    bad_buttons = [
        {"text": "A", "callback_data": "x" * 65},
        {"text": "A", "callback_data": ""},
        {"text": " ", "callback_data": "a"},
        {"text": "A"},
        {"text": "A", "callback_data": "a", "url": "https://example.org"},
    ]
    for button in bad_buttons:
        markup = {"inline_keyboard": [[button]]}
        status, _ = await api("sendMessage", chat_id=USER, text="x", reply_markup=markup)
        assert status == 400, button
    assert len(fake.violations) == len(bad_buttons)
    await api.ok("sendMessage", chat_id=USER, text="x", reply_markup=keyboard("é" * 32))


async def test_other_prose_limits(api: Api, fake: FakeBotApi) -> None:
    too_many = [{"command": f"c{n}", "description": "d"} for n in range(101)]
    assert (await api("setMyCommands", commands=too_many))[0] == 400
    for command in ({"command": "Start", "description": "d"}, {"command": "a", "description": ""}):
        assert (await api("setMyCommands", commands=[command]))[0] == 400
    assert (await api("getUpdates", limit=0))[0] == 400
    assert (await api("sendChatAction", chat_id=USER, action="dancing"))[0] == 400
    query_id = fake.user_inline_query("q")
    results = [
        {
            "type": "article",
            "id": str(n),
            "title": "t",
            "input_message_content": {"message_text": "m"},
        }
        for n in range(51)
    ]
    assert (await api("answerInlineQuery", inline_query_id=query_id, results=results))[0] == 400
    results = [results[0] | {"id": "i" * 65}]
    assert (await api("answerInlineQuery", inline_query_id=query_id, results=results))[0] == 400
    assert len(fake.violations) == 7


# -- Telegram's errors ------------------------------------------------------------------------


async def test_fail_next_answers_429_with_retry_after(fake: FakeBotApi, api: Api) -> None:
    fake.fail_next("sendMessage", 429, retry_after=7, chat_id=USER, times=2)
    await api.ok("sendMessage", chat_id=2002, text="other chat")
    for _ in range(2):
        status, body = await api("sendMessage", chat_id=USER, text="x")
        assert (status, body) == (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            },
        )
    await api.ok("sendMessage", chat_id=USER, text="x")
    assert fake.violations == []  # a failure the test asked for is not the bot's fault


async def test_blocked_deactivated_unknown_and_migrated_chats(fake: FakeBotApi, api: Api) -> None:
    fake.block(USER)
    fake.block(GROUP)
    fake.deactivate(2002)
    fake.unknown_chat(3003)
    fake.migrate(-5005, -1005005)
    answers = {
        USER: (403, "Forbidden: bot was blocked by the user"),
        GROUP: (403, "Forbidden: bot was kicked from the group chat"),
        2002: (403, "Forbidden: user is deactivated"),
        3003: (400, "Bad Request: chat not found"),
        -5005: (400, "Bad Request: group chat was upgraded to a supergroup chat"),
    }
    for chat_id, expected in answers.items():
        status, body = await api("sendMessage", chat_id=chat_id, text="x")
        assert (status, body["description"]) == expected
    assert body["parameters"] == {"migrate_to_chat_id": -1005005}
    message = await api.ok("sendMessage", chat_id=-1005005, text="x")
    assert message["chat"]["type"] == "supergroup"
    fake.fail_next("sendMessage", 400, migrate_to_chat_id=-1007, chat_id=-7)
    status, body = await api("sendMessage", chat_id=-7, text="x")
    assert body["parameters"] == {"migrate_to_chat_id": -1007}
    assert fake.violations == []


async def test_user_blocking_through_my_chat_member(fake: FakeBotApi, api: Api) -> None:
    fake.chat_member_update(USER, "kicked")
    status, _ = await api("sendMessage", chat_id=USER, text="x")
    assert status == 403
    [update] = await api.ok("getUpdates")
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    fake.chat_member_update(USER, "member")
    await api.ok("sendMessage", chat_id=USER, text="x")


async def test_flood_control_answers_429() -> None:
    async with serving(rate_limit=5, per_chat_limit=True) as (limited, api):
        for chat_id in range(1, 6):
            await api.ok("sendMessage", chat_id=chat_id, text="x")
        status, body = await api("sendMessage", chat_id=6, text="x")
        assert status == 429
        assert body["parameters"]["retry_after"] >= 1
        await api.ok("sendMessage", chat_id=6, text="x", allow_paid_broadcast=True)
        status, _ = await api("sendMessage", chat_id=1, text="again", allow_paid_broadcast=True)
        assert status == 429  # one message a second in a private chat
    assert limited.flood_429_count == 2
    assert limited.violations == []


# -- behaviour of methods ---------------------------------------------------------------------


async def test_edit_message_text(fake: FakeBotApi, api: Api) -> None:
    sent = await api.ok(
        "sendMessage", chat_id=USER, text="<b>a</b>", parse_mode="HTML", reply_markup=keyboard("x")
    )
    target = {"chat_id": USER, "message_id": sent["message_id"]}
    status, body = await api(
        "editMessageText", **target, text="<b>a</b>", parse_mode="HTML", reply_markup=keyboard("x")
    )
    assert status == 400
    assert body["description"].startswith("Bad Request: message is not modified: specified new")
    edited = await api.ok("editMessageText", **target, text="a")  # no bold, no keyboard now
    assert (edited["text"], "entities" in edited, "reply_markup" in edited) == ("a", False, False)
    assert edited["edit_date"] > 0
    status, body = await api("editMessageText", chat_id=USER, message_id=99, text="b")
    assert (status, body["description"]) == (400, "Bad Request: message to edit not found")
    [message] = fake.messages(USER)
    assert (message.text, message.edited, message.reply_markup) == ("a", True, None)
    await api.ok(
        "editMessageReplyMarkup",
        chat_id=USER,
        message_id=sent["message_id"],
        reply_markup=keyboard("y"),
    )
    assert fake.messages(USER)[0].reply_markup == keyboard("y")
    assert fake.violations == []


async def test_delete_message() -> None:
    clock = {"now": datetime(2026, 1, 1, tzinfo=UTC)}
    async with serving(now=lambda: clock["now"]) as (timed, api):
        old = await api.ok("sendMessage", chat_id=USER, text="old")
        clock["now"] += timedelta(hours=47)
        new = await api.ok("sendMessage", chat_id=USER, text="new")
        clock["now"] += timedelta(hours=2)
        _, body = await api("deleteMessage", chat_id=USER, message_id=old["message_id"])
        assert body["description"] == "Bad Request: message can't be deleted for everyone"
        await api.ok("deleteMessage", chat_id=USER, message_id=new["message_id"])
        _, body = await api("deleteMessage", chat_id=USER, message_id=new["message_id"])
        assert body["description"] == "Bad Request: message to delete not found"
    assert timed.bot_texts(USER) == ["old"]
    assert [m.deleted for m in timed.messages(USER)] == [False, True]
    assert new["date"] - old["date"] == 47 * 3600


async def test_callback_queries(fake: FakeBotApi, api: Api) -> None:
    sent = await api.ok("sendMessage", chat_id=USER, text="pick", reply_markup=keyboard("a", "b"))
    with pytest.raises(AssertionError, match="no button 'c'"):
        fake.user_presses(sent["message_id"], USER, "c")
    query_id = fake.user_presses(sent["message_id"], USER, "b")
    [update] = await api.ok("getUpdates")
    assert update["callback_query"]["data"] == "b"
    assert update["callback_query"]["message"]["message_id"] == sent["message_id"]
    status, _ = await api("answerCallbackQuery", callback_query_id=query_id, text="x" * 201)
    assert status == 400
    await api.ok("answerCallbackQuery", callback_query_id=query_id, text="Done")
    assert fake.answered_callbacks[query_id]["text"] == "Done"
    status, body = await api("answerCallbackQuery", callback_query_id=query_id)
    assert body["description"] == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
    assert len(fake.violations) == 1  # the 201 characters


async def test_message_ids_are_shared_per_chat(fake: FakeBotApi, api: Api) -> None:
    first = fake.user_sends("/start@pressbot_test_bot now")
    reply = await api.ok(
        "sendMessage",
        chat_id=USER,
        text="hi",
        reply_parameters={"message_id": first["message_id"]},
    )
    group = fake.user_sends("/help", chat_id=GROUP, chat_type="group")
    assert (first["message_id"], reply["message_id"], group["message_id"]) == (1, 2, 1)
    assert first["entities"] == [{"type": "bot_command", "offset": 0, "length": 24}]
    assert reply["reply_to_message"]["text"] == "/start@pressbot_test_bot now"
    assert group["chat"] == {"id": GROUP, "type": "group", "title": f"Chat {GROUP}"}
    _, body = await api("sendMessage", chat_id=USER, text="x", reply_parameters={"message_id": 77})
    assert body["description"] == "Bad Request: message to be replied not found"


async def test_get_updates_long_poll_offset_and_allowed_updates() -> None:
    async with serving(max_poll_wait=5) as (fake, api):
        started = time.monotonic()
        asyncio.get_running_loop().call_later(0.2, fake.user_sends, "wake up")
        [update] = await api.ok("getUpdates", timeout=30)
        assert 0.15 < time.monotonic() - started < 1.5  # woken by the update, not the timeout
        fake.user_inline_query("ignored")
        fake.user_sends("second")
        updates = await api.ok(
            "getUpdates", offset=update["update_id"] + 1, allowed_updates=["message"]
        )
        assert [u["message"]["text"] for u in updates] == ["second"]
        await api.ok("setWebhook", url="https://example.org/hook")
        status, body = await api("getUpdates")
        assert status == 409
        assert body["description"].startswith("Conflict: can't use getUpdates method")
        await api.ok("deleteWebhook", drop_pending_updates=True)
        assert await api.ok("getUpdates", timeout=0) == []


async def test_a_second_poller_ends_the_first_with_409() -> None:
    async with serving(max_poll_wait=5) as (_, api):
        first = asyncio.create_task(api("getUpdates", timeout=5))
        await asyncio.sleep(0.1)
        assert await api.ok("getUpdates", timeout=0) == []
        status, body = await first
        assert status == 409
        assert body["description"].startswith("Conflict: terminated by other getUpdates request")


async def test_results_are_valid_bot_api_objects(fake: FakeBotApi, api: Api) -> None:
    fake.add_chat(-1001234, "supergroup", title="Press club", is_forum=True)
    fake.chat_member_update(-1001234, "administrator")
    user_message = fake.user_sends("hello https://example.org #news", chat_id=-1001234)
    photo_id = fake.user_sends_photo("a photo")["photo"][-1]["file_id"]  # the fake's file_ids only
    results = {
        "User": await api.ok("getMe"),
        "Message": await api.ok(
            "sendPhoto", chat_id=USER, photo=photo_id, caption="<i>c</i>", parse_mode="HTML"
        ),
        "ChatFullInfo": await api.ok("getChat", chat_id=-1001234),
        "ChatMember": await api.ok("getChatMember", chat_id=-1001234, user_id=123456),
        "WebhookInfo": await api.ok("getWebhookInfo"),
        "Array of ChatMember": await api.ok("getChatAdministrators", chat_id=-1001234),
        "Array of Update": await api.ok("getUpdates"),
    }
    results["Message "] = user_message
    for type_name, value in results.items():
        assert SPEC.check(value, (type_name.strip(),), type_name) is None, value
    assert results["ChatMember"]["status"] == "administrator"


async def test_multipart_upload(fake: FakeBotApi) -> None:
    url = f"{fake.base_url}{TOKEN}/sendDocument"
    async with httpx.AsyncClient() as client:
        response = await client.post(
            url, data={"chat_id": str(USER)}, files={"document": ("a.txt", b"abc", "text/plain")}
        )
    assert response.json()["result"]["document"]["file_id"]
    assert fake.calls[-1].params["document"].size == 3


async def test_unmodelled_methods(api: Api, fake: FakeBotApi) -> None:
    assert await api.ok("pinChatMessage", chat_id=USER, message_id=1) is True
    status, _ = await api("sendPoll", chat_id=USER, question="Q", options=[{"text": "a"}])
    assert status == 400
    assert fake.violations[-1].startswith(
        "sendPoll: Bad Request: method sendPoll is not supported"
    )


async def test_wait_helpers(fake: FakeBotApi, api: Api) -> None:
    asyncio.get_running_loop().call_later(
        0.05, asyncio.ensure_future, api.ok("sendMessage", chat_id=USER, text="late")
    )
    [message] = await fake.wait_for_messages(USER, 1, timeout=2)
    assert message.text == "late"
    with pytest.raises(AssertionError, match="condition not met"):
        await fake.wait_until(lambda: False, timeout=0.05)


# -- through python-telegram-bot --------------------------------------------------------------


async def test_python_telegram_bot_round_trip(
    fake: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # else PTB 22 warns when it reads retry_after
    async with telegram.Bot(TOKEN, base_url=fake.base_url) as bot:
        assert bot.username == "pressbot_test_bot"
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Next", callback_data="page:2")]])
        sent = await bot.send_message(
            USER, "<b>Page 1</b>", parse_mode="HTML", reply_markup=markup
        )
        assert sent.text == "Page 1"
        assert sent.entities[0].type == "bold"
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text(
                "<b>Page 1</b>", USER, sent.message_id, parse_mode="HTML", reply_markup=markup
            )
        fake.fail_next("sendMessage", 429, retry_after=3)
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(USER, "x")
        assert retry.value.retry_after == timedelta(seconds=3)
        fake.block(2002)
        with pytest.raises(Forbidden, match="blocked by the user"):
            await bot.send_message(2002, "x")
        fake.migrate(-5, -1005)
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(-5, "x")
        assert migrated.value.new_chat_id == -1005
        fake.drop_connection("sendMessage")
        with pytest.raises(NetworkError):
            await bot.send_message(USER, "x")
        fake.delay("sendChatAction", 1)
        with pytest.raises(TimedOut):
            await bot.send_chat_action(USER, "typing", read_timeout=0.1)
    assert fake.violations == []


async def test_application_polls_and_replies(fake: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(f"<i>Hello</i>, {context.args}")

    app = Application.builder().token(TOKEN).base_url(fake.base_url).build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=10)
        await app.start()
        fake.user_sends("/start now")
        [reply] = await fake.wait_for_messages(USER, 1)
        stopping = time.monotonic()
        await app.updater.stop()
        await app.stop()
    assert time.monotonic() - stopping < 3
    assert (reply.text, reply.entities[0]["type"]) == ("Hello, ['now']", "italic")
    assert fake.violations == []


# -- standalone -------------------------------------------------------------------------------


def test_standalone_process_serves_until_sigterm() -> None:
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    process = subprocess.Popen(
        [sys.executable, "-m", "fakes", "--port", "0", "--rate-limit", "30"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        response = httpx.post(f"{base_url}{TOKEN}/sendMessage", data={"chat_id": "1", "text": "x"})
        assert response.json()["result"]["text"] == "x"
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert json.loads(stderr.strip().splitlines()[-1])["calls"] == 1


def test_tdlib_logging_is_silenced() -> None:
    code = (
        "from fakes.html_entities import parse\ntry: parse('<b>x', 'HTML')\nexcept ValueError: 0"
    )
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True)
    assert done.stderr == b""
    assert parse("<b>x</b>", "HTML").entities == ({"type": "bold", "offset": 0, "length": 1},)
