"""End to end: readers get the bot's words in Russian or English; items stay as published."""

from fakes.world import commands_scope_key
from harness import USER, RunningBot
from pressbot.core.models import ItemKind

RUSSIAN_READER = 3003


def labels(markup: dict[str, list[list[dict[str, str]]]] | None) -> list[str]:
    assert markup is not None
    return [button["text"] for row in markup["inline_keyboard"] for button in row]


async def test_a_russian_telegram_gets_russian_replies_with_the_items_as_published(
    bot: RunningBot,
) -> None:
    [welcome] = await bot.say(
        "/start", chat_id=RUSSIAN_READER, user_id=RUSSIAN_READER, language_code="ru"
    )
    assert (welcome.text or "").startswith("Добро пожаловать в пресс-рассылку Посольства.")
    [time] = await bot.say(
        "/time", chat_id=RUSSIAN_READER, user_id=RUSSIAN_READER, language_code="ru"
    )
    assert time.text == "18 октября 2018\nМосква: 08:18 · Лондон: 06:18"
    [latest] = await bot.say(
        "/latest 2", chat_id=RUSSIAN_READER, user_id=RUSSIAN_READER, language_code="ru"
    )
    lines = (latest.text or "").split("\n\n")
    assert lines[0] == "Последние материалы (1–2)"
    # The items themselves are the embassy's English texts.
    assert lines[1].startswith("15.10.2018 — Embassy Press Officer’s reply")
    assert labels(latest.reply_markup) == ["Старые ›"]
    assert bot.fake.violations == []


async def test_language_switches_with_buttons_and_is_kept(bot: RunningBot) -> None:
    [shown] = await bot.say("/language")
    assert shown.text == "Language\nI answer in English here. Choose a language:"
    assert labels(shown.reply_markup) == ["✅ English", "Русский"]
    await bot.press(shown, "language:ru")
    [edited] = [m for m in bot.fake.messages(USER) if m.message_id == shown.message_id]
    assert edited.text == "Язык\nЗдесь я отвечаю по-русски. Выберите язык:"
    assert labels(edited.reply_markup) == ["English", "✅ Русский"]
    [help_text] = await bot.say("/help")  # Telegram still says "en": the choice wins
    assert (help_text.text or "").startswith("Команды\n/latest [N] — N последних материалов")
    [bad] = await bot.say("/quiet 25:00-07:00")
    assert bad.text == "Это не время суток. Пример: 23:00-07:00."
    assert bot.fake.violations == []


async def test_one_release_reaches_each_reader_in_their_language(bot: RunningBot) -> None:
    await bot.say("/start")
    await bot.say("/start", chat_id=RUSSIAN_READER, user_id=RUSSIAN_READER, language_code="ru")
    assert await bot.release("Statement on the 18 October meeting", ItemKind.STATEMENT) == 2
    await bot.fake.wait_for_messages(USER, 2)
    await bot.fake.wait_for_messages(RUSSIAN_READER, 2)
    english, russian = bot.fake.messages(USER)[-1], bot.fake.messages(RUSSIAN_READER)[-1]
    assert english.text == (
        "Statement on the 18 October meeting\n18.10.2018 · Statement\n\nText.\n\n"
        "Read in full: /read_12"
    )
    assert russian.text == (
        "Statement on the 18 October meeting\n18.10.2018 · Заявление\n\nText.\n\n"
        "Читать полностью: /read_12"
    )
    assert labels(russian.reply_markup) == ["Читать полностью"]
    assert bot.fake.violations == []


async def test_the_command_menu_is_set_in_both_languages(bot: RunningBot) -> None:
    await bot.say("/help")
    russian = bot.fake.scoped_commands[(commands_scope_key(None), "ru")]
    english = bot.fake.commands
    assert [c["command"] for c in russian] == [c["command"] for c in english]
    assert {c["command"]: c["description"] for c in russian}["time"] == (
        "сегодняшняя дата и время в Москве и Лондоне"
    )


async def test_the_apology_after_an_error_is_in_the_chats_language(bot: RunningBot) -> None:
    await bot.say("/start", chat_id=RUSSIAN_READER, user_id=RUSSIAN_READER, language_code="ru")
    # Telegram refuses the reply to /time: the handler fails, the error handler apologises.
    bot.fake.fail_next("sendMessage", 400, "Bad Request: message is too long")
    [apology] = await bot.say(
        "/time", chat_id=RUSSIAN_READER, user_id=RUSSIAN_READER, language_code="ru"
    )
    assert apology.text == "Извините, что-то пошло не так. Попробуйте ещё раз через минуту."
