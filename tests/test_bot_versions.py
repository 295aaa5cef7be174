"""End to end: one release written in English and Russian; each chat reads it in its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from conftest import PAGE_TIME
from fakes import FakeBotApi, SentMessage
from harness import RunningBot, SettableClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.core.models import NewItem, Version
from pressbot.storage import Database
from pressbot.texts import admin as admin_texts
from pressbot.texts.i18n import translator

EN = translator("en")

ADMIN = 9001
ENGLISH_READER = 2001
RUSSIAN_READER = 2002
EN_TITLE = "Embassy comment on new sanctions"
EN_BODY = "The Embassy protests against the new sanctions announced today."
RU_TITLE = "Комментарий посольства о новых санкциях"
RU_BODY = "Посольство выражает протест в связи с объявленными сегодня санкциями."


@pytest.fixture
async def bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = make_bot(
        fake_api,
        tmp_path / "bot.sqlite3",
        SettableClock(PAGE_TIME),
        admin_ids=frozenset({ADMIN}),
        progress_interval=0.5,
    )
    await start_bot(running.application)
    yield running
    await stop_bot(running.application)


async def admin_says(bot: RunningBot, text: str, replies: int = 1) -> list[SentMessage]:
    return await bot.say(text, replies=replies, chat_id=ADMIN, user_id=ADMIN, first_name="Press")


async def russian_says(bot: RunningBot, text: str, replies: int = 1) -> list[SentMessage]:
    return await bot.say(
        text, replies=replies, chat_id=RUSSIAN_READER, user_id=RUSSIAN_READER, language_code="ru"
    )


def buttons(message: SentMessage) -> dict[str, str]:
    """Every button under a message: its text -> its data."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return {button["text"]: button.get("callback_data", "") for row in rows for button in row}


async def subscribe_both(bot: RunningBot) -> None:
    await bot.say("/start", chat_id=ENGLISH_READER, user_id=ENGLISH_READER)
    await russian_says(bot, "/start")


async def write_version(bot: RunningBot, title: str, body: str) -> None:
    """The title, the text, /done: the steps of either version."""
    await admin_says(bot, title)
    await admin_says(bot, body)


async def write_both(bot: RunningBot, *, russian_first: bool = False) -> list[SentMessage]:
    """/post one version, add the other from the preview; return the preview of both."""
    first, second = ((RU_TITLE, RU_BODY), (EN_TITLE, EN_BODY))
    if not russian_first:
        first, second = second, first
    await admin_says(bot, "/post")
    await write_version(bot, *first)
    [ask_kind] = await admin_says(bot, "/done")
    await bot.press(ask_kind, "kind:statement", replies=2, user_id=ADMIN)
    preview = bot.fake.messages(ADMIN)[-1]
    other = "Add an English version" if russian_first else "Add a Russian version"
    assert other in buttons(preview)
    await bot.press(preview, buttons(preview)[other], replies=1, user_id=ADMIN)
    asked = bot.fake.messages(ADMIN)[-1].text or ""
    assert asked.startswith("Now the English version" if russian_first else "Now the Russian")
    await write_version(bot, *second)
    # The intro, then each version under its heading.
    return await admin_says(bot, "/done", replies=5)


async def publish_both(
    bot: RunningBot,
    *,
    russian_first: bool = False,
    readers: tuple[int, ...] = (ENGLISH_READER, RUSSIAN_READER),
) -> int:
    """Write both versions, Publish, and wait until both readers have their copy."""
    preview = await write_both(bot, russian_first=russian_first)
    await bot.press(preview[-1], "post:publish", user_id=ADMIN)
    confirmation = await bot.wait_for_message_starting(ADMIN, "Published as /read_")
    assert confirmation.text is not None
    for reader in readers:
        await bot.fake.wait_for_messages(reader, 2)
        bot.mark_seen(reader)
    return int(confirmation.text.split("/read_")[1].split(".")[0])


async def edit_keeping_own_version(bot: RunningBot, item_id: int) -> SentMessage:
    """/edit a two-version item keeping its own title and text (/skip, /skip); return the
    preview's last message, of both versions, the one with the buttons."""
    await admin_says(bot, f"/edit {item_id}", replies=2)  # its words, then the prompt
    await admin_says(bot, "/skip")
    *_, preview = await admin_says(bot, "/skip", replies=5)
    return preview


