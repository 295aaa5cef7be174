"""End to end: releases with photos, videos and documents, from the admin's chat to every copy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import PAGE_TIME
from fakes import FakeBotApi, SentMessage
from harness import RunningBot, SettableClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.core.media import Attachment, MediaKind
from pressbot.core.models import ItemHeadline, NewItem
from pressbot.texts import admin as admin_texts
from pressbot.texts import media as media_texts
from pressbot.texts.chat import render_unknown
from pressbot.texts.i18n import translator
from pressbot.texts.markup import html_to_plain
from pressbot.texts.reader import render_digest

EN = translator("en")
ADMIN = 9001
READERS = (2001, 2002)
TITLE = "Ambassador meets the Lord Mayor"
SHORT = "The Ambassador met the Lord Mayor of London today."  # 50 characters
LONG = " ".join(["The meeting covered trade, culture and consular matters."] * 40)


@pytest.fixture
async def admin_bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = make_bot(
        fake_api,
        tmp_path / "bot.sqlite3",
        SettableClock(PAGE_TIME),
        admin_ids=frozenset({ADMIN}),
        progress_interval=0.5,
    )
    await start_bot(running.application)
    for reader in READERS:
        await running.say("/start", chat_id=reader, user_id=reader)
    yield running
    await stop_bot(running.application)


def as_admin() -> dict[str, object]:
    return {"chat_id": ADMIN, "user_id": ADMIN, "first_name": "Press"}


async def admin_says(bot: RunningBot, text: str, replies: int = 1) -> list[SentMessage]:
    return await bot.say(text, replies=replies, **as_admin())  # type: ignore[arg-type]


async def start_draft(bot: RunningBot, title: str = TITLE) -> None:
    await admin_says(bot, "/post")
    await admin_says(bot, title)


async def preview(bot: RunningBot) -> list[SentMessage]:
    """/done, choose Press release: return the preview's messages after its intro."""
    [ask_kind] = await admin_says(bot, "/done")
    before = len(bot.fake.messages(ADMIN))
    await bot.press(ask_kind, "kind:press_release", user_id=ADMIN)
    await bot.fake.wait_until(
        lambda: any(m.reply_markup for m in bot.fake.messages(ADMIN)[before:])
    )
    bot.mark_seen(ADMIN)
    shown = bot.fake.messages(ADMIN)[before:]
    return shown[1:]  # after "This is how it will look"


async def publish(bot: RunningBot, shown: list[SentMessage], per_reader: int) -> int:
    """Press Publish under the preview; wait for every reader's copy and the report."""
    published, reports = reports_of(bot, "Published as /read_"), reports_of(bot, "Delivery report")
    received = {reader: len(bot.fake.messages(reader)) for reader in READERS}
    await bot.press(shown[-1], "post:publish", user_id=ADMIN)
    await bot.fake.wait_until(lambda: reports_of(bot, "Published as /read_") > published)
    for reader in READERS:
        await bot.fake.wait_for_messages(reader, received[reader] + per_reader)
    await bot.fake.wait_until(lambda: reports_of(bot, "Delivery report") > reports)
    bot.mark_seen(ADMIN)
    [confirmation] = [
        m for m in bot.fake.messages(ADMIN) if (m.text or "").startswith("Published as /read_")
    ][published:]
    assert confirmation.text is not None
    return int(confirmation.text.split("/read_")[1].split(".")[0])


async def withdraw(bot: RunningBot, item_id: int) -> None:
    bot.fake.user_sends(f"/delete {item_id}", **as_admin())  # type: ignore[arg-type]
    question = await bot.wait_for_message_starting(ADMIN, f"Withdraw item {item_id}")
    await bot.press(question, f"withdraw:{item_id}", user_id=ADMIN)


def copies(bot: RunningBot, reader: int) -> list[SentMessage]:
    """The reader's messages after the welcome."""
    return [m for m in bot.fake.messages(reader)[1:] if not m.deleted]


def sends(bot: RunningBot, method: str) -> list[dict[str, object]]:
    return [call.params for call in bot.fake.calls if call.method == method]


