"""End to end: an admin publishes, corrects, withdraws and schedules from Telegram alone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import PAGE_TIME
from fakes import FakeBotApi, SentMessage
from harness import RunningBot, SettableClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.bot.handlers import admin_post
from pressbot.core.models import DraftStage, ItemKind
from pressbot.texts import admin as admin_texts
from pressbot.texts import team as team_texts
from pressbot.texts.i18n import translator

EN = translator("en")
ADMIN = 9001
READERS = (2001, 2002, 2003)
TITLE = "Embassy statement on <b>nothing</b> & more"


def admin_settings() -> dict[str, object]:
    return {"admin_ids": frozenset({ADMIN}), "progress_interval": 0.5}


@pytest.fixture
async def admin_bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = make_bot(
        fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME), **admin_settings()
    )
    await start_bot(running.application)
    yield running
    await stop_bot(running.application)


async def admin_says(
    bot: RunningBot, text: str, replies: int = 1, **sender: object
) -> list[SentMessage]:
    return await bot.say(
        text, replies=replies, chat_id=ADMIN, user_id=ADMIN, first_name="Press", **sender
    )


async def subscribe_readers(bot: RunningBot) -> None:
    for reader in READERS:
        await bot.say("/start", chat_id=reader, user_id=reader)


async def write_draft(bot: RunningBot) -> SentMessage:
    """/post, title, a two-part text with formatting, /done: return the kind question."""
    [ask_title] = await admin_says(bot, "/post")
    assert ask_title.raw_text == admin_texts.ASK_TITLE
    [ask_body] = await admin_says(bot, TITLE)
    assert "full text" in ask_body.text
    first = "Today the Embassy sent a Note Verbale about Zanzibar. It asks for evidence."
    [got] = await admin_says(bot, first, entities=[{"type": "bold", "offset": 0, "length": 5}])
    assert got.text.startswith("Got it")
    await admin_says(bot, "Question: any answer? Answer: none yet.")
    [ask_kind] = await admin_says(bot, "/done")
    assert ask_kind.text == admin_texts.ASK_KIND
    assert [row[0]["text"] for row in ask_kind.reply_markup["inline_keyboard"]] == [
        "Press release",
        "Statement",
        "Event",
    ]
    return ask_kind


async def publish(bot: RunningBot) -> int:
    """Write a draft, choose Statement, press Publish; return the new item's id."""
    ask_kind = await write_draft(bot)
    await bot.press(ask_kind, "kind:statement", replies=2, user_id=ADMIN)
    preview = bot.fake.messages(ADMIN)[-1]
    await bot.press(preview, "post:publish", user_id=ADMIN)
    # The confirmation, and the progress message a job sends at its own time, in either order.
    confirmation = await bot.wait_for_message_starting(ADMIN, "Published as /read_")
    await bot.wait_for_message_starting(ADMIN, "Deliver")
    assert confirmation.text is not None
    return int(confirmation.text.split("/read_")[1].split(".")[0])


async def publish_to_readers(bot: RunningBot) -> int:
    """Subscribe the readers, publish a release, wait until every copy went out."""
    await subscribe_readers(bot)
    item_id = await publish(bot)
    for reader in READERS:
        await bot.fake.wait_for_messages(reader, 2)
    await wait_for_report(bot, "Delivery report")
    return item_id


async def wait_for_report(bot: RunningBot, heading: str) -> SentMessage:
    """The progress message once it reads as the report (it came from a job, not as a reply)."""
    return await bot.wait_for_message_starting(ADMIN, heading)


def last_text(bot: RunningBot, chat_id: int) -> str:
    return bot.fake.messages(chat_id)[-1].text or ""


async def test_others_are_refused_and_nothing_changes(admin_bot: RunningBot) -> None:
    for command in ("/post", "/edit 1", "/delete 1", "/scheduled", "/stats", "/done", "/skip"):
        [reply] = await admin_bot.say(command)
        assert reply.text == team_texts.NOT_MEMBER
    assert await admin_bot.database.drafts.get(1001) is None
    assert await admin_bot.database.items.count() == 11
    [help_reply] = await admin_bot.say("/help")
    assert "/post" not in help_reply.text and "Admin commands" not in help_reply.text


