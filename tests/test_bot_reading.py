"""End to end: a reader talks to the real Application through the fake Bot API."""

from datetime import UTC, datetime

from harness import USER, RunningBot
from pressbot.texts.commands import READER_COMMANDS

GROUP = -1001234567890


async def test_command_list_is_registered_on_start(bot: RunningBot) -> None:
    registered = [c["command"] for c in bot.fake.commands]
    assert registered == [c.name for c in READER_COMMANDS]


async def test_start_greets_subscribes_and_shows_commands(bot: RunningBot) -> None:
    [reply] = await bot.say("/start")
    assert "You are subscribed" in reply.text and "/stop" in reply.text
    assert "/latest" in reply.text and "/help" in reply.text
    assert await bot.database.subscribers.is_active(USER)
    [again] = await bot.say("/start")
    assert "already subscribed" in again.text


async def test_help_lists_every_command(bot: RunningBot) -> None:
    [reply] = await bot.say("/help")
    for command in READER_COMMANDS:
        assert f"/{command.name}" in reply.text
    assert len(reply.text.splitlines()) == len(READER_COMMANDS) + 1


async def test_latest_lists_ten_newest_and_pages_in_place(bot: RunningBot) -> None:
    [reply] = await bot.say("/latest")
    lines = reply.text.split("\n\n")
    assert lines[0] == "Latest (1–10)"
    assert lines[1].startswith("15.10.2018 — Embassy Press Officer’s reply")
    assert lines[1].endswith("secret services /read_11")
    assert lines[-1] == (
        "03.10.2018 — Embassy Press Officer’s reply to a media question on INF Treaty /read_2"
    )
    assert [[b["text"] for b in row] for row in reply.reply_markup["inline_keyboard"]] == [
        ["Older ›"]
    ]
    await bot.press(reply, "latest:10:10")
    [page_two] = bot.fake.messages(USER)
    assert page_two.message_id == reply.message_id  # edited, not a new message
    header, line = page_two.text.split("\n\n")
    assert header == "Latest (11–11)"
    assert line.startswith("08.08.2017 — Foreign Minister Sergey Lavrov’s statement")
    assert line.endswith("/read_1")
    assert page_two.reply_markup["inline_keyboard"][0][0]["callback_data"] == "latest:10:0"
    await bot.press(page_two, "latest:10:0")
    assert bot.fake.messages(USER)[0].text == reply.text


async def test_latest_takes_a_count_and_ignores_a_bad_one(bot: RunningBot) -> None:
    [three] = await bot.say("/latest 3")
    assert len(three.text.split("\n\n")) == 4
    for bad in ("/latest abc", "/latest -5", "/latest 0", "/latest 2.5"):
        [reply] = await bot.say(bad)
        assert reply.text.startswith("Latest (1–10)")
    [many] = await bot.say("/latest 999")
    assert many.text.startswith("Latest (1–11)")
    assert many.reply_markup is None


async def test_read_sends_the_full_item(bot: RunningBot) -> None:
    [reply] = await bot.say("/read_10")
    lines = reply.text.split("\n")
    assert lines[0].startswith(
        "Embassy Press Officer’s reply to a media question concerning the British"
    )
    assert lines[1] == "15.10.2018 · Event"
    assert "Question: How would you comment" in reply.text
    assert "\n\nAnswer: We have taken note" in reply.text
    assert reply.entities[0]["type"] == "bold" and reply.entities[0]["offset"] == 0
    [same] = await bot.say("/read 10")
    assert same.text == reply.text


async def test_a_statement_over_4096_characters_arrives_in_order(bot: RunningBot) -> None:
    first, second = await bot.say("/read 1", replies=2)
    assert first.text.startswith("Foreign Minister Sergey Lavrov’s statement")
    assert "Manila has been hosting" in first.text
    assert second.text.endswith("we will be able to find a solution that suits all parties.")
    assert "Question: Are there any changes in North Korea’s position" in first.text + second.text
    assert all(len(m.text) <= 4096 for m in (first, second))


async def test_read_unknown_and_malformed_ids(bot: RunningBot) -> None:
    [missing] = await bot.say("/read 999")
    assert missing.text == "Item 999 was not found. /latest lists items."
    [missing_link] = await bot.say("/read_123456789012345678")
    assert "was not found" in missing_link.text
    for usage in ("/read", "/read abc", "/read -1", "/read 1; DROP TABLE items"):
        [reply] = await bot.say(usage)
        assert reply.text.startswith("Send /read followed by an item number")
    assert await bot.database.items.count() == 11