async def test_a_photo_whose_words_fit_a_caption_is_one_message(admin_bot: RunningBot) -> None:
    bot = admin_bot
    await start_draft(bot)
    photo = bot.fake.user_sends_photo(SHORT, width=1280, height=853, **as_admin())
    [got] = await bot.new_messages(ADMIN, 1)
    assert got.text == "Got it: 1 photo, 50 characters of text so far. Send more, or /done."
    [shown] = await preview(bot)
    admin_file = photo["photo"][-1]["file_id"]
    assert shown.media == "photo" and shown.media_file["file_id"] == admin_file
    assert shown.caption_text is not None and shown.caption_text.startswith(TITLE)
    assert [b["text"] for b in shown.reply_markup["inline_keyboard"][0]] == [
        "Publish",
        "Schedule",
        "Cancel",
    ]
    item_id = await publish(bot, [shown], per_reader=1)
    for reader in READERS:
        [copy] = copies(bot, reader)
        assert copy.media == "photo" and copy.media_file["file_id"] == admin_file
        assert copy.caption_text == shown.caption_text  # exactly as previewed
        assert copy.reply_markup is not None
        assert copy.reply_markup["inline_keyboard"][0][0]["callback_data"] == f"read:{item_id}"
    # Reused by file_id: never downloaded, never uploaded.
    assert [p["photo"] for p in sends(bot, "sendPhoto")] == [admin_file] * 3
    assert not any(call.method == "getFile" for call in bot.fake.calls)
    item = await bot.database.items.get(item_id)
    assert item is not None
    assert [(a.kind, a.file_id, a.width) for a in item.media] == [
        (MediaKind.PHOTO, admin_file, 1280)
    ]


async def test_an_album_and_a_document_go_first_and_the_words_follow(
    admin_bot: RunningBot,
) -> None:
    bot = admin_bot
    await start_draft(bot)
    await admin_says(bot, LONG)
    bot.fake.user_sends_album(3, "Photos: the meeting", **as_admin())
    [album_answer] = await bot.new_messages(ADMIN, 1)  # one answer for the whole album
    assert album_answer.text is not None and album_answer.text.startswith("Got it: 3 photos,")
    bot.fake.user_sends_document("statement.pdf", size=210_000, **as_admin())
    [got] = await bot.new_messages(ADMIN, 1)
    assert got.text is not None
    assert got.text.startswith("Got it: 3 photos and 1 document, ")
    shown = await preview(bot)
    assert [m.media for m in shown] == ["photo", "photo", "photo", "document", None]
    item_id = await publish(bot, shown, per_reader=5)
    for reader in READERS:
        copy = copies(bot, reader)
        assert [m.media for m in copy] == ["photo", "photo", "photo", "document", None]
        assert len({m.media_group_id for m in copy[:3]}) == 1 and copy[0].media_group_id
        assert copy[3].media_file["file_name"] == "statement.pdf"
        assert copy[4].text is not None and copy[4].text.startswith(TITLE)
        assert "Photos: the meeting" in (await bot.database.items.get(item_id)).body_html  # type: ignore[union-attr]
    # /delete removes every message of every copy.
    await withdraw(bot, item_id)
    for reader in READERS:
        await bot.fake.wait_until(lambda r=reader: not copies(bot, r))
    assert all(len(p["message_ids"]) == 5 for p in sends(bot, "deleteMessages"))  # type: ignore[arg-type]


async def test_a_document_goes_as_a_document_with_the_words_as_its_caption(
    admin_bot: RunningBot,
) -> None:
    bot = admin_bot
    await start_draft(bot)
    await admin_says(bot, LONG)
    bot.fake.user_sends_document("note-verbale.pdf", size=48_000, **as_admin())
    [got] = await bot.new_messages(ADMIN, 1)
    assert got.text is not None and got.text.startswith("Got it: 1 document, ")
    [shown] = await preview(bot)
    assert shown.media == "document" and shown.media_file["file_name"] == "note-verbale.pdf"
    await publish(bot, [shown], per_reader=1)
    for reader in READERS:
        [copy] = copies(bot, reader)
        assert copy.media == "document" and copy.caption_text == shown.caption_text
        assert copy.caption_text is not None and copy.caption_text.endswith(
            "Read in full: /read_12"
        )