async def test_admin_commands_are_in_the_admins_menu_and_help(admin_bot: RunningBot) -> None:
    [help_reply] = await admin_says(admin_bot, "/help")
    assert "/post" in help_reply.text and "/stats" in help_reply.text
    # The admin's own commands under a heading of theirs, after the readers' ones.
    reader, admin = help_reply.text.split("\n\n")
    assert reader.startswith("Commands\n/latest [N]")
    assert admin.startswith("Admin commands\n/post — write a new release")
    scoped = admin_bot.fake.scoped_commands
    assert any("post" in [c["command"] for c in commands] for commands in scoped.values())


async def test_publish_reaches_every_subscriber_once_as_previewed(admin_bot: RunningBot) -> None:
    bot = admin_bot
    await subscribe_readers(bot)
    ask_kind = await write_draft(bot)
    await bot.press(ask_kind, "kind:statement", replies=2, user_id=ADMIN)
    intro, preview = bot.fake.messages(ADMIN)[-2:]
    assert intro.text == admin_texts.preview_intro(False, EN)
    assert [b["text"] for b in preview.reply_markup["inline_keyboard"][0]] == [
        "Publish",
        "Schedule",
        "Cancel",
    ]
    await bot.press(preview, "post:publish", replies=1, user_id=ADMIN)
    assert last_text(bot, ADMIN) == (
        "Published as /read_12. Delivery to 3 subscribers has started; a progress message follows."
    )
    for reader in READERS:
        await bot.fake.wait_for_messages(reader, 2)
        [welcome, release] = bot.fake.messages(reader)
        assert welcome.text.startswith("Welcome")  # once each: the welcome, then the release
        assert release.text == preview.text  # exactly as previewed
        assert release.text.startswith(f"{TITLE}\n")
        assert "Statement" in release.text and "/read_12" in release.text
        assert {
            "type": "bold",
            "offset": release.text.index("Today"),
            "length": 5,
        } in release.entities
        assert release.reply_markup == {
            "inline_keyboard": [[{"text": "Read in full", "callback_data": "read:12"}]]
        }
    report = await wait_for_report(bot, "Delivery report")
    assert "Sent 3 of 3 · blocked 0 · failed 0" in (report.text or "")
    # A second press of Publish does nothing: the buttons are gone and the draft is spent.
    assert preview.reply_markup is None or bot.fake.messages(ADMIN)[-3].reply_markup is None
    # Reading it in full from the button, and from the lists.
    release = bot.fake.messages(READERS[0])[-1]
    bot.mark_seen(READERS[0])
    await bot.press(release, "read:12", replies=1, user_id=READERS[0])
    full = last_text(bot, READERS[0])
    assert full.startswith(f"{TITLE}\n18.10.2018 · Statement\n\nToday the Embassy")
    assert full.endswith("Question: any answer? Answer: none yet.")  # as the admin wrote it
    [latest] = await bot.say("/latest 1")
    assert TITLE in latest.text
    [found] = await bot.say("/search Zanzibar")
    assert "/read_12" in found.text
    sent = await bot.database.outbox.progress(1)
    assert sent is not None and (sent.total, sent.sent) == (3, 3)


async def test_cancel_at_any_step_publishes_nothing(admin_bot: RunningBot) -> None:
    await admin_says(admin_bot, "/post")
    await admin_says(admin_bot, "A title")
    [cancelled] = await admin_says(admin_bot, "/cancel")
    assert cancelled.text == admin_texts.CANCELLED
    [again] = await admin_says(admin_bot, "/cancel")
    assert again.text == admin_texts.NOTHING_TO_CANCEL
    [chat] = await admin_says(admin_bot, "hello")
    assert "/help" in chat.text  # no draft: an admin's text is ordinary text again
    ask_kind = await write_draft(admin_bot)
    await admin_bot.press(ask_kind, "kind:event", replies=2, user_id=ADMIN)
    preview = admin_bot.fake.messages(ADMIN)[-1]
    await admin_bot.press(preview, "post:cancel", replies=1, user_id=ADMIN)
    assert last_text(admin_bot, ADMIN) == admin_texts.CANCELLED
    assert await admin_bot.database.items.count() == 11


