"""End to end: approval before publishing. An editor submits, publishers decide from Telegram
(Approve, Request changes with a note, Reject), the author is told; two-person mode; forged
presses refused and recorded; a restart in the middle loses nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import PAGE_TIME
from fakes import FakeBotApi, SentMessage
from harness import RunningBot, SettableClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.core.models import DraftStage, ItemStatus
from pressbot.core.team import AuditAction, Right, Role, SubmissionStatus
from pressbot.texts import admin as admin_texts
from pressbot.texts import approval as approval_texts
from pressbot.texts import team as team_texts
from pressbot.texts.i18n import translator

EN = translator("en")
OWNER = 9001  # PRESSBOT_ADMIN_IDS
PUBLISHER = 9002
EDITOR = 9100
READERS = (2001, 2002)
NAMES = {OWNER: "Irina", PUBLISHER: "Petr", EDITOR: "Olga"}
EDITOR_REFUSED = team_texts.refusal(Role.EDITOR, Right.PUBLISH, EN)
TITLE = "Embassy statement on the <b>visit</b>"
BODY = "The Ambassador will meet the Mayor on Friday."


def settings(**overrides: Any) -> dict[str, Any]:
    return {"admin_ids": frozenset({OWNER}), "progress_interval": 0.5, **overrides}


async def add_team(bot: RunningBot, *members: tuple[int, Role]) -> None:
    """Add the members, each known to Telegram by their name (the owner too)."""
    for user_id, name in NAMES.items():
        bot.fake.users[user_id] = {"id": user_id, "is_bot": False, "first_name": name}
    for user_id, role in members:
        await bot.database.team.set_role(
            user_id, role, by=OWNER, now=PAGE_TIME, name=NAMES[user_id]
        )


@pytest.fixture
async def team_bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The office in the default mode: the owner, a publisher, an editor, two readers."""
    bot = make_bot(fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME), **settings())
    await start_bot(bot.application)
    await add_team(bot, (PUBLISHER, Role.PUBLISHER), (EDITOR, Role.EDITOR))
    for reader in READERS:
        await bot.say("/start", chat_id=reader, user_id=reader)
    yield bot
    await stop_bot(bot.application)


@pytest.fixture
async def two_person_bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """Two-person mode: the owner and one publisher."""
    bot = make_bot(
        fake_api,
        tmp_path / "bot.sqlite3",
        SettableClock(PAGE_TIME),
        **settings(approval="two-person"),
    )
    await start_bot(bot.application)
    await add_team(bot, (PUBLISHER, Role.PUBLISHER))
    yield bot
    await stop_bot(bot.application)


async def says(bot: RunningBot, user_id: int, text: str, replies: int = 1) -> list[SentMessage]:
    return await bot.say(
        text, replies=replies, chat_id=user_id, user_id=user_id, first_name=NAMES[user_id]
    )


async def says_until(bot: RunningBot, user_id: int, text: str, starting: str) -> SentMessage:
    """Send `text`; wait for a new message that starts with `starting` (others may come)."""
    before = len(bot.fake.messages(user_id))
    bot.fake.user_sends(text, chat_id=user_id, user_id=user_id, first_name=NAMES[user_id])
    return await new_message_starting(bot, user_id, starting, before)


async def new_message_starting(
    bot: RunningBot, chat_id: int, starting: str, before: int
) -> SentMessage:
    """The first message after the chat's `before` first ones that starts with `starting`."""

    def found() -> SentMessage | None:
        later = bot.fake.messages(chat_id)[before:]
        return next((m for m in later if (m.text or "").startswith(starting)), None)

    await bot.fake.wait_until(lambda: found() is not None, timeout=10)
    message = found()
    assert message is not None
    bot.mark_seen(chat_id)
    return message


