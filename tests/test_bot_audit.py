"""End to end: what the press office does leaves its rows in the audit trail, and /audit shows
them as a press officer reads them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fakes import FakeBotApi, SentMessage
from fakes.website import FakeWebsite
from harness import RunningBot, SettableClock, make_bot, wait_for_job
from lifecycle import start_bot, stop_bot
from pressbot.core.team import INVITE_LIFETIME, AuditAction, AuditEntry, Invite, Right, Role
from pressbot.texts import admin as admin_texts
from pressbot.texts import audit as audit_texts
from pressbot.texts import audit_details
from pressbot.texts import team as team_texts
from pressbot.texts.i18n import translator
from pressbot.texts.splitting import utf16_length
from test_bot_sources import SALISBURY, VISA, held_notice_of_news, poll_now, started

EN = translator("en")
OWNER = 9001  # PRESSBOT_ADMIN_IDS: no row in the team table, so named by id
PUBLISHER, EDITOR, READER = 3002, 3001, 2001
NAMES = {PUBLISHER: "Pat Publisher", EDITOR: "Eve <Editor> & Co"}
TITLE = "Statement on <b>visas</b> & more"
#: 17:59:58 in London: a release scheduled for "18:00" is two seconds away.
START = datetime(2018, 10, 18, 16, 59, 58, tzinfo=UTC)
SIX_PM = datetime(2018, 10, 18, 17, 0, tzinfo=UTC)


def at(minutes: int) -> str:
    """A row's time as the lines say it: that many minutes after 18:00 in London."""
    return f"18 October 2018, 18:{minutes:02} London · 20:{minutes:02} Moscow"