async def test_bad_input_in_a_draft_gets_a_clear_reply(admin_bot: RunningBot) -> None:
    await admin_says(admin_bot, "/post")
    [early] = await admin_says(admin_bot, "/done")
    assert early.text == admin_texts.TITLE_FIRST
    [too_long] = await admin_says(admin_bot, "x" * 301)
    assert too_long.text.startswith("That title is too long (301 characters")
    [busy] = await admin_says(admin_bot, "/post")
    assert busy.text.startswith("You have an unfinished draft")
    await admin_says(admin_bot, "Title")
    [empty] = await admin_says(admin_bot, "/done")
    assert empty.text == admin_texts.EMPTY_BODY
    [skip] = await admin_says(admin_bot, "/skip")
    assert skip.text.startswith("/skip keeps what was written before")
    for bad in ("/edit", "/edit x", "/delete 12b"):
        await admin_says(admin_bot, "/cancel")
        [usage] = await admin_says(admin_bot, bad)
        assert usage.text.startswith("Send /")
    [missing] = await admin_says(admin_bot, "/edit 999")
    assert missing.text == admin_texts.not_published(999, EN)
    [in_group] = await admin_bot.say("/post", chat_id=-100500, chat_type="group", user_id=ADMIN)
    assert in_group.text == admin_texts.PRIVATE_ONLY


async def test_a_draft_survives_a_restart(fake_api: FakeBotApi, tmp_path: Path) -> None:
    clock = SettableClock(PAGE_TIME)
    first = make_bot(fake_api, tmp_path / "bot.sqlite3", clock, **admin_settings())
    await start_bot(first.application)
    await admin_says(first, "/post")
    await admin_says(first, "Kept across restarts")
    await admin_says(first, "The text.")
    await stop_bot(first.application)
    second = make_bot(fake_api, tmp_path / "bot.sqlite3", clock, **admin_settings())
    second.seen = dict(first.seen)
    await start_bot(second.application)
    try:
        [ask_kind] = await admin_says(second, "/done")
        assert ask_kind.text == admin_texts.ASK_KIND
        await second.press(ask_kind, "kind:event", replies=2, user_id=ADMIN)
        assert second.fake.messages(ADMIN)[-1].text.startswith("Kept across restarts\n")
    finally:
        await stop_bot(second.application)


async def test_a_correction_edits_every_delivered_copy(admin_bot: RunningBot) -> None:
    bot = admin_bot
    item_id = await publish_to_readers(bot)
    copies = {reader: bot.fake.messages(reader)[-1].message_id for reader in READERS}
    [_, started] = await admin_says(bot, f"/edit {item_id}", replies=2)  # its words first
    assert started.text.startswith(f"Correcting item {item_id}")
    await admin_says(bot, "Corrected title")
    [intro, preview] = await admin_says(bot, "/skip", replies=2)
    assert intro.text == admin_texts.preview_intro(True, EN)
    assert preview.text.startswith("Corrected title\n") and "Updated" in preview.text
    await bot.press(preview, "post:confirm", replies=1, user_id=ADMIN)
    assert last_text(bot, ADMIN) == admin_texts.corrected(item_id, 3, EN)

    def all_edited() -> bool:
        return all(
            (bot.fake.messages(r)[-1].text or "").startswith("Corrected title") for r in READERS
        )

    await bot.fake.wait_until(all_edited)
    for reader in READERS:
        copy = bot.fake.messages(reader)[-1]
        assert copy.message_id == copies[reader] and copy.edited
        assert "Updated" in (copy.text or "") and "Note Verbale" in (copy.text or "")
    await wait_for_report(bot, "Correction report")
    [latest] = await bot.say("/latest 1")
    assert "Corrected title" in latest.text