async def test_what_a_release_cannot_carry_is_refused_and_changes_nothing(
    admin_bot: RunningBot,
) -> None:
    bot = admin_bot
    await admin_says(bot, "/post")
    bot.fake.user_sends_photo(**as_admin())
    [before_title] = await bot.new_messages(ADMIN, 1)
    assert before_title.text == media_texts.TITLE_AS_TEXT
    await admin_says(bot, TITLE)
    for send in (
        bot.fake.user_sends_sticker,
        bot.fake.user_sends_voice,
        bot.fake.user_sends_animation,
    ):
        send(**as_admin())
        [refusal] = await bot.new_messages(ADMIN, 1)
        assert refusal.text == EN(media_texts.UNSUPPORTED)
    draft = await bot.database.drafts.get(ADMIN)
    assert draft is not None and draft.media == () and draft.body_html == ""
    for _ in range(10):
        bot.fake.user_sends_photo(**as_admin())
        await bot.new_messages(ADMIN, 1)
    bot.fake.user_sends_photo("an eleventh", **as_admin())
    [too_many] = await bot.new_messages(ADMIN, 1)
    assert too_many.text == media_texts.too_many(EN)
    draft = await bot.database.drafts.get(ADMIN)
    assert draft is not None and len(draft.media) == 10 and "eleventh" not in draft.body_html
    [removed] = await admin_says(bot, "/nomedia")
    assert removed.text == EN(media_texts.MEDIA_REMOVED)
    draft = await bot.database.drafts.get(ADMIN)
    assert draft is not None and draft.media == ()


async def publish_photo_release(bot: RunningBot) -> int:
    await start_draft(bot)
    bot.fake.user_sends_photo(SHORT, **as_admin())
    await bot.new_messages(ADMIN, 1)
    shown = await preview(bot)
    return await publish(bot, shown, per_reader=1)


async def correct(bot: RunningBot, item_id: int, *inputs: str | dict[str, object]) -> None:
    """/edit the item: keep the title, send `inputs` (texts, or photos as their options),
    confirm, and wait for the correction's report."""
    await admin_says(bot, f"/edit {item_id}", replies=2)  # its words, then the prompt
    await admin_says(bot, "/skip")
    for sent in inputs:
        if isinstance(sent, str):
            await admin_says(bot, sent)
        else:
            bot.fake.user_sends_photo(**sent, **as_admin())
            await bot.new_messages(ADMIN, 1)
    before = len(bot.fake.messages(ADMIN))
    bot.fake.user_sends("/done", **as_admin())  # type: ignore[arg-type]
    await bot.fake.wait_until(
        lambda: any(m.reply_markup for m in bot.fake.messages(ADMIN)[before:])
    )
    shown = bot.fake.messages(ADMIN)[-1]
    bot.mark_seen(ADMIN)
    reports = reports_of(bot, "Correction report")
    await bot.press(shown, "post:confirm", replies=1, user_id=ADMIN)
    await bot.fake.wait_until(lambda: reports_of(bot, "Correction report") > reports)


def reports_of(bot: RunningBot, heading: str) -> int:
    """How many of the admin's messages read as this report (a progress message becomes one)."""
    return sum((m.text or "").startswith(heading) for m in bot.fake.messages(ADMIN))


async def test_a_correction_of_the_words_edits_each_copys_caption(admin_bot: RunningBot) -> None:
    bot = admin_bot
    item_id = await publish_photo_release(bot)
    before = {r: copies(bot, r)[0].message_id for r in READERS}
    await correct(bot, item_id, "The Ambassador met the Lord Mayor and the Sheriffs.")
    for reader in READERS:
        [copy] = copies(bot, reader)
        assert copy.message_id == before[reader] and copy.edited
        assert "Sheriffs" in (copy.caption_text or "") and "Updated" in (copy.caption_text or "")
    assert len(sends(bot, "editMessageCaption")) == len(READERS)
    assert not sends(bot, "editMessageMedia")