async def test_search_finds_newest_first_and_survives_any_input(bot: RunningBot) -> None:
    [found] = await bot.say("/search Bellingcat")
    lines = found.text.split("\n\n")
    assert lines[0] == "Search: “Bellingcat” — 2 items found, newest first"
    assert lines[1].startswith("15.10.2018") and lines[2].startswith("09.10.2018")
    for syntax in ('/search "', "/search (", "/search *", '/search ")*(', "/search <>&"):
        [reply] = await bot.say(syntax)
        words = syntax.removeprefix("/search ")
        assert reply.text.startswith(f"Nothing found for “{words}”")
    # Operators are searched for as plain words, never obeyed.
    [near] = await bot.say("/search NEAR(Glushkov Aeroflot)")
    assert near.text.startswith("Nothing found for “NEAR(Glushkov Aeroflot)”")
    [both] = await bot.say('/search "Glushkov" AND <b>Aeroflot</b>')
    assert both.text.startswith("Nothing found")  # "b", from the tag, is in no item
    [plain] = await bot.say("/search Glushkov Aeroflot")
    assert plain.text.startswith("Search: “Glushkov Aeroflot” — 1 item found")
    [usage] = await bot.say("/search")
    assert usage.text.startswith("Send /search followed by words")


async def test_contacts_and_time(bot: RunningBot) -> None:
    [contacts] = await bot.say("/contacts")
    assert (
        contacts.text
        == "Consular queries\nPhone: +44 (0) 203 668 7474\nE-mail: info@rusemb.org.uk"
    )
    [now] = await bot.say("/time")
    assert now.text == "18 October 2018\nMoscow: 08:18 · London: 06:18"
    bot.clock.now = datetime(2018, 12, 18, 5, 18, tzinfo=UTC)
    [winter] = await bot.say("/time")
    assert winter.text == "18 December 2018\nMoscow: 08:18 · London: 05:18"


async def test_contacts_are_labelled_in_a_russian_chats_language(bot: RunningBot) -> None:
    [contacts] = await bot.say("/contacts", chat_id=3003, user_id=3003, language_code="ru")
    label, phone, email = contacts.text.splitlines()
    assert label == "Консульские вопросы"  # the seed's label in Russian
    assert phone.endswith(": +44 (0) 203 668 7474") and email.endswith(": info@rusemb.org.uk")
    assert "Phone" not in phone  # the words around them are Russian too


async def test_subscribe_and_unsubscribe_say_the_new_state(bot: RunningBot) -> None:
    [reply] = await bot.say("/subscribe")
    assert reply.text.startswith("Subscribed")
    [reply] = await bot.say("/subscribe")
    assert reply.text.startswith("This chat is already subscribed")
    [reply] = await bot.say("/unsubscribe")
    assert reply.text.startswith("Unsubscribed")
    assert not await bot.database.subscribers.is_active(USER)
    [reply] = await bot.say("/stop")
    assert reply.text.startswith("This chat is not subscribed")
    [reply] = await bot.say("/subscribe")
    assert reply.text.startswith("Subscribed")


async def test_anything_else_points_to_help(bot: RunningBot) -> None:
    for text in ("hello", "/nonsense", "/read_abc", "/reed 1"):
        [reply] = await bot.say(text)
        assert "/help" in reply.text


async def test_in_groups_the_bot_answers_only_when_addressed(bot: RunningBot) -> None:
    bot.fake.add_chat(GROUP, "supergroup", title="Press club")
    [latest] = await bot.say("/latest 2", chat_id=GROUP)
    assert latest.text.startswith("Latest (")
    # Small talk and other bots' commands get no reply: the next reply is to /contacts.
    bot.fake.user_sends("hello everyone", chat_id=GROUP, chat_type="supergroup")
    bot.fake.user_sends("/latest@some_other_bot", chat_id=GROUP, chat_type="supergroup")
    bot.fake.user_sends("/nonsense", chat_id=GROUP, chat_type="supergroup")
    [contacts] = await bot.say(
        "/contacts@pressbot_test_bot", chat_id=GROUP, chat_type="supergroup"
    )
    assert contacts.text.startswith("Consular queries")
    [pointer] = await bot.say("/nonsense@pressbot_test_bot", chat_id=GROUP, chat_type="supergroup")
    assert "/help" in pointer.text
    [item] = await bot.say("/read_5@pressbot_test_bot", chat_id=GROUP, chat_type="supergroup")
    assert item.text.startswith("Embassy comment on another groundless British accusation")


async def test_a_flood_limit_delays_a_reply_but_does_not_lose_it(bot: RunningBot) -> None:
    bot.fake.fail_next("sendMessage", 429, retry_after=1)
    [reply] = await bot.say("/contacts")
    assert reply.text.startswith("Consular queries")
    statuses = [call.status for call in bot.fake.calls if call.method == "sendMessage"]
    assert statuses == [429, 200]


async def test_a_user_who_blocked_the_bot_does_not_stop_it(bot: RunningBot) -> None:
    bot.fake.block(2002)
    bot.fake.user_sends("/latest", user_id=2002)
    [reply] = await bot.say("/time")
    assert reply.text.startswith("18 October 2018")
    statuses = [c.status for c in bot.fake.calls if c.method == "sendMessage"]
    assert statuses == [403, 200]