async def test_a_withdrawal_deletes_young_copies(admin_bot: RunningBot) -> None:
    bot = admin_bot
    item_id = await publish_to_readers(bot)
    [question] = await admin_says(bot, f"/delete {item_id}")
    assert question.text.startswith(f"Withdraw item {item_id}")
    await bot.press(question, f"withdraw:{item_id}", replies=1, user_id=ADMIN)
    assert last_text(bot, ADMIN) == admin_texts.withdrawn(item_id, 3, EN)
    await bot.fake.wait_until(lambda: all(bot.fake.messages(r)[-1].deleted for r in READERS))
    [gone] = await bot.say(f"/read_{item_id}")
    assert gone.text.startswith(f"Item {item_id} was not found")
    [latest] = await bot.say("/latest 1")
    assert TITLE not in latest.text
    [search] = await bot.say("/search Zanzibar")
    assert search.text.startswith("Nothing found")
    report = await wait_for_report(bot, "Withdrawal report")
    assert "Sent 3 of 3" in (report.text or "")
    [again] = await admin_says(bot, f"/delete {item_id}")
    assert again.text == admin_texts.not_published(item_id, EN)


async def test_copies_older_than_48_hours_are_marked_withdrawn(admin_bot: RunningBot) -> None:
    bot = admin_bot
    item_id = await publish_to_readers(bot)
    bot.clock.now = PAGE_TIME + timedelta(hours=49)
    [question] = await admin_says(bot, f"/delete {item_id}")
    await bot.press(question, f"withdraw:{item_id}", replies=1, user_id=ADMIN)

    def all_marked() -> bool:
        return all("was withdrawn" in (bot.fake.messages(r)[-1].text or "") for r in READERS)

    await bot.fake.wait_until(all_marked)
    copy = bot.fake.messages(READERS[0])[-1]
    assert not copy.deleted and copy.reply_markup is None
    assert copy.text == f"{TITLE}\nThis item of 18.10.2018 was withdrawn by the Embassy."


async def test_keep_it_withdraws_nothing(admin_bot: RunningBot) -> None:
    [question] = await admin_says(admin_bot, "/delete 11")
    await admin_bot.press(question, "withdraw:keep", replies=1, user_id=ADMIN)
    assert last_text(admin_bot, ADMIN) == "Kept: nothing was withdrawn."
    [item] = await admin_bot.say("/read_11")
    assert item.text.startswith("Embassy Press Officer’s reply")