async def test_the_preview_shows_each_version_as_its_readers_will_see_it(bot: RunningBot) -> None:
    intro, en_heading, english, ru_heading, russian = await write_both(bot)
    assert intro.text.startswith("Preview")
    assert en_heading.text == "English version" and ru_heading.text == "Russian version"
    assert english.text.startswith(EN_TITLE) and "Read in full" in english.text
    # The Russian version in the words a Russian chat gets around it.
    assert russian.text.startswith(RU_TITLE) and "Читать полностью" in russian.text
    assert {"Publish", "Rewrite the English version", "Rewrite the Russian version"} <= set(
        buttons(russian)
    )
    assert english.reply_markup is None


async def test_each_chat_receives_the_release_in_its_language(bot: RunningBot) -> None:
    await subscribe_both(bot)
    item_id = await publish_both(bot)
    english = bot.fake.messages(ENGLISH_READER)[-1]
    russian = bot.fake.messages(RUSSIAN_READER)[-1]
    assert english.text.startswith(EN_TITLE) and EN_BODY in english.text
    assert russian.text.startswith(RU_TITLE) and RU_BODY in russian.text
    item = await bot.database.items.get(item_id)
    assert item is not None and item.language == "en" and item.languages == ("en", "ru")

    [full] = await russian_says(bot, f"/read_{item_id}")
    assert full.text.startswith(RU_TITLE) and RU_BODY in full.text
    assert buttons(full) == {"Read in English": f"readin:en:{item_id}"}
    await bot.press(full, f"readin:en:{item_id}", replies=1, user_id=RUSSIAN_READER)
    switched = bot.fake.messages(RUSSIAN_READER)[-1]
    assert switched.text.startswith(EN_TITLE) and EN_BODY in switched.text
    assert buttons(switched) == {"Читать по-русски": f"readin:ru:{item_id}"}

    [latest] = await russian_says(bot, "/latest 1")
    assert RU_TITLE in latest.text and EN_TITLE not in latest.text
    [english_latest] = await bot.say("/latest 1", chat_id=ENGLISH_READER, user_id=ENGLISH_READER)
    assert EN_TITLE in english_latest.text
    # Found by the words of either version, listed by the reader's title.
    [found] = await russian_says(bot, "/search protests")
    assert RU_TITLE in found.text


async def test_russian_can_come_first(bot: RunningBot) -> None:
    await subscribe_both(bot)
    item_id = await publish_both(bot, russian_first=True)
    item = await bot.database.items.get(item_id)
    assert item is not None and item.language == "ru" and item.title == RU_TITLE
    assert [v.title for v in item.translations] == [EN_TITLE]
    assert bot.fake.messages(ENGLISH_READER)[-1].text.startswith(EN_TITLE)
    assert bot.fake.messages(RUSSIAN_READER)[-1].text.startswith(RU_TITLE)


async def test_a_correction_of_one_version_reaches_only_its_copies(bot: RunningBot) -> None:
    await subscribe_both(bot)
    item_id = await publish_both(bot)
    english = bot.fake.messages(ENGLISH_READER)[-1]
    russian = bot.fake.messages(RUSSIAN_READER)[-1]
    await bot.wait_for_message_starting(ADMIN, "Delivery report")
    preview = await edit_keeping_own_version(bot, item_id)
    rewrite = buttons(preview)["Rewrite the Russian version"]
    await bot.press(preview, rewrite, replies=2, user_id=ADMIN)  # its words, the prompt
    asked = bot.fake.messages(ADMIN)[-1]
    assert asked.text.startswith("The Russian version: “" + RU_TITLE)
    await admin_says(bot, "/skip")  # the Russian title is kept
    await admin_says(bot, "Посольство выражает решительный протест.")
    shown = await admin_says(bot, "/done", replies=5)
    await bot.press(shown[-1], "post:confirm", replies=1, user_id=ADMIN)
    # Only the Russian chat's copy is of the version rewritten.
    assert bot.fake.messages(ADMIN)[-1].text == admin_texts.corrected(item_id, 1, EN)

    await bot.fake.wait_until(lambda: bot.fake.messages(RUSSIAN_READER)[-1].edited)
    corrected = bot.fake.messages(RUSSIAN_READER)[-1]
    assert corrected.message_id == russian.message_id
    assert "решительный протест" in corrected.text
    await bot.wait_for_message_starting(ADMIN, "Correction report")
    assert not bot.fake.messages(ENGLISH_READER)[-1].edited
    assert bot.fake.messages(ENGLISH_READER)[-1].message_id == english.message_id
    item = await bot.database.items.get(item_id)
    assert item is not None and item.revision == 0 and item.translations[0].revision == 1
    [read] = await bot.say(f"/read_{item_id}", chat_id=ENGLISH_READER, user_id=ENGLISH_READER)
    assert "Updated" not in read.text


