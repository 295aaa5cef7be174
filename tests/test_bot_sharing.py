"""End to end: sharing items into any chat through inline mode, and opening a shared link."""

import json

from fakes.html_entities import parse
from harness import USER, RunningBot


async def answer(bot: RunningBot, query: str, offset: str = "") -> dict[str, object]:
    query_id = bot.fake.user_inline_query(query, offset=offset)
    await bot.fake.wait_until(lambda: query_id in bot.fake.answered_inline_queries)
    return bot.fake.answered_inline_queries[query_id]


def results(answered: dict[str, object]) -> list[dict[str, object]]:
    raw = answered["results"]
    return json.loads(raw) if isinstance(raw, str) else raw  # type: ignore[return-value]


async def test_typed_words_list_matching_items_to_share(bot: RunningBot) -> None:
    answered = await answer(bot, "Bellingcat")
    found = results(answered)
    assert [r["id"] for r in found] == ["11", "7"]
    first = found[0]
    assert first["title"] == (
        "Embassy Press Officer’s reply to a media question concerning the ties between "
        "“Bellingcat” and secret services"
    )
    assert first["description"] == "15.10.2018 · Event"
    content = first["input_message_content"]
    assert isinstance(content, dict)
    shown = parse(content["message_text"], content["parse_mode"]).text
    assert shown.startswith(f"{first['title']}\n15.10.2018 · Event\n\nQuestion: Russian officials")
    assert first["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Read in full", "url": "https://t.me/pressbot_test_bot?start=read_11"}]
        ]
    }
    assert answered.get("next_offset", "") == ""


async def test_an_empty_query_pages_through_the_newest(bot: RunningBot) -> None:
    first = await answer(bot, "")
    assert [r["id"] for r in results(first)] == [str(n) for n in range(11, 1, -1)]
    assert first["next_offset"] == "10"
    second = await answer(bot, "", offset="10")
    assert [r["id"] for r in results(second)] == ["1"]
    assert second.get("next_offset", "") == ""
    nothing = await answer(bot, '"(')
    assert results(nothing) == []


async def test_a_shared_link_opens_the_item_without_subscribing(bot: RunningBot) -> None:
    item, hint = await bot.say("/start read_9", replies=2)
    assert item.text.startswith(
        "Embassy Press Officer’s reply to a media question concerning the inv"
    )
    assert hint.text == "Send /subscribe to get every new release here."
    assert not await bot.database.subscribers.is_active(USER)
    [missing] = await bot.say("/start read_999")
    assert missing.text.startswith("Item 999 was not found")


async def test_shared_items_carry_the_words_of_the_sharers_language(bot: RunningBot) -> None:
    [shown] = await bot.say("/language")
    await bot.press(shown, "language:ru")  # chosen in the private chat with the bot
    [first, *_] = results(await answer(bot, "Bellingcat"))
    assert first["description"] == "15.10.2018 · Событие"
    assert first["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Читать полностью", "url": "https://t.me/pressbot_test_bot?start=read_11"}]
        ]
    }