def buttons(message: SentMessage) -> dict[str, str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return {button["text"]: button.get("callback_data", "") for row in rows for button in row}


def current(bot: RunningBot, message: SentMessage) -> SentMessage:
    """The message as it stands now (its buttons may have been taken off)."""
    [now] = [m for m in bot.fake.messages(message.chat_id) if m.message_id == message.message_id]
    return now


async def preview_of_draft(bot: RunningBot, author: int) -> SentMessage:
    """/post, a title and a text, /done, Statement: return the preview (with the buttons)."""
    await says(bot, author, "/post")
    await says(bot, author, TITLE)
    await says(bot, author, BODY)
    [ask_kind] = await says(bot, author, "/done")
    await bot.press(ask_kind, "kind:statement", replies=2, user_id=author)
    return bot.fake.messages(author)[-1]


async def press(bot: RunningBot, message: SentMessage, data: str, user_id: int) -> str:
    """Press a button as `user_id`; return the text of the answer under it."""
    query = await bot.press(message, data, user_id=user_id)
    return str(bot.fake.answered_callbacks[query].get("text", ""))


async def forge(bot: RunningBot, message: SentMessage, data: str, user_id: int) -> str:
    """A press with `data` under `message` by `user_id`, whatever its buttons; the answer."""
    query = bot.send_callback(message, data, user_id=user_id)
    await bot.fake.wait_until(lambda: query in bot.fake.answered_callbacks)
    return str(bot.fake.answered_callbacks[query].get("text", ""))


async def submit(bot: RunningBot, author: int, approvers: tuple[int, ...]) -> SentMessage:
    """Submit a new draft for approval; return the first approver's question (the buttons)."""
    sent = {approver: len(bot.fake.messages(approver)) for approver in approvers}
    preview = await preview_of_draft(bot, author)
    await bot.press(preview, "post:submit", replies=1, user_id=author)
    questions = [await question_for(bot, approver, sent[approver]) for approver in approvers]
    return questions[0]


async def question_for(bot: RunningBot, approver: int, before: int) -> SentMessage:
    """The decision's message an approver got (after their `before` first messages)."""

    def found() -> SentMessage | None:
        later = bot.fake.messages(approver)[before:]
        return next((m for m in later if "Approve" in buttons(m)), None)

    await bot.fake.wait_until(lambda: found() is not None, timeout=10)
    question = found()
    assert question is not None
    bot.mark_seen(approver)
    return question


async def audit_rows(bot: RunningBot) -> list[tuple[AuditAction, int | None, dict[str, str]]]:
    rows = await bot.database.audit.latest(100)
    return [(row.action, row.actor_id, row.details) for row in reversed(rows)]


async def test_an_editor_submits_and_a_publisher_approves(team_bot: RunningBot) -> None:
    bot = team_bot
    preview = await preview_of_draft(bot, EDITOR)
    assert list(buttons(preview))[:3] == [
        "Submit for approval",
        "Submit with a release time",
        "Cancel",
    ]
    assert "Publish" not in buttons(preview) and "Schedule" not in buttons(preview)
    owner_before, publisher_before = len(bot.fake.messages(OWNER)), 0
    await bot.press(preview, "post:submit", replies=1, user_id=EDITOR)
    assert bot.fake.messages(EDITOR)[-1].text == (
        "Submitted for approval as submission 1: 2 publishers were asked."
        " You will be told of the decision."
    )
    assert current(bot, preview).reply_markup is None
    assert await bot.database.drafts.get(EDITOR) is None
    # Each publisher gets the heading, the preview as subscribers will see it, the buttons.
    heading, shown, question = bot.fake.messages(PUBLISHER)[publisher_before:]
    assert heading.text == (
        "Submission 1 from Olga (id 9100), waiting for approval.\nA new release, to be"
        " published as soon as it is approved. The preview below is exactly what subscribers"
        " will receive."
    )
    assert shown.text == preview.text and shown.reply_markup is None
    assert question.text == "Submission 1: approve it, ask for changes, or reject it?"
    assert buttons(question) == {
        "Approve": "approval:approve:1",
        "Request changes": "approval:changes:1",
        "Reject": "approval:reject:1",
    }
    owners = await question_for(bot, OWNER, owner_before)
    assert await bot.database.items.count() == 11  # nothing published yet

    bot.mark_seen(PUBLISHER)
    await bot.press(question, "approval:approve:1", user_id=PUBLISHER)
    said = await new_message_starting(bot, PUBLISHER, "Submission 1 is approved.", 3)
    assert said.text == (
        "Submission 1 is approved. Published as /read_12. Delivery to 2 subscribers has"
        " started; a progress message follows."
    )
    await new_message_starting(bot, PUBLISHER, "Deliver", 3)  # the progress goes to them
    for reader in READERS:
        await bot.fake.wait_for_messages(reader, 2)
        assert bot.fake.messages(reader)[-1].text == preview.text  # as previewed
    told = await new_message_starting(bot, EDITOR, "Your submission", 0)
    assert told.text == (
        f"Your submission 1 (“{TITLE}”) was approved by Petr (id 9002) and published as /read_12."
    )
    # The buttons are gone from every approver's message.
    assert current(bot, question).reply_markup is None
    assert current(bot, owners).reply_markup is None
    submission = await bot.database.submissions.get(1)
    assert submission is not None and submission.status is SubmissionStatus.APPROVED
    assert submission.decided_by == PUBLISHER
    trail = [(action, actor) for action, actor, _ in await audit_rows(bot)]
    assert trail[-3:] == [
        (AuditAction.SUBMITTED, EDITOR),
        (AuditAction.APPROVED, PUBLISHER),
        (AuditAction.PUBLISHED, PUBLISHER),
    ]
    published = (await audit_rows(bot))[-1][2]
    assert published["author"] == str(EDITOR) and published["title"] == TITLE


async def test_a_release_time_is_kept_and_the_release_goes_out_then(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    # 17:59:58 in London: "18:00" is two seconds away.
    clock = SettableClock(datetime(2018, 10, 18, 16, 59, 58, tzinfo=UTC))
    bot = make_bot(fake_api, tmp_path / "bot.sqlite3", clock, **settings())
    await start_bot(bot.application)
    try:
        await add_team(bot, (PUBLISHER, Role.PUBLISHER), (EDITOR, Role.EDITOR))
        await bot.say("/start", chat_id=READERS[0], user_id=READERS[0])
        preview = await preview_of_draft(bot, EDITOR)
        await bot.press(preview, "post:submit_at", replies=1, user_id=EDITOR)
        asked = bot.fake.messages(EDITOR)[-1].text or ""
        assert asked.startswith("When should it be published?")
        [bad] = await says(bot, EDITOR, "25:00")
        assert bad.text == "25:00 is not a time of day."
        [submitted] = await says(bot, EDITOR, "18:00")
        assert (submitted.text or "").startswith("Submitted for approval as submission 1: 2")
        question = await question_for(bot, PUBLISHER, 0)
        heading = bot.fake.messages(PUBLISHER)[0]
        assert "to be published on 18 October 2018, 18:00 London · 20:00 Moscow" in (
            heading.text or ""
        )
        assert await bot.database.items.scheduled() == []  # nothing held before approval
        await bot.press(question, "approval:approve:1", replies=1, user_id=PUBLISHER)
        assert bot.fake.messages(PUBLISHER)[-1].text == (
            "Submission 1 is approved. Scheduled: item 12 will be published on 18 October"
            " 2018, 18:00 London · 20:00 Moscow. /scheduled lists held items."
        )
        told = await new_message_starting(bot, EDITOR, "Your submission", 0)
        assert told.text == (
            f"Your submission 1 (“{TITLE}”) was approved by Petr (id 9002): item 12 will be"
            " published on 18 October 2018, 18:00 London · 20:00 Moscow."
        )
        [held] = await bot.database.items.scheduled()
        assert held.id == 12
        clock.now = datetime(2018, 10, 18, 17, 0, 1, tzinfo=UTC)
        await fake_api.wait_for_messages(READERS[0], 2, timeout=15)
        assert (fake_api.messages(READERS[0])[-1].text or "").startswith(TITLE)
        item = await bot.database.items.get(12)
        assert item is not None and item.status is ItemStatus.PUBLISHED
        actions = [(action, actor) for action, actor, _ in await audit_rows(bot)][-4:]
        assert actions == [
            (AuditAction.SUBMITTED, EDITOR),
            (AuditAction.APPROVED, PUBLISHER),
            (AuditAction.SCHEDULED, PUBLISHER),
            (AuditAction.PUBLISHED, None),
        ]
    finally:
        await stop_bot(bot.application)


async def test_a_release_time_passed_while_waiting_publishes_at_once(
    team_bot: RunningBot,
) -> None:
    bot = team_bot  # 06:18 in London
    preview = await preview_of_draft(bot, EDITOR)
    await bot.press(preview, "post:submit_at", replies=1, user_id=EDITOR)
    await says(bot, EDITOR, "07:00")
    question = await question_for(bot, PUBLISHER, 0)
    bot.clock.now = PAGE_TIME + timedelta(hours=2)  # 08:18: the time has passed
    await bot.press(question, "approval:approve:1", user_id=PUBLISHER)
    said = await new_message_starting(bot, PUBLISHER, "Submission 1 is approved.", 3)
    assert (said.text or "").startswith(
        "Submission 1 is approved. Its release time had passed, so it is published now."
        " Published as /read_12."
    )
    told = await new_message_starting(bot, EDITOR, "Your submission", 0)
    assert "Its release time had passed, so it was published at once as /read_12." in (
        told.text or ""
    )
    for reader in READERS:
        await bot.fake.wait_for_messages(reader, 2)


async def test_request_changes_sends_the_note_and_the_draft_back(team_bot: RunningBot) -> None:
    bot = team_bot
    question = await submit(bot, EDITOR, (PUBLISHER, OWNER))
    owners = await question_for(bot, OWNER, 0)
    bot.mark_seen(PUBLISHER)
    bot.mark_seen(EDITOR)
    await bot.press(question, "approval:changes:1", replies=1, user_id=PUBLISHER)
    assert bot.fake.messages(PUBLISHER)[-1].text == (
        "What should Olga (id 9100) change in submission 1? Send a note: it goes back to them"
        " with the draft. /cancel keeps the submission waiting."
    )
    [dropped] = await says(bot, PUBLISHER, "/cancel")
    assert dropped.text == approval_texts.NOTE_DROPPED
    pending = await bot.database.submissions.get(1)
    assert pending is not None and pending.status is SubmissionStatus.PENDING
    [chat] = await says(bot, PUBLISHER, "hello")
    assert "/help" in (chat.text or "")  # no note asked: an ordinary message again

    await bot.press(question, "approval:changes:1", replies=1, user_id=PUBLISHER)
    [too_long] = await says(bot, PUBLISHER, "x" * 1001)
    assert too_long.text == (
        "That note is too long (1001 characters; at most 1000). Send a shorter one."
    )
    [sent_back] = await says(bot, PUBLISHER, "Please add the <time> of the meeting.")
    assert sent_back.text == "Submission 1 is sent back to Olga (id 9100) with your note."
    # The editor: the note, then the draft's preview again, with its buttons.
    told, intro, preview = await bot.new_messages(EDITOR, 3)
    assert told.text == (
        "Petr (id 9002) asked for changes to your submission 1 (“Embassy statement on the"
        " <b>visit</b>”):\n\nPlease add the <time> of the meeting.\n\nThe draft is yours again:"
        " its preview follows, where you can rewrite a version and submit it again."
    )
    assert intro.text == admin_texts.preview_intro(False, EN)
    assert (preview.text or "").startswith(TITLE)
    assert "Submit for approval" in buttons(preview) and "Add a Russian version" in buttons(
        preview
    )
    draft = await bot.database.drafts.get(EDITOR)
    assert draft is not None and draft.stage is DraftStage.PREVIEW and draft.title == TITLE
    assert current(bot, question).reply_markup is None
    assert current(bot, owners).reply_markup is None
    decided = await bot.database.submissions.get(1)
    assert decided is not None and decided.status is SubmissionStatus.CHANGES_REQUESTED
    assert decided.note == "Please add the <time> of the meeting."
    # The owner presses the old message's button (as if it had not gone): decided already.
    answer = await forge(bot, owners, "approval:approve:1", OWNER)
    assert answer == "Submission 1 was decided already: sent back for changes by Petr (id 9002)."
    # Submitted again, it is a new submission.
    await bot.press(preview, "post:submit", replies=1, user_id=EDITOR)
    assert (bot.fake.messages(EDITOR)[-1].text or "").startswith(
        "Submitted for approval as submission 2"
    )
    rows = [(a, actor, d.get("note")) for a, actor, d in await audit_rows(bot)]
    note = "Please add the <time> of the meeting."
    assert (AuditAction.CHANGES_REQUESTED, PUBLISHER, note) in rows


async def test_a_draft_in_progress_waits_for_the_submission_sent_back(
    team_bot: RunningBot,
) -> None:
    bot = team_bot
    question = await submit(bot, EDITOR, (PUBLISHER,))
    await says(bot, EDITOR, "/post")
    await says(bot, EDITOR, "Another title")  # a second draft, begun meanwhile
    await bot.press(question, "approval:changes:1", replies=1, user_id=PUBLISHER)
    await says(bot, PUBLISHER, "Shorter, please.")
    [told] = await bot.new_messages(EDITOR, 1)
    assert (told.text or "").endswith(
        "You have another draft in progress: finish it or /cancel it, then press the button to"
        " reopen this one."
    )
    assert buttons(told) == {"Reopen submission 1": "approval:reopen:1"}
    draft = await bot.database.drafts.get(EDITOR)
    assert draft is not None and draft.title == "Another title"  # untouched
    assert await press(bot, told, "approval:reopen:1", EDITOR) == approval_texts.REOPEN_LATER
    assert await forge(bot, told, "approval:reopen:1", PUBLISHER) == approval_texts.NOT_YOURS
    await says(bot, EDITOR, "/cancel")
    await bot.press(told, "approval:reopen:1", replies=2, user_id=EDITOR)
    preview = bot.fake.messages(EDITOR)[-1]
    assert (preview.text or "").startswith(TITLE) and "Submit for approval" in buttons(preview)
    assert current(bot, told).reply_markup is None
    draft = await bot.database.drafts.get(EDITOR)
    assert draft is not None and draft.title == TITLE and draft.stage is DraftStage.PREVIEW


async def test_reject_tells_the_author_and_publishes_nothing(team_bot: RunningBot) -> None:
    bot = team_bot
    question = await submit(bot, EDITOR, (PUBLISHER, OWNER))
    owners = await question_for(bot, OWNER, 0)
    bot.mark_seen(EDITOR)
    await bot.press(question, "approval:reject:1", replies=1, user_id=PUBLISHER)
    assert bot.fake.messages(PUBLISHER)[-1].text == (
        "Submission 1 is rejected; Olga (id 9100) is told."
    )
    [told] = await bot.new_messages(EDITOR, 1)
    assert told.text == (
        f"Petr (id 9002) rejected your submission 1 (“{TITLE}”). Nothing was published."
    )
    assert current(bot, owners).reply_markup is None
    assert await bot.database.items.count() == 11
    assert await bot.database.drafts.get(EDITOR) is None
    [*_, (action, actor, _)] = await audit_rows(bot)
    assert (action, actor) == (AuditAction.REJECTED, PUBLISHER)


async def test_two_publishers_approving_at_once_publish_it_once(team_bot: RunningBot) -> None:
    bot = team_bot
    question = await submit(bot, EDITOR, (PUBLISHER, OWNER))
    owners = await question_for(bot, OWNER, 0)
    # Both presses are in the queue before the bot takes either.
    first = bot.send_callback(question, "approval:approve:1", user_id=PUBLISHER)
    second = bot.send_callback(owners, "approval:approve:1", user_id=OWNER)
    answered = bot.fake.answered_callbacks
    await bot.fake.wait_until(lambda: first in answered and second in answered)
    assert answered[first].get("text") is None  # the first decides
    assert answered[second]["text"] == (
        "Submission 1 was decided already: approved by Petr (id 9002)."
    )
    for reader in READERS:
        await bot.fake.wait_for_messages(reader, 2)
    await new_message_starting(bot, PUBLISHER, "Delivery report", 0)
    assert await bot.database.items.count() == 12
    for reader in READERS:  # the welcome and one copy, no second
        assert len(bot.fake.messages(reader)) == 2
    assert not any(
        (m.text or "").startswith("Submission 1 is approved") for m in bot.fake.messages(OWNER)
    )
    approvals = [a for a, _, _ in await audit_rows(bot) if a is AuditAction.APPROVED]
    assert len(approvals) == 1


async def test_a_submission_survives_a_restart(fake_api: FakeBotApi, tmp_path: Path) -> None:
    clock = SettableClock(PAGE_TIME)
    first = make_bot(fake_api, tmp_path / "bot.sqlite3", clock, **settings())
    await start_bot(first.application)
    await add_team(first, (PUBLISHER, Role.PUBLISHER), (EDITOR, Role.EDITOR))
    await first.say("/start", chat_id=READERS[0], user_id=READERS[0])
    question = await submit(first, EDITOR, (PUBLISHER,))
    await stop_bot(first.application)

    second = make_bot(fake_api, tmp_path / "bot.sqlite3", clock, **settings())
    second.seen = dict(first.seen)
    await start_bot(second.application)
    try:
        await second.press(question, "approval:approve:1", user_id=PUBLISHER)
        said = await new_message_starting(second, PUBLISHER, "Submission 1 is approved.", 3)
        assert (said.text or "").startswith("Submission 1 is approved. Published as /read_12.")
        await fake_api.wait_for_messages(READERS[0], 2)
        assert (fake_api.messages(READERS[0])[-1].text or "").startswith(TITLE)
        await new_message_starting(second, EDITOR, "Your submission 1", 0)
    finally:
        await stop_bot(second.application)


async def test_forged_decisions_from_an_editor_or_a_reader_are_refused(
    team_bot: RunningBot,
) -> None:
    bot = team_bot
    question = await submit(bot, EDITOR, (PUBLISHER,))
    [anchor] = await bot.say("/help", chat_id=READERS[0], user_id=READERS[0])
    editor_answer = await forge(bot, question, "approval:approve:1", EDITOR)
    assert editor_answer == EDITOR_REFUSED
    reader_answer = await forge(bot, anchor, "approval:approve:1", READERS[0])
    assert reader_answer == team_texts.NOT_MEMBER
    for data in ("approval:reject:1", "approval:changes:1"):
        await forge(bot, question, data, EDITOR)
    pending = await bot.database.submissions.get(1)
    assert pending is not None and pending.status is SubmissionStatus.PENDING
    assert await bot.database.items.count() == 11
    refused = [
        (actor, details["tried"])
        for action, actor, details in await audit_rows(bot)
        if action is AuditAction.REFUSED
    ]
    assert refused == [
        (EDITOR, "approval:approve:1"),
        (READERS[0], "approval:approve:1"),
        (EDITOR, "approval:reject:1"),
        (EDITOR, "approval:changes:1"),
    ]
    # A publisher's forged press of a submission that does not exist changes nothing.
    answer = await forge(bot, question, "approval:approve:99", PUBLISHER)
    assert answer == approval_texts.UNKNOWN


async def test_a_forged_publish_from_an_editor_publishes_nothing(team_bot: RunningBot) -> None:
    bot = team_bot
    preview = await preview_of_draft(bot, EDITOR)
    for data in ("post:publish", "post:schedule"):
        answer = await forge(bot, preview, data, EDITOR)
        assert answer == EDITOR_REFUSED
    assert await bot.database.items.count() == 11
    assert await bot.database.items.scheduled() == []
    draft = await bot.database.drafts.get(EDITOR)
    assert draft is not None and draft.stage is DraftStage.PREVIEW  # still theirs to submit
    refused = [
        details["tried"]
        for action, actor, details in await audit_rows(bot)
        if action is AuditAction.REFUSED and actor == EDITOR
    ]
    assert refused == ["post:publish", "post:schedule"]


async def test_two_person_mode_needs_a_second_member(two_person_bot: RunningBot) -> None:
    bot = two_person_bot
    await bot.say("/start", chat_id=READERS[0], user_id=READERS[0])
    preview = await preview_of_draft(bot, OWNER)  # the owner's own release
    assert "Submit for approval" in buttons(preview) and "Publish" not in buttons(preview)
    answer = await forge(bot, preview, "post:publish", OWNER)
    assert answer == approval_texts.NEEDS_APPROVAL
    assert await bot.database.items.count() == 11
    await bot.press(preview, "post:submit", replies=1, user_id=OWNER)
    assert bot.fake.messages(OWNER)[-1].text == (
        "Submitted for approval as submission 1: 1 publisher was asked."
        " You will be told of the decision."
    )
    question = await question_for(bot, PUBLISHER, 0)
    heading = bot.fake.messages(PUBLISHER)[0]
    assert (heading.text or "").startswith("Submission 1 from Irina (id 9001),")
    # The owner cannot approve their own, even by a forged press.
    [anchor] = await says(bot, OWNER, "/help")
    answer = await forge(bot, anchor, "approval:approve:1", OWNER)
    assert answer == approval_texts.OWN_SUBMISSION
    assert await bot.database.items.count() == 11
    await bot.press(question, "approval:approve:1", user_id=PUBLISHER)
    await fake_wait_release(bot, READERS[0])
    told = await new_message_starting(bot, OWNER, "Your submission 1", 0)
    assert "was approved by Petr (id 9002) and published as /read_12." in (told.text or "")
    refusals = [
        (actor, details["needs"])
        for action, actor, details in await audit_rows(bot)
        if action is AuditAction.REFUSED
    ]
    assert refusals == [(OWNER, "approval"), (OWNER, "another member")]


async def fake_wait_release(bot: RunningBot, reader: int) -> None:
    await bot.fake.wait_for_messages(reader, 2)
    assert (bot.fake.messages(reader)[-1].text or "").startswith(TITLE)


async def test_two_person_mode_covers_corrections_and_withdrawals(
    two_person_bot: RunningBot,
) -> None:
    bot = two_person_bot
    # A correction of item 11 by the owner: Submit the correction, approved by the publisher.
    await says_until(bot, OWNER, "/edit 11", "Correcting item 11")
    await says(bot, OWNER, "Corrected title")
    preview = await says_until(bot, OWNER, "/skip", "Corrected title")
    assert buttons(preview)["Submit the correction"] == "post:submit"
    assert "Confirm" not in buttons(preview)
    assert await forge(bot, preview, "post:confirm", OWNER) == approval_texts.NEEDS_APPROVAL
    await bot.press(preview, "post:submit", replies=1, user_id=OWNER)
    question = await question_for(bot, PUBLISHER, 0)
    heading = bot.fake.messages(PUBLISHER)[0]
    assert "A correction of item 11" in (heading.text or "")
    await bot.press(question, "approval:approve:1", replies=1, user_id=PUBLISHER)
    assert (bot.fake.messages(PUBLISHER)[-1].text or "").startswith(
        "Submission 1 is approved. Item 11 is corrected."
    )
    item = await bot.database.items.get(11)
    assert item is not None and item.title == "Corrected title"
    told = await new_message_starting(bot, OWNER, "Your submission 1", 0)
    assert told.text == (
        "Your submission 1 (correction of item 11) was approved by Petr (id 9002): the"
        " delivered copies are being corrected."
    )
    # A withdrawal of item 11 by the owner: submitted from /delete, approved.
    before = len(bot.fake.messages(PUBLISHER))
    [ask] = await says(bot, OWNER, "/delete 11")
    await bot.press(ask, "withdraw:11", replies=1, user_id=OWNER)
    assert (bot.fake.messages(OWNER)[-1].text or "").startswith(
        "Submitted for approval as submission 2: 1 publisher was asked."
    )
    item = await bot.database.items.get(11)
    assert item is not None and item.status is ItemStatus.PUBLISHED  # not yet
    question = await question_for(bot, PUBLISHER, before)
    assert "Request changes" not in buttons(question)  # a withdrawal has no draft to change
    await bot.press(question, "approval:approve:2", replies=1, user_id=PUBLISHER)
    assert (bot.fake.messages(PUBLISHER)[-1].text or "").startswith(
        "Submission 2 is approved. Item 11 is withdrawn."
    )
    item = await bot.database.items.get(11)
    assert item is not None and item.status is ItemStatus.WITHDRAWN
    told = await new_message_starting(bot, OWNER, "Your submission 2", 0)
    assert "(withdrawal of item 11) was approved by Petr (id 9002): the item is withdrawn." in (
        told.text or ""
    )
    trail = [(a, actor) for a, actor, _ in await audit_rows(bot)]
    assert (AuditAction.CORRECTED, PUBLISHER) in trail
    assert trail[-3:] == [
        (AuditAction.SUBMITTED, OWNER),
        (AuditAction.APPROVED, PUBLISHER),
        (AuditAction.WITHDRAWN, PUBLISHER),
    ]


async def test_with_nobody_to_approve_nothing_is_submitted(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    bot = make_bot(
        fake_api,
        tmp_path / "bot.sqlite3",
        SettableClock(PAGE_TIME),
        **settings(approval="two-person"),
    )
    await start_bot(bot.application)
    try:
        await add_team(bot)
        preview = await preview_of_draft(bot, OWNER)  # the only member
        await bot.press(preview, "post:submit", replies=1, user_id=OWNER)
        assert bot.fake.messages(OWNER)[-1].text == approval_texts.NOBODY_TO_APPROVE
        assert buttons(current(bot, preview))  # the buttons stay: submit once someone can
        draft = await bot.database.drafts.get(OWNER)
        assert draft is not None and draft.stage is DraftStage.PREVIEW
        assert await bot.database.submissions.pending() == []
        [ask] = await says(bot, OWNER, "/delete 11")
        await bot.press(ask, "withdraw:11", replies=1, user_id=OWNER)
        assert bot.fake.messages(OWNER)[-1].text == approval_texts.NOBODY_TO_APPROVE_WITHDRAWAL
        assert await bot.database.submissions.pending() == []
    finally:
        await stop_bot(bot.application)


async def test_an_approval_that_can_no_longer_be_done_is_said_to_both(
    team_bot: RunningBot,
) -> None:
    bot = team_bot
    # The editor's correction of item 11 (in the default mode an editor submits it too).
    await says_until(bot, EDITOR, "/edit 11", "Correcting item 11")
    await says(bot, EDITOR, "Corrected title")
    preview = await says_until(bot, EDITOR, "/skip", "Corrected title")
    assert "Submit the correction" in buttons(preview) and "Confirm" not in buttons(preview)
    assert await forge(bot, preview, "post:confirm", EDITOR) == EDITOR_REFUSED
    await bot.press(preview, "post:submit", replies=1, user_id=EDITOR)
    question = await question_for(bot, PUBLISHER, 0)
    # Meanwhile the owner withdraws item 11 (in this mode the owner needs nobody).
    await question_for(bot, OWNER, 0)  # the owner was asked too
    [ask] = await says(bot, OWNER, "/delete 11")
    await bot.press(ask, "withdraw:11", replies=1, user_id=OWNER)
    assert (bot.fake.messages(OWNER)[-1].text or "").startswith("Item 11 is withdrawn.")
    bot.mark_seen(EDITOR)
    await bot.press(question, "approval:approve:1", replies=1, user_id=PUBLISHER)
    assert bot.fake.messages(PUBLISHER)[-1].text == (
        "Item 11 is not published, so it can't be corrected."
    )
    [told] = await bot.new_messages(EDITOR, 1)
    assert told.text == (
        "Your submission 1 (correction of item 11) was approved by Petr (id 9002), but it"
        " could not be done: Item 11 is not published, so it can't be corrected."
    )
    item = await bot.database.items.get(11)
    assert item is not None and item.status is ItemStatus.WITHDRAWN
    assert item.title != "Corrected title"
