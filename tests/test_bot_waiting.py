"""End to end: what waits can be changed. A held release corrected in place or moved to
another time, /edit starting from the words as they stand, a withdrawal undone; each audited,
each refused to an editor."""

from __future__ import annotations

import html
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import PAGE_TIME
from fakes import FakeBotApi, SentMessage
from harness import RunningBot, SettableClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.core.models import DraftStage, ItemStatus
from pressbot.core.team import AuditAction, AuditEntry, Right, Role
from pressbot.publishing import release_held
from pressbot.texts import admin as admin_texts
from pressbot.texts import team as team_texts
from pressbot.texts.i18n import translator
from test_bot_publishing import (
    ADMIN,
    READERS,
    TITLE,
    admin_says,
    admin_settings,
    last_text,
    publish_to_readers,
    subscribe_readers,
    wait_for_report,
    write_draft,
)

EN = translator("en")
EDITOR = 3001
#: 18:00 in London on the day of the seed's pages (British Summer Time: 17:00 UTC).
SIX_PM = datetime(2018, 10, 18, 17, 0, tzinfo=UTC)
SIX_PM_SHOWN = "18 October 2018, 18:00 London · 20:00 Moscow"
#: The text write_draft sends, as readers and the admin see it.
BODY_SHOWN = (
    "Today the Embassy sent a Note Verbale about Zanzibar. It asks for evidence.\n\n"
    "Question: any answer? Answer: none yet."
)


@pytest.fixture
async def bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = make_bot(
        fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME), **admin_settings()
    )
    await start_bot(running.application)
    await running.database.team.set_role(EDITOR, Role.EDITOR, by=ADMIN, now=PAGE_TIME)
    yield running
    await stop_bot(running.application)


async def schedule(bot: RunningBot, when: str) -> int:
    """Write a release, press Schedule and send `when`; return the held item's id."""
    ask_kind = await write_draft(bot)
    await bot.press(ask_kind, "kind:statement", replies=2, user_id=ADMIN)
    await bot.press(bot.fake.messages(ADMIN)[-1], "post:schedule", replies=1, user_id=ADMIN)
    [done] = await admin_says(bot, when)
    assert (done.text or "").startswith("Scheduled: item "), done.text
    return int((done.text or "").split("item ")[1].split(" ")[0])


async def press_move(bot: RunningBot, item_id: int) -> SentMessage:
    """/scheduled, then Move under the item; return the question asked."""
    [listed] = await admin_says(bot, "/scheduled")
    await bot.press(listed, f"reschedule:{item_id}", replies=1, user_id=ADMIN)
    return bot.fake.messages(ADMIN)[-1]


async def audited(bot: RunningBot, item_id: int, action: AuditAction) -> list[AuditEntry]:
    rows = await bot.database.audit.latest(100, item_id=item_id)
    return [row for row in rows if row.action is action]


def releases_of(bot: RunningBot, reader: int, item_id: int) -> list[SentMessage]:
    """The copies of an item a reader has (their welcome and other items left out)."""
    return [m for m in bot.fake.messages(reader) if f"/read_{item_id}" in (m.text or "")]


def calls_to_readers(bot: RunningBot) -> list[str]:
    """Every request the bot made to the readers' chats, by method."""
    return [c.method for c in bot.fake.calls if c.params.get("chat_id") in READERS]


def current_words_html(title: str, body_html: str) -> str:
    return f"<b>{html.escape(title)}</b>\n\n{body_html}"