async def test_a_photo_replaced_is_edited_in_place_and_one_added_sends_a_new_copy(
    admin_bot: RunningBot,
) -> None:
    bot = admin_bot
    item_id = await publish_photo_release(bot)
    first = {r: copies(bot, r)[0].message_id for r in READERS}
    # /nomedia and another photo: the same shape, so the photo is replaced in each copy.
    await correct(bot, item_id, "/nomedia", {"width": 800, "height": 600})
    for reader in READERS:
        [copy] = copies(bot, reader)
        assert copy.message_id == first[reader] and copy.width == 800
        assert copy.caption_text is not None and copy.caption_text.startswith(TITLE)
    assert len(sends(bot, "editMessageMedia")) == len(READERS)
    # A second photo: an album now, so each copy is deleted and sent again, as an album and
    # its words; the release's rows name the new messages, which a withdrawal then reaches.
    await correct(bot, item_id, {"width": 640, "height": 480})
    for reader in READERS:
        copy = copies(bot, reader)
        assert [m.media for m in copy] == ["photo", "photo", None]
        assert first[reader] not in [m.message_id for m in copy]
    await withdraw(bot, item_id)
    for reader in READERS:
        await bot.fake.wait_until(lambda r=reader: not copies(bot, r))


async def test_readers_see_the_media_in_read_latest_sharing_and_digests(
    admin_bot: RunningBot,
) -> None:
    bot = admin_bot
    item_id = await publish_photo_release(bot)
    admin_file = copies(bot, READERS[0])[0].file_id
    for reader in READERS:
        bot.mark_seen(reader)
    # /read: the photo, then the whole text.
    photo, text = await bot.say(
        f"/read_{item_id}", replies=2, chat_id=READERS[0], user_id=READERS[0]
    )
    assert photo.media == "photo" and photo.file_id == admin_file and photo.caption_text == ""
    assert (text.text or "").startswith(TITLE) and SHORT in (text.text or "")
    # /latest marks it.
    [latest] = await bot.say("/latest 2", chat_id=READERS[1], user_id=READERS[1])
    assert f"{TITLE} 📷 /read_{item_id}" in (latest.text or "")
    # Sharing offers the photo itself.
    query_id = bot.fake.user_inline_query("Lord Mayor", user_id=READERS[0])
    await bot.fake.wait_until(lambda: query_id in bot.fake.answered_inline_queries)
    [result] = bot.fake.answered_inline_queries[query_id]["results"]
    assert result["type"] == "photo" and result["photo_file_id"] == admin_file
    assert result["caption"].startswith(f"<b>{TITLE}</b>")
    # A digest says it in words.
    rendered = render_digest(
        [ItemHeadline(item_id, "press_release", TITLE, PAGE_TIME, (MediaKind.PHOTO,))],
        PAGE_TIME.date(),
        EN,
    )
    assert f"{TITLE} (with photos) /read_{item_id}" in rendered[0]


async def test_an_album_that_went_is_not_sent_again_when_its_words_must_wait(
    admin_bot: RunningBot,
) -> None:
    bot = admin_bot
    await start_draft(bot)
    await admin_says(bot, SHORT)
    bot.fake.user_sends_album(2, **as_admin())
    await bot.new_messages(ADMIN, 1)
    shown = await preview(bot)
    # Telegram fails the words of the first reader's copy once, after its album went.
    bot.fake.fail_next("sendMessage", 502, chat_id=READERS[0])
    await publish(bot, shown, per_reader=3)
    for reader in READERS:
        assert [m.media for m in copies(bot, reader)] == ["photo", "photo", None]
    albums = [
        c.params["chat_id"]
        for c in bot.fake.calls
        if c.method == "sendMediaGroup" and c.status == 200 and c.params["chat_id"] in READERS
    ]
    assert sorted(albums) == list(READERS)  # one album each: the retry sent only the words