async def test_a_scheduled_release_is_published_on_time_across_a_restart(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    # 17:59:58 in London: "18:00" is two seconds away.
    clock = SettableClock(datetime(2018, 10, 18, 16, 59, 58, tzinfo=UTC))
    first = make_bot(fake_api, tmp_path / "bot.sqlite3", clock, **admin_settings())
    await start_bot(first.application)
    await subscribe_readers(first)
    ask_kind = await write_draft(first)
    await first.press(ask_kind, "kind:event", replies=2, user_id=ADMIN)
    await first.press(first.fake.messages(ADMIN)[-1], "post:schedule", replies=1, user_id=ADMIN)
    assert last_text(first, ADMIN) == admin_texts.ASK_TIME.replace("<b>", "").replace("</b>", "")
    [bad] = await admin_says(first, "25:00")
    assert bad.text == "25:00 is not a time of day."
    [done] = await admin_says(first, "18:00")
    assert done.text == (
        "Scheduled: item 12 will be published on 18 October 2018, 18:00 London · 20:00 Moscow."
        " /scheduled lists held items."
    )
    [listed] = await admin_says(first, "/scheduled")
    assert TITLE in listed.text
    [gone] = await first.say("/read_12")
    assert "was not found" in gone.text  # held items are not readable yet
    await stop_bot(first.application)
    assert all(len(fake_api.messages(r)) == 1 for r in READERS)  # nothing sent before its time

    second = make_bot(fake_api, tmp_path / "bot.sqlite3", clock, **admin_settings())
    second.seen = dict(first.seen)
    await start_bot(second.application)
    try:
        for reader in READERS:
            await fake_api.wait_for_messages(reader, 2, timeout=15)
            assert fake_api.messages(reader)[-1].text.startswith(TITLE)
        report = await wait_for_report(second, "Delivery report")
        assert "Sent 3 of 3" in (report.text or "")
        [listed] = await admin_says(second, "/scheduled")
        assert listed.text == "No items are scheduled."
    finally:
        await stop_bot(second.application)


async def test_a_scheduled_release_can_be_cancelled(admin_bot: RunningBot) -> None:
    ask_kind = await write_draft(admin_bot)
    await admin_bot.press(ask_kind, "kind:event", replies=2, user_id=ADMIN)
    await admin_bot.press(
        admin_bot.fake.messages(ADMIN)[-1], "post:schedule", replies=1, user_id=ADMIN
    )
    await admin_says(admin_bot, "2018-12-01 09:00 Moscow")
    [listed] = await admin_says(admin_bot, "/scheduled")
    assert "Item 12 — 1 December 2018, 06:00 London · 09:00 Moscow\n" in listed.text
    query = await admin_bot.press(listed, "unschedule:12", user_id=ADMIN)
    assert admin_bot.fake.answered_callbacks[query]["text"] == "Item 12 will not be published."
    [now_listed] = [m for m in admin_bot.fake.messages(ADMIN) if m.message_id == listed.message_id]
    assert now_listed.text == "No items are scheduled." and now_listed.edited
    assert await admin_bot.database.items.scheduled() == []


async def test_stats_counts_subscribers_items_and_deliveries(admin_bot: RunningBot) -> None:
    bot = admin_bot
    await subscribe_readers(bot)
    await bot.say("/stop", chat_id=READERS[2], user_id=READERS[2])
    await publish(bot)
    await wait_for_report(bot, "Delivery report")
    stats, _chart = await admin_says(bot, "/stats", replies=2)
    assert "2 now · 0 a week ago · 0 a month ago" in stats.text
    assert "Last 7 days: 3 joined, 1 left" in stats.text
    assert "Statement: 2" in stats.text and "Event: 10" in stats.text
    assert "/read_12 " in stats.text
    assert "reached 2 of 2 · read by 0 (0 %) · /stats_12" in stats.text


async def test_configured_channels_get_every_release(fake_api: FakeBotApi, tmp_path: Path) -> None:
    channel, dropped = -1001111111111, -1002222222222
    fake_api.add_chat(channel, "channel", title="Embassy news")
    fake_api.add_chat(dropped, "channel", title="Old channel")
    clock = SettableClock(PAGE_TIME)
    first = make_bot(
        fake_api, tmp_path / "bot.sqlite3", clock, channel_ids=frozenset({dropped}),
        **admin_settings(),
    )  # fmt: skip
    await start_bot(first.application)
    await stop_bot(first.application)
    bot = make_bot(
        fake_api, tmp_path / "bot.sqlite3", clock, channel_ids=frozenset({channel}),
        **admin_settings(),
    )  # fmt: skip
    await start_bot(bot.application)
    try:
        await bot.say("/start", chat_id=READERS[0], user_id=READERS[0])
        [shown] = await bot.say("/topics", chat_id=READERS[0], user_id=READERS[0])
        await bot.press(shown, "topic:statement", user_id=READERS[0])  # the reader mutes these
        await publish(bot)
        [post] = await fake_api.wait_for_messages(channel, 1)
        assert (post.text or "").startswith(TITLE)
        report = await wait_for_report(bot, "Delivery report")
        assert "Sent 1 of 1 (channels: 1) · blocked 0 · failed 0" in (report.text or "")
        assert fake_api.messages(dropped) == []
        assert not await bot.database.subscribers.is_active(dropped)
    finally:
        await stop_bot(bot.application)


async def test_the_urgent_toggle_marks_the_release(admin_bot: RunningBot) -> None:
    ask_kind = await write_draft(admin_bot)
    await admin_bot.press(ask_kind, "kind:event", replies=2, user_id=ADMIN)
    preview = admin_bot.fake.messages(ADMIN)[-1]
    assert preview.reply_markup["inline_keyboard"][1][0]["text"] == "Urgent: off"
    query = await admin_bot.press(preview, "post:urgent", user_id=ADMIN)
    assert admin_bot.fake.answered_callbacks[query]["text"] == "Urgent"
    [toggled] = [m for m in admin_bot.fake.messages(ADMIN) if m.message_id == preview.message_id]
    assert toggled.reply_markup["inline_keyboard"][1][0]["text"].startswith("Urgent: on")
    draft = await admin_bot.database.drafts.get(ADMIN)
    assert draft is not None and draft.urgent
    await admin_bot.press(toggled, "post:publish", replies=1, user_id=ADMIN)
    item = await admin_bot.database.items.get(12)
    assert item is not None and item.urgent


async def test_consular_alerts_are_urgent_by_default(fake_api: FakeBotApi, tmp_path: Path) -> None:
    bot = make_bot(
        fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME),
        post_kinds=(ItemKind.CONSULAR_ALERT, ItemKind.EVENT), **admin_settings(),
    )  # fmt: skip
    await start_bot(bot.application)
    try:
        await admin_says(bot, "/post")
        await admin_says(bot, "Road closures near the consulate")
        await admin_says(bot, "Consular queries by phone only today.")
        [ask_kind] = await admin_says(bot, "/done")
        assert ask_kind.reply_markup["inline_keyboard"][0][0]["text"] == "Consular alert"
        await bot.press(ask_kind, "kind:consular_alert", replies=2, user_id=ADMIN)
        preview = bot.fake.messages(ADMIN)[-1]
        assert preview.reply_markup["inline_keyboard"][1][0]["text"].startswith("Urgent: on")
    finally:
        await stop_bot(bot.application)


