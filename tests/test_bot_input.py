"""End to end: whatever a reader or an admin sends or presses gets a clear, true answer.

Never "Sorry, something went wrong": not for ids past SQLite's range or digits int() refuses,
not for a long query or a long title, not for a button pressed twice, under an inline message
or by someone else, and not at all for an update of a type the bot does not act on.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from conftest import PAGE_TIME
from fakes import FakeBotApi, SentMessage
from fakes.html_entities import utf16_len
from fakes.website import FakeWebsite
from harness import USER, RunningBot, SettableClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.core.models import ItemKind, NewItem
from pressbot.ingest import texts
from pressbot.texts import admin as admin_texts
from pressbot.texts.i18n import translator
from test_bot_sources import held_notice_of_news, poll_now, started
from test_web import WEBHOOK, post, running

ADMIN = 9001
EN = translator("en")
SORRY = "Sorry, something went wrong"
READ_USAGE = "Send /read followed by an item number, e.g. /read 1."
STALE_LATEST = "This button no longer works. Send /latest."
STALE = "This button no longer works. Send /help."
#: 20 digits: past SQLite's 64-bit integers.
HUGE = "9" * 20
#: Digits str.isdigit() accepts and int() refuses: a superscript two, a circled one.
ODD_DIGITS = ("²", "①", "1²")


@pytest.fixture
async def admin_bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running_bot = make_bot(
        fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME), admin_ids=frozenset({ADMIN})
    )
    await start_bot(running_bot.application)
    yield running_bot
    await stop_bot(running_bot.application)


def never_sorry(bot: RunningBot, *chat_ids: int) -> None:
    for chat_id in chat_ids or (USER,):
        assert not [t for t in bot.fake.bot_texts(chat_id) if SORRY in t]


def with_buttons(bot: RunningBot, message: SentMessage, *callback_data: str) -> None:
    """Give the message buttons carrying this data, as an older bot's message may carry."""
    stored = bot.fake.find_message(message.chat_id, message.message_id)
    assert stored is not None
    buttons = [{"text": data, "callback_data": data} for data in callback_data]
    stored.reply_markup = {"inline_keyboard": [buttons]}


async def answered(bot: RunningBot, query_id: str) -> str | None:
    """The text a query was answered with, once it is answered."""
    await bot.fake.wait_until(lambda: query_id in bot.fake.answered_callbacks)
    return answer_text(bot, query_id)


def answer_text(bot: RunningBot, query_id: str) -> str | None:
    text = bot.fake.answered_callbacks[query_id].get("text")
    return text if isinstance(text, str) else None


async def inline_answer(bot: RunningBot, query: str, offset: str = "") -> list[dict[str, object]]:
    query_id = bot.fake.user_inline_query(query, offset=offset)
    await bot.fake.wait_until(lambda: query_id in bot.fake.answered_inline_queries)
    raw = bot.fake.answered_inline_queries[query_id]["results"]
    results = json.loads(raw) if isinstance(raw, str) else raw
    assert isinstance(results, list)
    return results


# -- ids and counts: one rule -------------------------------------------------------------------


async def test_ids_outside_the_rule_get_the_usage_not_an_error(bot: RunningBot) -> None:
    for bad in (f"/read {HUGE}", *(f"/read {odd}" for odd in ODD_DIGITS), "/read -1", "/read"):
        [reply] = await bot.say(bad)
        assert reply.text == READ_USAGE, bad
    [reply] = await bot.say("/read " + "9" * 18)  # the most digits an id may have
    assert reply.text == f"Item {'9' * 18} was not found. /latest lists items."
    for bad in (f"/read_{HUGE}", "/read_²"):
        [reply] = await bot.say(bad)
        assert "/help" in reply.text  # not a link: not understood
    for bad in (f"/latest {HUGE}", *(f"/latest {odd}" for odd in ODD_DIGITS)):
        [reply] = await bot.say(bad)
        assert reply.text.startswith("Latest (1–10)"), bad
    never_sorry(bot)


async def test_admin_ids_outside_the_rule_get_the_usage(admin_bot: RunningBot) -> None:
    for command in ("edit", "delete"):
        for bad in (HUGE, *ODD_DIGITS):
            [reply] = await admin_bot.say(f"/{command} {bad}", chat_id=ADMIN, user_id=ADMIN)
            assert reply.text == admin_texts.usage(command, EN), (command, bad)
    assert await admin_bot.database.drafts.get(ADMIN) is None
    never_sorry(admin_bot, ADMIN)


async def test_buttons_with_data_outside_the_rule_say_they_no_longer_work(
    bot: RunningBot,
) -> None:
    [page] = await bot.say("/latest 3")
    stale = [f"latest:10:{HUGE}", "latest:²:0", "latest:10:①", f"read:{HUGE}", "read:²"]
    with_buttons(bot, page, *stale)
    for data in stale:
        query = await bot.press(page, data)
        assert answer_text(bot, query) == (STALE_LATEST), data
    # In SQLite's range but past the last item: said so, not "no items published yet".
    with_buttons(bot, page, "latest:10:" + "9" * 18)
    await bot.press(page, "latest:10:" + "9" * 18)
    shown = bot.fake.find_message(page.chat_id, page.message_id)
    assert shown is not None
    assert shown.text == "There are no items this far back. /latest shows the newest."
    never_sorry(bot)