async def test_a_scheduled_release_is_corrected_in_place_and_goes_out_corrected(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    clock = SettableClock(PAGE_TIME)
    first = make_bot(fake_api, tmp_path / "bot.sqlite3", clock, **admin_settings())
    await start_bot(first.application)
    try:
        await subscribe_readers(first)
        item_id = await schedule(first, "18:00")
        stored = await first.database.items.get(item_id)
        assert stored is not None
        words, started = await admin_says(first, f"/edit {item_id}", replies=2)
        assert words.raw_text == current_words_html(TITLE, stored.body_html)
        assert started.text.startswith(f"Correcting item {item_id}")
        await admin_says(first, "Corrected title")
        intro, preview = await admin_says(first, "/skip", replies=2)
        assert intro.text == (
            f"Preview of the corrected item. It is still scheduled: on {SIX_PM_SHOWN},"
            " subscribers will receive exactly this. Nothing is sent before then."
        )
        assert (preview.text or "").startswith("Corrected title\n")
        assert "Updated" not in (preview.text or "")  # nobody has seen it yet
        await first.press(preview, "post:confirm", replies=1, user_id=ADMIN)
        assert last_text(first, ADMIN) == (
            f"Item {item_id} is corrected. Nothing was sent: it will be published on"
            f" {SIX_PM_SHOWN} as corrected. /scheduled lists held items."
        )
        held = await first.database.items.get(item_id)
        assert held is not None
        assert held.status is ItemStatus.SCHEDULED and held.publish_at == SIX_PM
        assert held.title == "Corrected title" and held.revision == 0
        assert all(len(fake_api.messages(r)) == 1 for r in READERS)  # their welcome only
        assert calls_to_readers(first) == ["sendMessage"] * len(READERS)  # the welcomes
        [row] = await audited(first, item_id, AuditAction.CORRECTED)
        assert row.actor_id == ADMIN
        assert row.details["title before (en)"] == TITLE
        assert row.details["title after (en)"] == "Corrected title"
        assert row.details["text before (en)"] == row.details["text after (en)"]
        assert row.details["publish at"] == SIX_PM.isoformat()
    finally:
        await stop_bot(first.application)

    clock.now = SIX_PM - timedelta(seconds=2)  # the time comes
    second = make_bot(fake_api, tmp_path / "bot.sqlite3", clock, **admin_settings())
    await start_bot(second.application)
    try:
        for reader in READERS:
            await fake_api.wait_for_messages(reader, 2, timeout=15)
            copy = fake_api.messages(reader)[-1]
            assert (copy.text or "").startswith("Corrected title\n18.10.2018 · Statement\n")
            assert "Note Verbale" in (copy.text or "")
    finally:
        await stop_bot(second.application)


async def test_a_correction_of_an_item_released_meanwhile_corrects_its_copies(
    bot: RunningBot,
) -> None:
    await subscribe_readers(bot)
    item_id = await schedule(bot, "18:00")
    await admin_says(bot, f"/edit {item_id}", replies=2)
    await admin_says(bot, "Corrected title")
    *_, preview = await admin_says(bot, "/skip", replies=2)
    # Its time comes while the preview waits for Confirm.
    services = bot.application.bot_data.ready()
    assert await release_held(services.database, services.engine, item_id, bot.clock())
    for reader in READERS:
        await bot.fake.wait_for_messages(reader, 2)
    await wait_for_report(bot, "Delivery report")
    await bot.press(preview, "post:confirm", user_id=ADMIN)
    done = await bot.wait_for_message_starting(ADMIN, f"Item {item_id} is corrected.")
    assert done.text == admin_texts.corrected(item_id, 3, EN)

    def all_corrected() -> bool:
        return all(
            (bot.fake.messages(r)[-1].text or "").startswith("Corrected title\n") for r in READERS
        )

    await bot.fake.wait_until(all_corrected)
    assert all(bot.fake.messages(r)[-1].edited for r in READERS)
    [row] = await audited(bot, item_id, AuditAction.CORRECTED)
    assert row.details["title after (en)"] == "Corrected title"
    assert "publish at" not in row.details  # a correction of the published item


async def test_a_scheduled_release_moved_later_goes_out_at_its_new_time(bot: RunningBot) -> None:
    await subscribe_readers(bot)
    # Held until 18:00, eight seconds away: the old time comes while the test runs.
    wait = 8.0
    bot.clock.now = SIX_PM - timedelta(seconds=wait)
    moved_id = await schedule(bot, "18:00")
    began = time.monotonic()  # its release job was made before its confirmation came
    asked = await press_move(bot, moved_id)
    assert asked.text == (
        f"Moving item {moved_id}, “{TITLE}”, now due on {SIX_PM_SHOWN}. Send its new time,"
        " such as “18:00”, “18:00 London” or “2026-12-01 09:00 Moscow” (London time when no"
        " city is given).\n/cancel keeps the time it has."
    )
    [moved] = await admin_says(bot, "19:00")
    assert moved.text == (
        f"Moved: item {moved_id} will be published on 18 October 2018, 19:00 London · 21:00"
        f" Moscow instead of {SIX_PM_SHOWN}. /scheduled lists held items."
    )
    job_queue = bot.application.job_queue
    assert job_queue is not None
    assert len(job_queue.get_jobs_by_name(f"release-{moved_id}")) == 1  # the old one is gone
    # A witness held until a second after the old time: once it is out, the old time has
    # passed, and the moved item did not go with it.
    left = wait - (time.monotonic() - began)
    assert left > 0, "the machine was too slow to move the item before its old time"
    bot.clock.now = SIX_PM - timedelta(seconds=left + 1)
    witness_id = await schedule(bot, "18:00")
    for reader in READERS:
        await bot.fake.wait_until(lambda r=reader: bool(releases_of(bot, r, witness_id)), 20)
        assert releases_of(bot, reader, moved_id) == []
    await wait_for_report(bot, "Delivery report")  # the witness's, in the admin's chat
    held = await bot.database.items.get(moved_id)
    assert held is not None and held.status is ItemStatus.SCHEDULED
    assert held.publish_at == SIX_PM + timedelta(hours=1)
    # Moved again, now to a time two seconds away: it goes out then.
    bot.clock.now = SIX_PM + timedelta(minutes=30) - timedelta(seconds=2)
    await press_move(bot, moved_id)
    [again] = await admin_says(bot, "18:30")
    assert again.text.startswith(f"Moved: item {moved_id} will be published on 18 October")
    for reader in READERS:
        await bot.fake.wait_until(lambda r=reader: bool(releases_of(bot, r, moved_id)), 15)
        [copy] = releases_of(bot, reader, moved_id)
        assert (copy.text or "").startswith(f"{TITLE}\n")
    first, second = reversed(await audited(bot, moved_id, AuditAction.RESCHEDULED))
    assert first.actor_id == ADMIN
    assert first.details == {
        "from": SIX_PM.isoformat(),
        "to": (SIX_PM + timedelta(hours=1)).isoformat(),
    }
    assert second.details["to"] == (SIX_PM + timedelta(minutes=30)).isoformat()


async def test_a_move_to_a_past_or_garbled_time_is_asked_again_and_changes_nothing(
    bot: RunningBot,
) -> None:
    item_id = await schedule(bot, "18:00")
    [listed] = await admin_says(bot, "/scheduled")
    assert listed.reply_markup == {
        "inline_keyboard": [
            [
                {"text": f"Cancel item {item_id}", "callback_data": f"unschedule:{item_id}"},
                {"text": f"Move item {item_id}", "callback_data": f"reschedule:{item_id}"},
            ]
        ]
    }
    await press_move(bot, item_id)
    [past] = await admin_says(bot, "2018-10-18 05:00")
    assert past.text == "That time has passed. Send a time in the future."
    [garbled] = await admin_says(bot, "soon")
    assert garbled.text == (
        "Send a time such as “18:00”, “18:00 London” or “2026-12-01 09:00 Moscow”."
    )
    draft = await bot.database.drafts.get(ADMIN)
    assert draft is not None and draft.stage is DraftStage.SCHEDULE  # still asked
    [cancelled] = await admin_says(bot, "/cancel")
    assert cancelled.text == EN(admin_texts.CANCELLED)
    held = await bot.database.items.get(item_id)
    assert held is not None and held.publish_at == SIX_PM
    assert held.status is ItemStatus.SCHEDULED
    assert await audited(bot, item_id, AuditAction.RESCHEDULED) == []
    # A Move of an item no longer held says so.
    await bot.press(listed, f"unschedule:{item_id}", user_id=ADMIN)
    query = bot.send_callback(listed, f"reschedule:{item_id}", user_id=ADMIN)
    await bot.fake.wait_until(lambda: query in bot.fake.answered_callbacks)
    assert bot.fake.answered_callbacks[query]["text"] == "That item is no longer scheduled."
    assert await bot.database.drafts.get(ADMIN) is None


async def test_edit_shows_the_words_as_they_stand_to_copy_with_their_formatting(
    bot: RunningBot,
) -> None:
    item_id = await publish_to_readers(bot)
    item = await bot.database.items.get(item_id)
    assert item is not None
    words, started = await admin_says(bot, f"/edit {item_id}", replies=2)
    # The title in bold, a blank line, the text exactly as stored: Telegram HTML, as sent.
    assert words.parse_mode == "HTML"
    assert words.raw_text == current_words_html(TITLE, item.body_html)
    assert item.body_html.startswith("<b>Today</b> the Embassy")
    assert words.text == f"{TITLE}\n\n{BODY_SHOWN}"
    offset = len(TITLE) + 2
    assert {"type": "bold", "offset": 0, "length": len(TITLE)} in words.entities
    assert {"type": "bold", "offset": offset, "length": len("Today")} in words.entities
    assert started.text.startswith(f"Correcting item {item_id}: “{TITLE}”.")


async def test_rewriting_a_version_shows_its_words_as_they_stand(bot: RunningBot) -> None:
    ask_kind = await write_draft(bot)
    await bot.press(ask_kind, "kind:statement", replies=2, user_id=ADMIN)
    await bot.press(bot.fake.messages(ADMIN)[-1], "version:ru", replies=1, user_id=ADMIN)
    await admin_says(bot, "Заявление посольства")
    await admin_says(bot, "Посольство направило ноту.")
    *_, preview = await admin_says(bot, "/done", replies=5)
    await bot.press(preview, "version:en", replies=2, user_id=ADMIN)
    words, asked = bot.fake.messages(ADMIN)[-2:]
    draft = await bot.database.drafts.get(ADMIN)
    assert draft is not None
    [english] = [v for v in draft.versions if v.language == "en"]
    assert words.raw_text == current_words_html(TITLE, english.body_html)
    assert {"type": "bold", "offset": 0, "length": len(TITLE)} in words.entities
    assert (asked.text or "").startswith(f"The English version: “{TITLE}”.")


async def test_a_withdrawal_undone_puts_the_item_back_without_sending_it_again(
    bot: RunningBot,
) -> None:
    item_id = await publish_to_readers(bot)
    [question] = await admin_says(bot, f"/delete {item_id}")
    await bot.press(question, f"withdraw:{item_id}", replies=1, user_id=ADMIN)
    withdrawn = bot.fake.messages(ADMIN)[-1]
    assert withdrawn.text == admin_texts.withdrawn(item_id, 3, EN)
    assert withdrawn.reply_markup == {
        "inline_keyboard": [[{"text": "Undo", "callback_data": f"restore:{item_id}"}]]
    }
    await bot.fake.wait_until(lambda: all(bot.fake.messages(r)[-1].deleted for r in READERS))
    await wait_for_report(bot, "Withdrawal report")
    to_readers = len(calls_to_readers(bot))
    await bot.press(withdrawn, f"restore:{item_id}", replies=1, user_id=ADMIN)
    assert last_text(bot, ADMIN) == (
        f"Item {item_id} is restored: it is back in /latest and /search.\n3 copies already"
        " deleted or marked as withdrawn are not sent again; to send the item to subscribers"
        " again, post it anew with /post."
    )
    undone = bot.fake.find_message(ADMIN, withdrawn.message_id)
    assert undone is not None and undone.reply_markup is None  # the Undo is used
    [latest] = await bot.say("/latest 1")
    assert TITLE in (latest.text or "")
    [found] = await bot.say("/search Zanzibar")
    assert TITLE in (found.text or "")
    [read] = await bot.say(f"/read_{item_id}")
    assert (read.text or "").startswith(TITLE)
    # Nothing went to the readers: their copies stay deleted, no delivery waits.
    for reader in READERS:
        assert all(m.deleted for m in releases_of(bot, reader, item_id))
    assert await bot.database.outbox.pending_count() == 0
    [row] = await audited(bot, item_id, AuditAction.RESTORED)
    assert row.actor_id == ADMIN and row.details == {"copies removed": "3"}
    # The copies removed are no longer the item's: a correction has none to edit.
    await admin_says(bot, f"/edit {item_id}", replies=2)
    await admin_says(bot, "Restored and corrected")
    *_, preview = await admin_says(bot, "/skip", replies=2)
    await bot.press(preview, "post:confirm", replies=1, user_id=ADMIN)
    assert last_text(bot, ADMIN) == admin_texts.corrected(item_id, 0, EN)
    assert len(calls_to_readers(bot)) == to_readers  # nothing sent, nothing edited
    # Undone twice (an old Undo): nothing to restore any more.
    query = bot.send_callback(withdrawn, f"restore:{item_id}", user_id=ADMIN)
    await bot.fake.wait_until(lambda: query in bot.fake.answered_callbacks)
    [again] = await bot.new_messages(ADMIN, 1)
    assert again.text == f"Item {item_id} is not withdrawn, so there is nothing to restore."


async def test_restore_of_an_item_not_withdrawn_or_a_bad_id_changes_nothing(
    bot: RunningBot,
) -> None:
    [published] = await admin_says(bot, "/restore 11")
    assert published.text == "Item 11 is not withdrawn, so there is nothing to restore."
    [missing] = await admin_says(bot, "/restore 999")
    assert missing.text == "Item 999 is not withdrawn, so there is nothing to restore."
    for bad in ("/restore abc", "/restore", "/restore 12b"):
        [usage] = await admin_says(bot, bad)
        assert usage.text == admin_texts.usage("restore", EN)
    rows = await bot.database.audit.latest(100)
    assert [row for row in rows if row.action is AuditAction.RESTORED] == []
    item = await bot.database.items.get(11)
    assert item is not None and item.status is ItemStatus.PUBLISHED


async def test_an_editor_may_not_move_restore_or_undo(bot: RunningBot) -> None:
    item_id = await schedule(bot, "18:00")
    [question] = await admin_says(bot, "/delete 11")
    await bot.press(question, "withdraw:11", replies=1, user_id=ADMIN)
    withdrawn = bot.fake.messages(ADMIN)[-1]
    refusal = team_texts.refusal(Role.EDITOR, Right.PUBLISH, EN)
    [reply] = await bot.say("/restore 11", chat_id=EDITOR, user_id=EDITOR)
    assert reply.text == refusal
    tried = ["/restore 11"]
    for data in (f"reschedule:{item_id}", "restore:11"):
        query = bot.send_callback(withdrawn, data, user_id=EDITOR)
        await bot.fake.wait_until(lambda q=query: q in bot.fake.answered_callbacks)
        answer = bot.fake.answered_callbacks[query]
        assert answer.get("text") == refusal and answer.get("show_alert") is True
        tried.append(data)
    rows = await bot.database.audit.latest(100)
    refused = [r for r in rows if r.action is AuditAction.REFUSED and r.actor_id == EDITOR]
    assert sorted(r.details["tried"] for r in refused) == sorted(tried)
    assert all(r.details["needs"] == Right.PUBLISH for r in refused)
    # Nothing changed: still withdrawn, still held at its time, no draft opened.
    item = await bot.database.items.get(11)
    assert item is not None and item.status is ItemStatus.WITHDRAWN
    held = await bot.database.items.get(item_id)
    assert held is not None and held.publish_at == SIX_PM
    assert await bot.database.drafts.get(EDITOR) is None
