"""The console's local Bot API answers in Telegram's shapes, checked against the Bot API spec."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from fakes.spec import SPEC
from pressbot.console import LOCAL_USER
from pressbot.console.chat import BotOutput
from pressbot.console.local_api import TOKEN, LocalBotApi

USER_ID = LOCAL_USER["id"]


class Client:
    """Calls the local API as a bot does, and checks each answer against the method's spec."""

    def __init__(self, api: LocalBotApi, session: aiohttp.ClientSession) -> None:
        self.api, self.session = api, session

    async def call(self, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        url = f"{self.api.base_url}{TOKEN}/{method}"
        async with self.session.post(url, json=params) as response:
            answer: dict[str, Any] = await response.json()
        if answer["ok"]:
            spec = SPEC.method(method)
            assert spec is not None
            assert SPEC.check(answer["result"], spec.returns, method) is None, answer
        return response.status, answer

    async def result(self, method: str, **params: Any) -> Any:
        status, answer = await self.call(method, **params)
        assert status == 200, answer
        return answer["result"]


@pytest.fixture
async def shown() -> list[BotOutput]:
    return []


@pytest.fixture
async def client(shown: list[BotOutput]) -> AsyncIterator[Client]:
    api = LocalBotApi(LOCAL_USER, shown.append)
    await api.start()
    try:
        async with aiohttp.ClientSession() as session:
            yield Client(api, session)
    finally:
        await api.stop()


async def test_a_typed_command_arrives_as_telegram_sends_it(client: Client) -> None:
    me = await client.result("getMe")
    assert me["is_bot"] is True

    client.api.user_sends("/latest 3")
    [update] = await client.result("getUpdates", offset=0, timeout=0)
    assert SPEC.check(update, ("Update",), "update") is None
    assert update["message"]["text"] == "/latest 3"
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 7}]
    # Confirmed by the next offset, it is not delivered again.
    assert await client.result("getUpdates", offset=update["update_id"] + 1, timeout=0) == []


async def test_a_message_shows_as_text_and_its_button_can_be_pressed(
    client: Client, shown: list[BotOutput]
) -> None:
    keyboard = {"inline_keyboard": [[{"text": "Older ›", "callback_data": "latest:3:3"}]]}
    sent = await client.result(
        "sendMessage",
        chat_id=USER_ID,
        text="<b>Latest</b> (1–3)\n<i>1 &lt; 2</i>",
        parse_mode="HTML",
        reply_markup=keyboard,
    )
    [output] = shown
    assert output.kind == "sent" and output.message is not None
    assert output.message.text == "Latest (1–3)\n1 < 2"

    client.api.user_presses(sent["message_id"], "latest:3:3")
    [update] = await client.result("getUpdates", offset=0, timeout=0)
    assert SPEC.check(update, ("Update",), "update") is None
    assert update["callback_query"]["data"] == "latest:3:3"
    assert update["callback_query"]["message"]["reply_markup"] == keyboard

    query_id = update["callback_query"]["id"]
    assert await client.result("answerCallbackQuery", callback_query_id=query_id, text="Done")
    assert (shown[-1].kind, shown[-1].notice) == ("notice", "Done")
    status, _ = await client.call("answerCallbackQuery", callback_query_id=query_id)
    assert status == 400  # answered once, as in Telegram


async def test_edits_and_deletes_change_what_is_shown(
    client: Client, shown: list[BotOutput]
) -> None:
    sent = await client.result("sendMessage", chat_id=USER_ID, text="Delivering: 10%")
    where = {"chat_id": USER_ID, "message_id": sent["message_id"]}
    edited = await client.result("editMessageText", **where, text="Delivering: 50%")
    assert edited["text"] == "Delivering: 50%" and "edit_date" in edited
    assert (shown[-1].kind, shown[-1].message and shown[-1].message.text) == (
        "edited",
        "Delivering: 50%",
    )
    status, answer = await client.call("editMessageText", **where, text="Delivering: 50%")
    assert status == 400 and "message is not modified" in answer["description"]

    assert await client.result("deleteMessage", **where) is True
    assert shown[-1].kind == "deleted"
    status, _ = await client.call("editMessageText", **where, text="Gone")
    assert status == 400


async def test_messages_to_other_chats_are_taken_and_not_shown(
    client: Client, shown: list[BotOutput]
) -> None:
    sent = await client.result("sendMessage", chat_id=2002, text="A release")
    assert sent["chat"]["id"] == 2002
    assert await client.result("sendMessage", chat_id=-1001234567890, text="A post")
    assert shown == []


async def test_a_wrong_token_is_unauthorized(client: Client) -> None:
    async with client.session.post(f"{client.api.base_url}123:other/getMe") as response:
        assert response.status == 401