async def test_an_inline_offset_outside_the_rule_starts_at_the_newest(bot: RunningBot) -> None:
    newest = [str(n) for n in range(11, 1, -1)]
    for offset in (HUGE, *ODD_DIGITS, "-10"):
        assert [r["id"] for r in await inline_answer(bot, "", offset)] == newest, offset


# -- what the user typed, and long titles, shortened where shown ---------------------------------


async def test_a_long_query_is_repeated_shortened(bot: RunningBot) -> None:
    [nothing] = await bot.say("/search " + "zanzibar " * 450)  # 4,050 characters
    assert nothing.text.startswith("Nothing found for “zanzibar zanzibar")
    assert "…”" in nothing.text and utf16_len(nothing.text) < 200
    [found] = await bot.say("/search " + "Bellingcat " * 370)
    header = found.text.split("\n\n")[0]
    assert header.startswith("Search: “Bellingcat Bellingcat") and "…”" in header
    assert len(header) < 200
    never_sorry(bot)


async def test_a_long_title_is_shortened_wherever_it_is_listed(bot: RunningBot) -> None:
    title = "Statement on " + "a very long matter " * 400  # 7,600 characters
    item = NewItem("long-title", ItemKind.STATEMENT, title, "Its text.", PAGE_TIME, "test")
    assert await bot.database.items.add_many([item], PAGE_TIME) == 1
    [newest, *_] = await inline_answer(bot, "")  # the newest: inline sharing works for all
    assert isinstance(newest["title"], str)
    assert newest["title"].startswith("Statement on a very") and newest["title"].endswith("…")
    assert len(newest["title"]) <= 300
    [shared] = await inline_answer(bot, "matter")
    assert shared["id"] == newest["id"]
    [latest] = await bot.say("/latest 2")
    line = latest.text.split("\n\n")[1]
    assert line.startswith("18.10.2018 — Statement on a very") and "…" in line
    assert line.endswith(f"/read_{newest['id']}") and len(line) < 400
    [search] = await bot.say("/search matter")
    assert search.text.split("\n\n")[1] == line
    first, second = await bot.say(f"/read_{newest['id']}", replies=2)  # /read: all of it
    words = f"{first.text} {second.text}".split()  # cut between two words
    assert words[: len(title.split())] == title.split()
    never_sorry(bot)


# -- buttons: pressed twice, under inline messages, by someone else -----------------------------


async def press_twice(bot: RunningBot, message: SentMessage, data: str, user_id: int) -> None:
    """Two taps before the bot has handled the first, as on a slow connection."""
    queries = [
        bot.fake.user_presses(message.message_id, message.chat_id, data, user_id=user_id)
        for _ in range(2)
    ]
    await bot.fake.wait_until(lambda: all(q in bot.fake.answered_callbacks for q in queries))


async def test_withdraw_or_keep_pressed_twice_answers_both(admin_bot: RunningBot) -> None:
    bot = admin_bot
    [question] = await bot.say("/delete 11", chat_id=ADMIN, user_id=ADMIN)
    await press_twice(bot, question, "withdraw:11", ADMIN)
    second = "Item 11 is not published, so it can't be withdrawn."
    await bot.fake.wait_until(lambda: second in bot.fake.bot_texts(ADMIN))
    assert any(t.startswith("Item 11 is withdrawn") for t in bot.fake.bot_texts(ADMIN))
    bot.fake.user_sends("/delete 10", chat_id=ADMIN, user_id=ADMIN)  # a report may come too
    question = await bot.wait_for_message_starting(ADMIN, "Withdraw item 10")
    await press_twice(bot, question, "withdraw:keep", ADMIN)
    kept = "Kept: nothing was withdrawn."
    await bot.fake.wait_until(lambda: bot.fake.bot_texts(ADMIN).count(kept) == 2)
    [item] = await bot.say("/read_10")
    assert item.text.startswith("Embassy Press Officer’s reply")
    never_sorry(bot, ADMIN)


async def test_publish_or_skip_pressed_twice_answers_both(
    fake_api: FakeBotApi, tmp_path: Path, website: FakeWebsite
) -> None:
    url = website.serve("news.xml", "atom.xml")
    bot = await started(
        fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME), feed_urls=(url,)
    )
    try:
        await poll_now(bot)
        notice = await held_notice_of_news(bot, website)
        rows = notice.reply_markup["inline_keyboard"] if notice.reply_markup else []
        [[publish, _], [_, skip]] = rows
        await press_twice(bot, notice, publish["callback_data"], ADMIN)
        await bot.fake.wait_until(lambda: texts.NOT_HELD in bot.fake.bot_texts(ADMIN))
        assert any(t.startswith("Published as /read_") for t in bot.fake.bot_texts(ADMIN))
        await press_twice(bot, notice, skip["callback_data"], ADMIN)
        await bot.fake.wait_until(lambda: bot.fake.bot_texts(ADMIN).count(texts.NOT_HELD) == 2)
        assert any(t.startswith("Skipped: “") for t in bot.fake.bot_texts(ADMIN))
        assert await bot.database.source_entries.held() == []
        never_sorry(bot, ADMIN)
    finally:
        await stop_bot(bot.application)