async def test_a_withdrawal_removes_the_copies_of_both_versions(bot: RunningBot) -> None:
    await subscribe_both(bot)
    item_id = await publish_both(bot)
    await bot.wait_for_message_starting(ADMIN, "Delivery report")
    [question] = await admin_says(bot, f"/delete {item_id}")
    await bot.press(question, f"withdraw:{item_id}", replies=1, user_id=ADMIN)
    await bot.fake.wait_until(
        lambda: all(bot.fake.messages(r)[-1].deleted for r in (ENGLISH_READER, RUSSIAN_READER))
    )


async def test_lists_digests_and_search_title_an_item_for_each_reader(
    empty_database: Database,
) -> None:
    db = empty_database
    russian = Version("ru", RU_TITLE, f"<p>{RU_BODY}</p>")
    item = NewItem(
        "two", "statement", EN_TITLE, f"<p>{EN_BODY}</p>", PAGE_TIME, "", translations=(russian,)
    )
    item_id, _ = await db.outbox.publish_new(item, None, None, PAGE_TIME)
    only_english = NewItem("one", "statement", "Only English", "<p>Text.</p>", PAGE_TIME, "")
    await db.outbox.publish_new(only_english, None, None, PAGE_TIME)
    ru_titles = [h.title for h in (await db.items.latest(5, language="ru")).headlines]
    assert ru_titles == ["Only English", RU_TITLE]  # the item's own where no Russian exists
    assert [h.title for h in (await db.items.latest(5)).headlines] == ["Only English", EN_TITLE]
    digest = await db.digests.headlines(RUSSIAN_READER, 0, PAGE_TIME, "ru")
    assert [h.title for h in digest] == [RU_TITLE, "Only English"]
    found = await db.items.search("sanctions", 5, language="ru")
    assert [(h.id, h.title) for h in found] == [(item_id, RU_TITLE)]
    stored = await db.items.get(item_id)
    assert stored is not None and stored.in_language("ru").body_html == f"<p>{RU_BODY}</p>"
    assert stored.in_language("de").title == EN_TITLE


async def test_forged_version_and_switch_presses_get_an_answer_and_change_nothing(
    bot: RunningBot,
) -> None:
    await admin_says(bot, "/post")
    await write_version(bot, EN_TITLE, EN_BODY)
    [ask_kind] = await admin_says(bot, "/done")
    await bot.press(ask_kind, "kind:statement", replies=2, user_id=ADMIN)
    preview = bot.fake.messages(ADMIN)[-1]
    for data in ("version:de", "version:", "version:ru:extra"):
        query = bot.send_callback(preview, data, user_id=ADMIN)
        await bot.fake.wait_until(lambda q=query: q in bot.fake.answered_callbacks)
    draft = await bot.database.drafts.get(ADMIN)
    assert draft is not None and draft.stage.value == "preview" and draft.language is None
    for data in ("readin:de:1", "readin:ru:x", "readin:ru:" + "9" * 30, "readin:ru:404"):
        query = bot.send_callback(preview, data, user_id=ENGLISH_READER)
        await bot.fake.wait_until(lambda q=query: q in bot.fake.answered_callbacks)
    assert bot.fake.violations == []