async def publish_confirmation(bot: RunningBot) -> str:
    """Write a draft, choose Statement, press Publish; return the confirmation's text."""
    ask_kind = await write_draft(bot)
    await bot.press(ask_kind, "kind:statement", replies=2, user_id=ADMIN)
    await bot.press(bot.fake.messages(ADMIN)[-1], "post:publish", user_id=ADMIN)
    confirmation = await bot.wait_for_message_starting(ADMIN, "Published as /read_")
    return confirmation.text or ""


async def test_publish_says_who_gets_it_now_and_who_in_a_digest(admin_bot: RunningBot) -> None:
    bot = admin_bot
    await subscribe_readers(bot)
    for reader in READERS[:2]:
        [shown] = await bot.say("/digest 08:00", chat_id=reader, user_id=reader)
        assert (shown.text or "").startswith("Daily digest")
    assert await publish_confirmation(bot) == (
        "Published as /read_12. Delivery to 1 subscriber has started; a progress message"
        " follows. 2 more subscribers will find it in their daily digests."
    )
    await bot.fake.wait_for_messages(READERS[2], 2)
    report = await wait_for_report(bot, "Delivery report")
    assert (report.text or "").endswith(
        "Sent 1 of 1 · blocked 0 · failed 0\nTook 0 s.\n"
        "2 more subscribers will find it in their daily digests."
    )
    for reader in READERS[:2]:  # their welcome and the /digest reply, not the release
        assert not any((m.text or "").startswith(TITLE) for m in bot.fake.messages(reader))


async def test_publish_to_digests_only_does_not_say_nobody_got_it(admin_bot: RunningBot) -> None:
    bot = admin_bot
    await bot.say("/start", chat_id=READERS[0], user_id=READERS[0])
    await bot.say("/digest 08:00", chat_id=READERS[0], user_id=READERS[0])
    assert await publish_confirmation(bot) == (
        "Published as /read_12. Nobody gets it at once:"
        " 1 subscriber will find it in their daily digest."
    )
    report = await wait_for_report(bot, "Delivery report")
    assert report.text == (
        f"Delivery report: {TITLE}\n"
        "Nobody gets it at once: 1 subscriber will find it in their daily digest."
    )