async def test_old_copies_are_marked_withdrawn_in_their_caption_or_their_words(
    admin_bot: RunningBot,
) -> None:
    bot = admin_bot
    photo_item = await publish_photo_release(bot)
    await start_draft(bot, "Photos of the reception")
    await admin_says(bot, SHORT)
    bot.fake.user_sends_album(2, **as_admin())
    await bot.new_messages(ADMIN, 1)
    album_item = await publish(bot, await preview(bot), per_reader=3)
    bot.clock.now = PAGE_TIME + timedelta(hours=49)  # too old for Telegram to delete
    await withdraw(bot, photo_item)
    await withdraw(bot, album_item)

    def marked(reader: int) -> bool:
        return sum("was withdrawn" in (m.text or "") for m in copies(bot, reader)) == 2

    for reader in READERS:
        await bot.fake.wait_until(lambda r=reader: marked(r))
        captioned, first, second, words = copies(bot, reader)
        assert captioned.media == "photo" and captioned.reply_markup is None
        assert (captioned.caption_text or "").endswith("was withdrawn by the Embassy.")
        assert (first.media, second.media, words.media) == ("photo", "photo", None)
        assert (words.text or "").endswith("was withdrawn by the Embassy.")


async def test_a_copy_sent_anew_keeps_its_album_when_its_words_must_wait(
    admin_bot: RunningBot,
) -> None:
    bot = admin_bot
    await start_draft(bot)
    await admin_says(bot, SHORT)
    item_id = await publish(bot, await preview(bot), per_reader=1)
    [old] = copies(bot, READERS[0])
    # Two photos added: each copy is deleted and sent anew; Telegram fails the first reader's
    # new words once, after their album went.
    bot.fake.fail_next("sendMessage", 502, chat_id=READERS[0])
    await correct(bot, item_id, {"width": 800, "height": 600}, {"width": 640, "height": 480})
    for reader in READERS:
        assert [m.media for m in copies(bot, reader)] == ["photo", "photo", None]
    assert bot.fake.find_message(READERS[0], old.message_id).deleted  # type: ignore[union-attr]
    albums = [
        c.params["chat_id"]
        for c in bot.fake.calls
        if c.method == "sendMediaGroup" and c.status == 200 and c.params["chat_id"] in READERS
    ]
    assert sorted(albums) == list(READERS)  # the retry sent only the words
    await withdraw(bot, item_id)
    for reader in READERS:
        await bot.fake.wait_until(lambda r=reader: not copies(bot, r))


async def test_a_file_dropped_after_a_photo_went_leaves_one_copy(
    admin_bot: RunningBot, tmp_path: Path
) -> None:
    bot = admin_bot
    photo = bot.fake.user_sends_photo(**as_admin())["photo"][-1]["file_id"]
    missing = "http://127.0.0.1:9/statement.pdf"  # nothing listens there
    item = NewItem(
        uid="dropped",
        kind="press_release",
        title=TITLE,
        body_html=SHORT,
        published_at=PAGE_TIME,
        source="",
        media=(
            Attachment(MediaKind.PHOTO, file_id=photo),
            Attachment(MediaKind.DOCUMENT, url=missing, file_name="statement.pdf"),
        ),
    )
    services = bot.application.bot_data.ready()
    item_id, _ = await services.database.outbox.publish_new(item, None, None, PAGE_TIME)
    services.engine.wake()
    for reader in READERS:
        await bot.fake.wait_until(
            lambda r=reader: any(m.media == "photo" and m.caption_text for m in copies(bot, r))
        )
    notice = await bot.wait_for_message_starting(ADMIN, f"Release {item_id} ")
    assert "without a document" in (notice.text or "")
    for reader in READERS:
        [copy] = copies(bot, reader)  # the photo sent first went again as the one copy
        assert copy.file_id == photo and (copy.caption_text or "").startswith(TITLE)


async def test_a_photo_where_none_is_taken_gets_an_answer(admin_bot: RunningBot) -> None:
    bot = admin_bot
    bot.fake.user_sends_photo("a reader's photo", chat_id=READERS[0], user_id=READERS[0])
    [hint] = await bot.new_messages(READERS[0], 1)
    assert hint.text == render_unknown(EN)
    await start_draft(bot)
    await admin_says(bot, SHORT)
    [ask_kind] = await admin_says(bot, "/done")
    await bot.press(ask_kind, "kind:press_release", replies=2, user_id=ADMIN)
    shown = bot.fake.messages(ADMIN)[-1]
    await bot.press(shown, "post:schedule", replies=1, user_id=ADMIN)
    bot.fake.user_sends_photo(**as_admin())
    [again] = await bot.new_messages(ADMIN, 1)
    assert again.text == html_to_plain(EN(admin_texts.ASK_TIME)).strip()