async def test_urgent_keeps_the_version_buttons_and_skip_needs_something_to_keep(
    bot: RunningBot,
) -> None:
    await admin_says(bot, "/post")
    await write_version(bot, EN_TITLE, EN_BODY)
    [ask_kind] = await admin_says(bot, "/done")
    await bot.press(ask_kind, "kind:statement", replies=2, user_id=ADMIN)
    preview = bot.fake.messages(ADMIN)[-1]
    await bot.press(preview, "post:urgent", user_id=ADMIN)
    redrawn = bot.fake.messages(ADMIN)[-1]
    assert {"Urgent: on (ignores quiet hours)", "Add a Russian version"} <= set(buttons(redrawn))
    await bot.press(redrawn, buttons(redrawn)["Add a Russian version"], replies=1, user_id=ADMIN)
    assert "/cancel drops the whole draft" in (bot.fake.messages(ADMIN)[-1].text or "")
    [refused] = await admin_says(bot, "/skip")  # a new version has nothing to keep
    assert refused.text.startswith("/skip keeps what was written before")
    # A restart in the middle of the second version loses nothing.
    draft = await bot.database.drafts.get(ADMIN)
    assert draft is not None and draft.language == "ru" and draft.urgent
    assert [(v.language, v.title) for v in draft.versions] == [("en", EN_TITLE)]


async def test_a_copy_keeps_its_version_when_its_chat_switches_language(bot: RunningBot) -> None:
    await subscribe_both(bot)
    item_id = await publish_both(bot)
    await bot.wait_for_message_starting(ADMIN, "Delivery report")
    english_copy = bot.fake.messages(ENGLISH_READER)[-1]
    # The English reader switches to Russian after their English copy arrived.
    [shown] = await bot.say("/language", chat_id=ENGLISH_READER, user_id=ENGLISH_READER)
    await bot.press(shown, "language:ru", user_id=ENGLISH_READER)
    await admin_says(bot, f"/edit {item_id}", replies=2)  # its words, then the prompt
    await admin_says(bot, "Embassy comment on the sanctions, corrected")
    shown_preview = await admin_says(bot, "/skip", replies=5)
    await bot.press(shown_preview[-1], "post:confirm", replies=1, user_id=ADMIN)
    assert bot.fake.messages(ADMIN)[-1].text == admin_texts.corrected(item_id, 1, EN)
    await bot.fake.wait_until(lambda: english_copy.edited)
    assert english_copy.text.startswith("Embassy comment on the sanctions, corrected")
    assert not bot.fake.messages(RUSSIAN_READER)[-1].edited


async def test_a_correction_that_changes_nothing_says_so_and_edits_nothing(
    bot: RunningBot,
) -> None:
    await subscribe_both(bot)
    item_id = await publish_both(bot)
    await bot.wait_for_message_starting(ADMIN, "Delivery report")
    preview = await edit_keeping_own_version(bot, item_id)
    await bot.press(preview, "post:confirm", replies=1, user_id=ADMIN)
    assert bot.fake.messages(ADMIN)[-1].text.startswith("Nothing changed")
    assert await bot.database.drafts.get(ADMIN) is None
    item = await bot.database.items.get(item_id)
    assert item is not None and item.revision == 0
    assert not any(
        m.edited for r in (ENGLISH_READER, RUSSIAN_READER) for m in bot.fake.messages(r)
    )


async def test_rewriting_a_version_nobody_received_says_no_copy_is_edited(
    bot: RunningBot,
) -> None:
    await bot.say("/start", chat_id=ENGLISH_READER, user_id=ENGLISH_READER)
    item_id = await publish_both(bot, readers=(ENGLISH_READER,))
    await bot.wait_for_message_starting(ADMIN, "Delivery report")
    preview = await edit_keeping_own_version(bot, item_id)
    rewrite = buttons(preview)["Rewrite the Russian version"]
    await bot.press(preview, rewrite, replies=2, user_id=ADMIN)  # its words, the prompt
    await admin_says(bot, "Новый заголовок")
    shown = await admin_says(bot, "/skip", replies=5)
    await bot.press(shown[-1], "post:confirm", replies=1, user_id=ADMIN)
    assert bot.fake.messages(ADMIN)[-1].text == admin_texts.corrected(item_id, 0, EN)
    assert "No delivered copy" in admin_texts.corrected(item_id, 0, EN)
    [latest] = await russian_says(bot, "/latest 1")
    assert "Новый заголовок" in latest.text
