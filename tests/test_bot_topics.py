"""End to end: /topics decides which releases reach a chat, in the outbox itself."""

from pathlib import Path

from conftest import PAGE_TIME
from fakes import FakeBotApi
from harness import USER, RunningBot, SettableClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.core.models import ItemKind

OTHER = 2002
GROUP = -1001234567890


def buttons(message_markup: dict[str, list[list[dict[str, str]]]] | None) -> list[str]:
    assert message_markup is not None
    return [row[0]["text"] for row in message_markup["inline_keyboard"]]


async def test_topics_are_toggled_in_place_and_new_chats_get_all(bot: RunningBot) -> None:
    await bot.say("/start")
    [shown] = await bot.say("/topics")
    assert shown.text.startswith("Topics\nYou get releases of these kinds: Press release,")
    assert buttons(shown.reply_markup) == [
        "✅ Press release",
        "✅ Statement",
        "✅ Event",
        "✅ Consular alert",
    ]
    query = await bot.press(shown, "topic:event")
    assert bot.fake.answered_callbacks[query]["text"] == "Event: off"
    [now] = [m for m in bot.fake.messages(USER) if m.message_id == shown.message_id]
    assert "☐ Event" in buttons(now.reply_markup)
    assert await bot.database.subscribers.muted_kinds(USER) == {ItemKind.EVENT}
    query = await bot.press(now, "topic:event")
    assert bot.fake.answered_callbacks[query]["text"] == "Event: on"
    assert await bot.database.subscribers.muted_kinds(USER) == frozenset()


async def test_a_release_goes_only_to_chats_that_follow_its_kind(bot: RunningBot) -> None:
    await bot.say("/start")
    await bot.say("/start", chat_id=OTHER, user_id=OTHER)
    [shown] = await bot.say("/topics")
    await bot.press(shown, "topic:event")  # USER stops following events
    assert await bot.release("An event", ItemKind.EVENT) == 1
    await bot.fake.wait_for_messages(OTHER, 2)
    assert await bot.release("A statement", ItemKind.STATEMENT) == 2
    await bot.fake.wait_for_messages(OTHER, 3)
    await bot.fake.wait_for_messages(USER, 3)  # welcome, /topics, the statement
    mine = [m.text or "" for m in bot.fake.messages(USER)]
    assert not any(text.startswith("An event") for text in mine)
    assert mine[-1].startswith("A statement")


async def test_no_topics_at_all_and_not_subscribed_are_said(bot: RunningBot) -> None:
    [shown] = await bot.say("/topics")
    assert "not subscribed yet: /subscribe starts it" in (shown.text or "")
    for kind in ItemKind:
        await bot.press(bot.fake.messages(USER)[-1], f"topic:{kind.value}")
    last = bot.fake.messages(USER)[-1]
    assert "You follow no topics" in (last.text or "")


async def test_in_a_group_only_admins_toggle_topics(bot: RunningBot) -> None:
    bot.fake.add_chat(GROUP, "supergroup", title="Press club")
    [shown] = await bot.say("/topics", chat_id=GROUP, chat_type="supergroup")
    query = await bot.press(shown, "topic:statement")
    assert bot.fake.answered_callbacks[query]["text"].startswith("Only this group's admins")
    assert await bot.database.subscribers.muted_kinds(GROUP) == frozenset()


async def test_a_configured_kind_is_a_topic_in_both_languages(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    bot = make_bot(
        fake_api,
        tmp_path / "bot.sqlite3",
        SettableClock(PAGE_TIME),
        extra_kinds="interview=Interview|Интервью",
        post_kinds="statement,interview",
    )
    await start_bot(bot.application)
    try:
        await bot.say("/start")
        await bot.say("/start", chat_id=OTHER, user_id=OTHER, language_code="ru")
        [shown] = await bot.say("/topics")
        assert buttons(shown.reply_markup)[-1] == "✅ Interview"
        query = await bot.press(shown, "topic:interview")
        assert bot.fake.answered_callbacks[query]["text"] == "Interview: off"
        assert await bot.release("Ambassador's interview", "interview") == 1
        await bot.fake.wait_for_messages(OTHER, 2)
        assert (bot.fake.messages(OTHER)[-1].text or "").splitlines()[1] == "18.10.2018 · Интервью"
        bot.mark_seen(OTHER)
        [russian] = await bot.say("/topics", chat_id=OTHER, user_id=OTHER, language_code="ru")
        assert buttons(russian.reply_markup)[-1] == "✅ Интервью"
        assert not any("interview" in (m.text or "") for m in bot.fake.messages(USER))
    finally:
        await stop_bot(bot.application)