async def test_publish_to_nobody_says_so(admin_bot: RunningBot) -> None:
    assert await publish_confirmation(admin_bot) == (
        "Published as /read_12. There is nobody to send it to."
    )
    report = await wait_for_report(admin_bot, "Delivery report")
    assert report.text == f"Delivery report: {TITLE}\nThere was nobody to send it to."


async def test_progress_says_how_many_wait_for_quiet_hours_and_until_when(
    admin_bot: RunningBot,
) -> None:
    bot = admin_bot  # 06:18 in London
    await subscribe_readers(bot)
    await bot.say("/quiet 23:00-07:00", chat_id=READERS[0], user_id=READERS[0])
    await bot.say("/quiet 01:00-06:30", chat_id=READERS[1], user_id=READERS[1])
    await publish_confirmation(bot)
    await bot.fake.wait_for_messages(READERS[2], 2)
    held = (
        "Sent 1 of 3 · blocked 0 · failed 0\n"
        "2 copies wait for their chats' quiet hours, the last until 07:00 (London)."
    )

    def progress_text() -> str:
        return next((m.text or "" for m in bot.fake.messages(ADMIN) if m.text and
                     m.text.startswith("Delivering")), "")  # fmt: skip

    await bot.fake.wait_until(lambda: progress_text().endswith(held), timeout=10)
    assert progress_text() == f"Delivering: {TITLE}\n▰▰▰▱▱▱▱▱▱▱ 33%\n{held}"
    for reader in READERS[:2]:  # their welcome and the /quiet reply, not the release
        assert not any((m.text or "").startswith(TITLE) for m in bot.fake.messages(reader))


async def test_the_text_so_far_is_counted_whole_as_readers_see_it(admin_bot: RunningBot) -> None:
    await admin_says(admin_bot, "/post")
    await admin_says(admin_bot, "A title")
    first = "Tags like <b> & entities are text."  # 34 characters, HTML-escaped to more
    [got] = await admin_says(
        admin_bot, first, entities=[{"type": "bold", "offset": 0, "length": 4}]
    )
    assert got.text == "Got it: 34 characters so far. Send more, or /done."
    [more] = await admin_says(admin_bot, "And a second part.")
    assert more.text == f"Got it: {34 + 2 + 18} characters so far. Send more, or /done."


async def test_an_item_id_once_given_is_never_given_again(admin_bot: RunningBot) -> None:
    bot = admin_bot
    ask_kind = await write_draft(bot)
    await bot.press(ask_kind, "kind:event", replies=2, user_id=ADMIN)
    await bot.press(bot.fake.messages(ADMIN)[-1], "post:schedule", replies=1, user_id=ADMIN)
    [scheduled] = await admin_says(bot, "2018-12-01 09:00 Moscow")
    assert scheduled.text.startswith("Scheduled: item 12 ")
    [listed] = await admin_says(bot, "/scheduled")
    await bot.press(listed, "unschedule:12", user_id=ADMIN)
    ask_kind = await write_draft(bot)
    await bot.press(ask_kind, "kind:statement", replies=2, user_id=ADMIN)
    preview = bot.fake.messages(ADMIN)[-1]
    assert "/read_13" in (preview.text or "")  # the preview shows the id it will get
    await bot.press(preview, "post:publish", replies=1, user_id=ADMIN)
    assert last_text(bot, ADMIN).startswith("Published as /read_13.")
    [old_link] = await bot.say("/read_12")
    assert old_link.text.startswith("Item 12 was not found")


def test_the_drawing_of_a_draft_shows_every_stage_and_step_of_its_table() -> None:
    drawing = Path(admin_post.__file__).with_suffix(".mmd").read_text(encoding="utf-8")
    assert all(f"(({stage.name}))" in drawing for stage in DraftStage)
    missing = [
        f"{stage.name} {sent.value} -> {step.__name__}"
        for (stage, sent), step in admin_post.STEPS.items()
        if f": {step.__name__}" not in drawing
    ]
    assert missing == [], "draw these steps in admin_post.mmd"