async def test_a_button_under_an_inline_message_is_answered(admin_bot: RunningBot) -> None:
    bot = admin_bot
    for user_id, data in ((ADMIN, "withdraw:11"), (USER, "topic:event"), (USER, "latest:10:0")):
        user = {"id": user_id, "is_bot": False, "first_name": "Anna", "language_code": "en"}
        query_id = f"inline-{user_id}-{data}"
        payload = {
            "id": query_id,
            "from": user,
            "inline_message_id": "AAAAAQ",
            "chat_instance": "42",
            "data": data,
        }
        bot.fake.open_callbacks[query_id] = payload  # Telegram awaits its answer
        bot.fake.push_update("callback_query", payload)
        assert await answered(bot, query_id) == STALE
    [item] = await bot.say("/read_11")  # nothing was withdrawn
    assert item.text.startswith("Embassy Press Officer’s reply")


async def test_settings_buttons_in_a_private_chat_are_its_users_alone(bot: RunningBot) -> None:
    [topics] = await bot.say("/topics")
    query = await bot.press(topics, "topic:event", user_id=USER + 1)
    assert answer_text(bot, query) == "Only the person whose chat this is can change its settings."
    assert await bot.database.subscribers.muted_kinds(USER) == frozenset()
    [language] = await bot.say("/language")
    query = await bot.press(language, "language:ru", user_id=USER + 1)
    assert bot.fake.answered_callbacks[query].get("show_alert") is True
    [latest] = await bot.say("/latest 1")
    assert latest.text.startswith("Latest (")  # still English
    query = await bot.press(topics, "topic:event")  # its own user may
    assert answer_text(bot, query) == "Event: off"


# -- updates the bot does not act on ------------------------------------------------------------


async def test_edited_commands_and_channel_posts_are_ignored(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    channel = -1001987654321
    async with running(
        fake_api,
        tmp_path / "bot.sqlite3",
        **WEBHOOK,
    ) as (bot, runner):
        for text in ("/start", "/read 11"):
            message = fake_api.user_message(text)
            message["edit_date"] = message["date"] + 5
            assert await post(runner, fake_api.make_update("edited_message", message)) == 200
        fake_api.add_chat(channel, "channel", "Embassy news")
        post_in_channel = fake_api.user_message("/read_11", chat_id=channel, chat_type="channel")
        del post_in_channel["from"]
        post_in_channel["sender_chat"] = post_in_channel["chat"]
        for kind in ("channel_post", "edited_channel_post"):
            assert await post(runner, fake_api.make_update(kind, post_in_channel)) == 200
        # An update after them is answered: they were not, in between or before.
        fake_api.user_sends("/help", user_id=USER + 1)
        assert await post(runner, fake_api.pending_updates[-1]) == 200
        await bot.new_messages(USER + 1, 1)
        assert fake_api.messages(USER) == [] and fake_api.messages(channel) == []
        assert not await bot.database.subscribers.is_active(USER)


# -- what the bot says is true --------------------------------------------------------------------


async def test_help_lists_start(bot: RunningBot) -> None:
    [reply] = await bot.say("/help")
    assert "\n/start — welcome, and new releases in this chat\n" in reply.text


async def test_a_shared_link_asks_only_the_unsubscribed_to_subscribe(bot: RunningBot) -> None:
    [broken] = await bot.say(f"/start read_{HUGE}")
    assert broken.text == "That link does not name an item. /latest lists items."
    assert not await bot.database.subscribers.is_active(USER)
    await bot.say("/start")
    [item] = await bot.say("/start read_9")  # subscribed: the item alone
    assert item.text.startswith("Embassy Press Officer’s reply to a media question")
    [after] = await bot.say("/contacts")  # the next message is the next reply, no hint
    assert after.text.startswith("Consular queries")


async def test_read_of_a_corrected_item_says_updated(admin_bot: RunningBot) -> None:
    bot = admin_bot
    await bot.say("/edit 11", replies=2, chat_id=ADMIN, user_id=ADMIN)  # its words, the prompt
    await bot.say("Corrected title", chat_id=ADMIN, user_id=ADMIN)
    [_, preview] = await bot.say("/skip", replies=2, chat_id=ADMIN, user_id=ADMIN)
    assert "Updated" in preview.text
    await bot.press(preview, "post:confirm", replies=1, user_id=ADMIN)
    [item] = await bot.say("/read_11")
    assert item.text.split("\n")[:2] == ["Corrected title", "15.10.2018 · Event · Updated"]