@pytest.fixture
async def office(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot with an owner by configuration, a publisher and an editor added by the owner."""
    running = make_bot(
        fake_api,
        tmp_path / "bot.sqlite3",
        SettableClock(START),
        admin_ids=frozenset({OWNER}),
        progress_interval=0.5,
    )
    await start_bot(running.application)
    team = running.database.team
    for user_id, role in ((PUBLISHER, Role.PUBLISHER), (EDITOR, Role.EDITOR)):
        await team.set_role(user_id, role, by=OWNER, now=START, name=NAMES[user_id])
    yield running
    await stop_bot(running.application)


# -- the owner at work, in their own chat (where progress messages come and go too) ---------


def starting(text: str) -> Callable[[SentMessage], bool]:
    return lambda message: (message.text or "").startswith(text)


def with_button(data: str) -> Callable[[SentMessage], bool]:
    def has(message: SentMessage) -> bool:
        rows = (message.reply_markup or {}).get("inline_keyboard", [])
        return any(button.get("callback_data") == data for row in rows for button in row)

    return has


async def next_message(
    bot: RunningBot, already: int, match: Callable[[SentMessage], bool]
) -> SentMessage:
    """The first of the owner's messages after the first `already` that `match`es."""

    def found() -> SentMessage | None:
        return next((m for m in bot.fake.messages(OWNER)[already:] if match(m)), None)

    await bot.fake.wait_until(lambda: found() is not None, timeout=15)
    message = found()
    assert message is not None
    bot.mark_seen(OWNER)
    return message


async def owner_says(
    bot: RunningBot, text: str, match: Callable[[SentMessage], bool]
) -> SentMessage:
    already = len(bot.fake.messages(OWNER))
    bot.fake.user_sends(text, chat_id=OWNER, user_id=OWNER, first_name="Olga")
    return await next_message(bot, already, match)


async def owner_presses(
    bot: RunningBot, message: SentMessage, data: str, match: Callable[[SentMessage], bool]
) -> SentMessage:
    already = len(bot.fake.messages(OWNER))
    bot.fake.user_presses(message.message_id, OWNER, data, user_id=OWNER)
    return await next_message(bot, already, match)


async def preview(bot: RunningBot) -> SentMessage:
    """/post, a title, a text, /done, Statement: the preview with its buttons."""
    await owner_says(bot, "/post", starting("New release"))
    await owner_says(bot, TITLE, lambda m: "full text" in (m.text or ""))
    await owner_says(bot, "The Embassy's text about visas.", starting("Got it"))
    ask_kind = await owner_says(bot, "/done", with_button("kind:statement"))
    return await owner_presses(bot, ask_kind, "kind:statement", with_button("post:publish"))


async def schedule(bot: RunningBot, when: str) -> int:
    """Write a release and schedule it for `when`; its item id."""
    asked = await owner_presses(bot, await preview(bot), "post:schedule", starting("When"))
    assert asked.text is not None
    done = await owner_says(bot, when, starting("Scheduled: item "))
    assert done.text is not None
    return int(done.text.removeprefix("Scheduled: item ").split()[0])


async def publish(bot: RunningBot) -> int:
    """Write a release and publish it; its item id."""
    done = await owner_presses(bot, await preview(bot), "post:publish", starting("Published"))
    assert done.text is not None
    return int(done.text.split("/read_")[1].split(".")[0])


async def correct(bot: RunningBot, item_id: int) -> None:
    """/edit the item: a new title, a new text, Confirm."""
    await owner_says(bot, f"/edit {item_id}", starting(f"Correcting item {item_id}"))
    await owner_says(bot, "Corrected statement", lambda m: "full text" in (m.text or ""))
    await owner_says(bot, "The corrected text about visas.", starting("Got it"))
    shown = await owner_says(bot, "/done", with_button("post:confirm"))
    await owner_presses(bot, shown, "post:confirm", starting(f"Item {item_id} is corrected"))


async def unschedule(bot: RunningBot, item_id: int) -> None:
    listed = await owner_says(bot, "/scheduled", with_button(f"unschedule:{item_id}"))
    query = bot.fake.user_presses(listed.message_id, OWNER, f"unschedule:{item_id}", user_id=OWNER)
    await bot.fake.wait_until(lambda: query in bot.fake.answered_callbacks)


async def withdraw(bot: RunningBot, item_id: int) -> None:
    asked = await owner_says(bot, f"/delete {item_id}", with_button(f"withdraw:{item_id}"))
    await owner_presses(
        bot, asked, f"withdraw:{item_id}", starting(f"Item {item_id} is withdrawn")
    )


# -- the publisher reads the trail, in a chat where nothing else arrives --------------------


async def publisher_reads(bot: RunningBot, command: str, last: str) -> list[str]:
    """The texts of the publisher's reply to `command`, up to the message holding `last`."""
    already = len(bot.fake.messages(PUBLISHER))
    bot.fake.user_sends(command, chat_id=PUBLISHER, user_id=PUBLISHER, first_name="Pat")

    def texts() -> list[str]:
        return [m.text or "" for m in bot.fake.messages(PUBLISHER)[already:]]

    await bot.fake.wait_until(lambda: any(last in text for text in texts()))
    bot.mark_seen(PUBLISHER)
    return texts()


async def rows(bot: RunningBot) -> list[AuditEntry]:
    return list(reversed(await bot.database.audit.latest(100)))


def summary(entries: list[AuditEntry]) -> list[tuple[int | None, AuditAction, int | None]]:
    return [(entry.actor_id, entry.action, entry.item_id) for entry in entries]


async def test_each_action_leaves_its_row_and_audit_shows_them_all(office: RunningBot) -> None:
    bot = office
    # A release scheduled for 18:00 goes out at its time, released by pressbot itself.
    scheduled = await schedule(bot, "18:00")
    bot.clock.now = SIX_PM

    async def released() -> bool:
        return (None, AuditAction.PUBLISHED, scheduled) in summary(await rows(bot))

    await wait_for_job(bot.application, "dropped-media", released)
    bot.clock.now = SIX_PM + timedelta(minutes=1)
    published = await publish(bot)
    bot.clock.now += timedelta(minutes=1)
    await correct(bot, published)
    bot.clock.now += timedelta(minutes=1)
    cancelled = await schedule(bot, "2018-12-01 09:00 Moscow")
    bot.clock.now += timedelta(minutes=1)
    await unschedule(bot, cancelled)
    bot.clock.now += timedelta(minutes=1)
    await withdraw(bot, published)
    bot.clock.now += timedelta(minutes=1)
    # A reader tries /post, then a forged Withdraw button; the editor tries /audit.
    [refused] = await bot.say("/post", chat_id=READER, user_id=READER)
    assert refused.text == team_texts.NOT_MEMBER
    query = bot.send_callback(refused, f"withdraw:{scheduled}", user_id=READER)
    await bot.fake.wait_until(lambda: query in bot.fake.answered_callbacks)
    assert bot.fake.answered_callbacks[query]["text"] == team_texts.NOT_MEMBER
    [editor_refused] = await bot.say("/audit", chat_id=EDITOR, user_id=EDITOR)
    assert editor_refused.text == team_texts.refusal(Role.EDITOR, Right.PUBLISH, EN)
    assert bot.fake.messages(EDITOR)[-1].text == editor_refused.text  # and nothing more
    bot.clock.now += timedelta(minutes=1)
    [usage] = await publisher_reads(bot, "/audit abc", "/audit")
    assert usage == audit_texts.USAGE
    [nothing] = await publisher_reads(bot, "/audit 999", "999")
    assert nothing == "No actions are recorded for item 999."

    entries = await rows(bot)
    assert summary(entries) == [
        (OWNER, AuditAction.MEMBER_ADDED, None),
        (OWNER, AuditAction.MEMBER_ADDED, None),
        (OWNER, AuditAction.SCHEDULED, scheduled),
        (None, AuditAction.PUBLISHED, scheduled),
        (OWNER, AuditAction.PUBLISHED, published),
        (OWNER, AuditAction.CORRECTED, published),
        (OWNER, AuditAction.SCHEDULED, cancelled),
        (OWNER, AuditAction.UNSCHEDULED, cancelled),
        (OWNER, AuditAction.WITHDRAWN, published),
        (READER, AuditAction.REFUSED, None),
        (READER, AuditAction.REFUSED, None),
        (EDITOR, AuditAction.REFUSED, None),
        (PUBLISHER, AuditAction.REFUSED, None),
    ]
    assert entries[4].details == {"title": TITLE, "author": str(OWNER)}
    assert [entry.details["tried"] for entry in entries[9:]] == [
        "/post",
        f"withdraw:{scheduled}",
        "/audit",
        "/audit abc",
    ]
    assert entries[-1].details["reason"] == audit_details.NOT_A_NUMBER
    corrected = entries[5].details
    assert (corrected["title before (en)"], corrected["title after (en)"]) == (
        TITLE,
        "Corrected statement",
    )
    assert "visas" in corrected["text before (en)"] and "corrected" in corrected["text after (en)"]

    # /audit: the newest first, one line each, everything from the rows escaped.
    [latest] = await publisher_reads(bot, "/audit", "member added")
    eve, pat = "Eve <Editor> & Co", "Pat Publisher"
    assert latest.split("\n\n") == [
        "Audit trail: the 13 latest actions, newest first. /audit followed by an item number"
        " shows that item's history.",
        f"{at(7)} — {pat}: refused, tried “/audit abc”, not an item number",
        f"{at(6)} — {eve}: refused, tried “/audit”",
        f"{at(6)} — {READER}: refused, tried “withdraw:{scheduled}”",
        f"{at(6)} — {READER}: refused, tried “/post”",
        f"{at(5)} — {OWNER}: withdrawn, item {published}, “Corrected statement”",
        f"{at(4)} — {OWNER}: scheduled release cancelled, item {cancelled}, “{TITLE}”",
        f"{at(3)} — {OWNER}: scheduled, item {cancelled}, “{TITLE}”,"
        " for 1 December 2018, 06:00 London · 09:00 Moscow",
        f"{at(2)} — {OWNER}: corrected, item {published}, “Corrected statement”",
        f"{at(1)} — {OWNER}: published, item {published}, “{TITLE}”",
        f"{at(0)} — pressbot: published, item {scheduled}, “{TITLE}”, at its scheduled time",
        f"18 October 2018, 17:59 London · 19:59 Moscow — {OWNER}: scheduled, item {scheduled},"
        f" “{TITLE}”, for {at(0)}",
        f"18 October 2018, 17:59 London · 19:59 Moscow — {OWNER}: member added, {eve} (editor)",
        f"18 October 2018, 17:59 London · 19:59 Moscow — {OWNER}: member added, {pat} (publisher)",
    ]

    # /audit <id>: one item's history, oldest first, a correction's words before and after.
    [history] = await publisher_reads(bot, f"/audit {published}", "withdrawn")
    assert history.split("\n\n") == [
        f"History of item {published}, oldest first.",
        f"{at(1)} — {OWNER}: published, item {published}, “{TITLE}”",
        f"{at(2)} — {OWNER}: corrected, item {published}, “Corrected statement”\n"
        f"Title before (en): {TITLE}\n"
        "Title after (en): Corrected statement\n"
        "Text before (en): The Embassy's text about visas.\n"
        "Text after (en): The corrected text about visas.",
        f"{at(5)} — {OWNER}: withdrawn, item {published}, “Corrected statement”",
    ]
    [history] = await publisher_reads(bot, f"/audit {scheduled}", "pressbot")
    assert history.split("\n\n")[1:] == [
        f"18 October 2018, 17:59 London · 19:59 Moscow — {OWNER}: scheduled, item {scheduled},"
        f" “{TITLE}”, for {at(0)}",
        f"{at(0)} — pressbot: published, item {scheduled}, “{TITLE}”, at its scheduled time",
    ]
    [history] = await publisher_reads(bot, f"/audit {cancelled}", "cancelled")
    assert [line.split(" — ")[1] for line in history.split("\n\n")[1:]] == [
        f"{OWNER}: scheduled, item {cancelled}, “{TITLE}”, for 1 December 2018, 06:00 London"
        " · 09:00 Moscow",
        f"{OWNER}: scheduled release cancelled, item {cancelled}, “{TITLE}”",
    ]
    # Reading the trail wrote nothing to it but the bad id's refusal.
    assert len(await rows(bot)) == len(entries)


async def test_a_website_entrys_publish_and_skip_are_in_the_trail(
    fake_api: FakeBotApi, tmp_path: Path, website: FakeWebsite
) -> None:
    url = website.serve("news.xml", "atom.xml")
    bot = await started(fake_api, tmp_path / "bot.sqlite3", SettableClock(START), feed_urls=(url,))
    try:
        await bot.database.team.set_role(
            PUBLISHER, Role.PUBLISHER, by=OWNER, now=START, name="Pat Publisher"
        )
        await poll_now(bot)
        await held_notice_of_news(bot, website)  # the owner's; the publisher has one too
        [notice] = await bot.new_messages(PUBLISHER, 1)
        rows_ = notice.reply_markup["inline_keyboard"] if notice.reply_markup else []
        [[publish_button, _], [_, skip_button]] = rows_
        bot.clock.now = SIX_PM
        await bot.press(notice, publish_button["callback_data"], replies=1, user_id=PUBLISHER)
        await bot.wait_for_message_starting(PUBLISHER, "Delivery report")
        bot.clock.now = SIX_PM + timedelta(minutes=1)
        await bot.press(notice, skip_button["callback_data"], replies=1, user_id=PUBLISHER)
        entries = (await bot.database.audit.latest(2))[::-1]
        item_id = entries[0].item_id
        assert summary(entries) == [
            (PUBLISHER, AuditAction.ENTRY_PUBLISHED, item_id),
            (PUBLISHER, AuditAction.ENTRY_SKIPPED, None),
        ]
        assert item_id is not None and entries[0].details["title"] == SALISBURY
        [latest] = await publisher_reads(bot, "/audit", "member added")
        assert latest.split("\n\n")[1:3] == [
            f"{at(1)} — Pat Publisher: website entry skipped, “{VISA}”",
            f"{at(0)} — Pat Publisher: website entry published, item {item_id}, “{SALISBURY}”",
        ]
        [history] = await publisher_reads(bot, f"/audit {item_id}", SALISBURY)
        assert history.split("\n\n")[1:] == [
            f"{at(0)} — Pat Publisher: website entry published, item {item_id}, “{SALISBURY}”"
        ]
    finally:
        await stop_bot(bot.application)


async def test_a_long_trail_is_split_under_telegrams_limit_and_trimmed(
    office: RunningBot,
) -> None:
    bot = office
    audit = bot.database.audit
    long_title = "A very long title <with> & markup " * 12  # ~400 characters
    deputy = 3003
    long_name = "Deputy Head of the Press Office <Acting> & Spokesperson " * 2
    await bot.database.team.set_role(deputy, Role.PUBLISHER, by=OWNER, now=START, name=long_name)
    last = audit_texts.HISTORY + 4  # rows 0 to last, 5 more than one item's history shows
    for number in range(last + 1):
        await audit.record(
            START + timedelta(seconds=number),
            deputy,
            AuditAction.CORRECTED,
            item_id=5,
            details={
                "title before (en)": f"{number} {long_title}",
                "title after (en)": f"{number} {long_title} (corrected)",
                "text before (en)": "<p>Before: " + "words & more " * 400 + "</p>",
                "text after (en)": (
                    "<p>The last words.</p>" if number == last else "<p>After: " + "more " * 900
                ),
            },
        )
    # The 20 newest, newest first: the last line is that of the 20th newest.
    latest = await publisher_reads(bot, "/audit", f"“{last - 19} A very")
    assert len(latest) >= 2
    for text in latest:
        assert utf16_length(text) <= 4096
    lines = "\n\n".join(latest).split("\n\n")
    assert len(lines) == 1 + audit_texts.LATEST
    assert all(len(line) < 400 for line in lines)  # each title shortened, with "…"
    assert (
        "— Deputy Head of the Press Office <Acting> & Spokesperson Deputy Head of the…:"
        in lines[1]
    )
    assert f"“{last} A very long title <with> & markup" in lines[1] and "…”" in lines[1]

    history = await publisher_reads(bot, "/audit 5", "Text after (en): The last words.")
    assert all(utf16_length(text) <= 4096 for text in history)
    whole = "\n".join(history)
    assert whole.startswith(
        f"History of item 5, oldest first. Only its {audit_texts.HISTORY} latest actions are"
        " shown; pressbot audit exports them all."
    )
    # The newest HISTORY rows (5 to the last), oldest first.
    assert "“4 A very" not in whole and "“5 A very" in whole
    assert whole.index("“5 A very") < whole.index(f"“{last} A very")
    assert whole.count(" — Deputy Head") == audit_texts.HISTORY
    before = next(line for line in whole.splitlines() if line.startswith("Text before (en):"))
    assert before.startswith("Text before (en): Before: words & more words & more")
    assert before.endswith("…") and len(before) < audit_details.TEXT + 30


async def test_audit_is_for_publishers_and_owners_in_their_private_chat(
    office: RunningBot,
) -> None:
    bot = office
    [reader] = await bot.say("/audit", chat_id=READER, user_id=READER)
    assert reader.text == team_texts.NOT_MEMBER
    [editor] = await bot.say("/audit 1", chat_id=EDITOR, user_id=EDITOR)
    assert editor.text == team_texts.refusal(Role.EDITOR, Right.PUBLISH, EN)
    [in_group] = await bot.say("/audit", chat_id=-100500, chat_type="group", user_id=PUBLISHER)
    assert in_group.text == admin_texts.PRIVATE_ONLY
    refusals = [e for e in await rows(bot) if e.action is AuditAction.REFUSED]
    assert [(e.actor_id, e.details["tried"]) for e in refusals] == [
        (READER, "/audit"),
        (EDITOR, "/audit 1"),
    ]
    # The owner by configuration reads it; item 0 is a number no row names.
    [owner] = await bot.say("/audit 0", chat_id=OWNER, user_id=OWNER)
    assert owner.text == "No actions are recorded for item 0."
    for bad in ("/audit 12 13", "/audit -5", "/audit ١٢", "/audit <b>12</b>"):
        [usage] = await bot.say(bad, chat_id=OWNER, user_id=OWNER)
        assert usage.text == audit_texts.USAGE
    refusals = [e for e in await rows(bot) if e.action is AuditAction.REFUSED]
    assert [e.details["tried"] for e in refusals if e.actor_id == OWNER] == [
        "/audit 12 13",
        "/audit -5",
        "/audit ١٢",
        "/audit <b>12</b>",
    ]


async def test_team_changes_read_as_who_changed_whom_and_unknown_details_as_they_are(
    office: RunningBot,
) -> None:
    bot = office
    team = bot.database.team
    await team.set_role(EDITOR, Role.PUBLISHER, by=OWNER, now=SIX_PM)
    invite = Invite("t0ken", Role.EDITOR, PUBLISHER, SIX_PM, SIX_PM + INVITE_LIFETIME)
    await team.create_invite(invite)
    await team.redeem_invite("t0ken", 3005, name="Nina <New>", now=SIX_PM)
    await team.remove(EDITOR, by=OWNER, now=SIX_PM)
    # A row of a kind this view has no words for: its details shown as they are, escaped.
    await bot.database.audit.record(
        SIX_PM, OWNER, AuditAction.RESTORED, item_id=7, details={"why <this>": "a & b"}
    )
    [latest] = await publisher_reads(bot, "/audit", "member added")
    assert [line.split(" — ", 1)[1] for line in latest.split("\n\n")[1:6]] == [
        f"{OWNER}: withdrawal undone, item 7, “Embassy Press Officer’s reply to a media"
        " question concerning the new…”, why <this>: a & b",  # the seeded item's title, shortened
        f"{OWNER}: member removed, {EDITOR} (publisher)",  # not in the team table any more
        "Nina <New>: joined by invite, Nina <New> (editor), invited by Pat Publisher",
        "Pat Publisher: invite created, editor, valid until 19 October 2018, 18:00 London"
        " · 20:00 Moscow",
        f"{OWNER}: role changed, {EDITOR}: editor → publisher",
    ]
