"""End to end: the team's promises where things go wrong. A refused invite's token stays out of
the audit trail, a former owner's invites stop working, a member leaving closes what they had
waiting, an approval that fails waits again, a note asked never swallows a draft, /pending
shows what nobody received, and each role sees only the commands it may use."""

from __future__ import annotations

import re
import sqlite3

from harness import RunningBot
from pressbot.core.team import AuditAction, Role, SubmissionStatus
from pressbot.texts import approval as approval_texts
from test_bot_approval import (
    EDITOR,
    OWNER,
    PUBLISHER,
    buttons,
    current,
    new_message_starting,
    preview_of_draft,
    question_for,
    says,
    submit,
    team_bot,
)

__all__ = ["team_bot"]  # the fixture, used by name

_LINK = re.compile(r"start=(join_[A-Za-z0-9_-]+)")


async def invite_payload(bot: RunningBot, owner: int, role: str) -> str:
    [reply] = await says(bot, owner, f"/team invite {role}")
    match = _LINK.search(reply.text or "")
    assert match is not None, reply.text
    return match.group(1)


async def test_a_refused_invite_keeps_its_token_out_of_the_audit_trail(
    team_bot: RunningBot,
) -> None:
    bot = team_bot
    payload = await invite_payload(bot, OWNER, "owner")
    # The owner tries the link himself: refused (an owner already), the link stays unused...
    await says(bot, OWNER, f"/start {payload}")
    rows = await bot.database.audit.latest(50)
    [refusal] = [row for row in rows if row.action is AuditAction.REFUSED]
    assert refusal.details["tried"] == "/start join_…"
    # ...and a publisher reading /audit learns nothing that would make them an owner.
    [shown] = await says(bot, PUBLISHER, "/audit")
    assert payload.removeprefix("join_") not in (shown.text or "")
    with sqlite3.connect(bot.application.bot_data.ready().settings.db_path) as raw:
        tokens = [row[0] for row in raw.execute("SELECT token FROM invites")]
    assert tokens and all(payload.removeprefix("join_") not in t for t in tokens)


async def test_an_owner_removed_loses_the_invites_they_made(team_bot: RunningBot) -> None:
    bot = team_bot
    await bot.database.team.set_role(PUBLISHER, Role.OWNER, by=OWNER, now=bot.clock())
    payload = await invite_payload(bot, PUBLISHER, "owner")
    await says(bot, OWNER, f"/team remove {PUBLISHER}")
    bot.mark_seen(PUBLISHER)  # told of the removal
    [refused] = await says(bot, PUBLISHER, f"/start {payload}")
    assert "whoever made it no longer manages the team" in (refused.text or "")
    assert await bot.database.team.get(PUBLISHER) is None


async def test_a_member_removed_has_what_they_submitted_closed(team_bot: RunningBot) -> None:
    bot = team_bot
    question = await submit(bot, EDITOR, (PUBLISHER, OWNER))
    await says(bot, OWNER, f"/team remove {EDITOR}")
    closed = await bot.database.submissions.get(1)
    assert closed is not None and closed.status is SubmissionStatus.REJECTED
    query = await bot.press(question, "approval:approve:1", user_id=PUBLISHER)
    assert "decided already" in str(bot.fake.answered_callbacks[query].get("text"))
    assert await bot.database.items.count() == 11  # nothing published


async def test_an_approval_that_fails_waits_again(team_bot: RunningBot) -> None:
    bot = team_bot
    question = await submit(bot, EDITOR, (PUBLISHER,))
    db_path = bot.application.bot_data.ready().settings.db_path
    # The disk refuses the item (a real SQLite failure, raised by the database itself).
    with sqlite3.connect(db_path) as raw:
        raw.execute(
            "CREATE TRIGGER no_room BEFORE INSERT ON items"
            " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    before = len(bot.fake.messages(PUBLISHER))
    bot.send_callback(question, "approval:approve:1", user_id=PUBLISHER)
    sorry = await new_message_starting(bot, PUBLISHER, "Sorry", before)
    assert sorry.text == "Sorry, something went wrong. Please try again in a minute."
    waiting = await bot.database.submissions.get(1)
    assert waiting is not None and waiting.status is SubmissionStatus.PENDING
    assert "Approve" in buttons(current(bot, question))  # still there, to try again
    actions = [row.action for row in await bot.database.audit.latest(10)]
    assert actions[:2] == [AuditAction.APPROVAL_FAILED, AuditAction.APPROVED]
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER no_room")
    before = len(bot.fake.messages(PUBLISHER))
    bot.send_callback(question, "approval:approve:1", user_id=PUBLISHER)
    await new_message_starting(bot, PUBLISHER, "Submission 1 is approved.", before)
    assert await bot.database.items.count() == 12


async def test_a_note_asked_never_swallows_a_draft(team_bot: RunningBot) -> None:
    bot = team_bot
    question = await submit(bot, EDITOR, (PUBLISHER,))
    await bot.press(question, "approval:changes:1", replies=1, user_id=PUBLISHER)
    dropped, ask_title = await says(bot, PUBLISHER, "/post", replies=2)
    assert dropped.text == approval_texts.NOTE_DROPPED
    assert "title" in (ask_title.text or "")
    await says(bot, PUBLISHER, "Unpublished title")
    draft = await bot.database.drafts.get(PUBLISHER)
    assert draft is not None and draft.title == "Unpublished title"
    waiting = await bot.database.submissions.get(1)
    assert waiting is not None and waiting.status is SubmissionStatus.PENDING
    assert not any("Unpublished" in (m.text or "") for m in bot.fake.messages(EDITOR))


async def test_pending_shows_a_submission_nobody_received(team_bot: RunningBot) -> None:
    bot = team_bot
    await bot.database.team.remove(PUBLISHER, by=OWNER, now=bot.clock())
    await submit(bot, EDITOR, (OWNER,))
    await bot.database.team.set_role(PUBLISHER, Role.PUBLISHER, by=OWNER, now=bot.clock())
    before = len(bot.fake.messages(PUBLISHER))
    bot.fake.user_sends("/pending", chat_id=PUBLISHER, user_id=PUBLISHER)
    question = await question_for(bot, PUBLISHER, before)
    assert question.text == "Submission 1: approve it, ask for changes, or reject it?"
    before = len(bot.fake.messages(PUBLISHER))
    bot.send_callback(question, "approval:approve:1", user_id=PUBLISHER)
    await new_message_starting(bot, PUBLISHER, "Submission 1 is approved.", before)
    assert await bot.database.items.count() == 12
    [none] = await says(bot, OWNER, "/pending")
    assert none.text == approval_texts.NOTHING_PENDING


async def test_each_role_sees_only_the_commands_it_may_use(team_bot: RunningBot) -> None:
    bot = team_bot
    lines = {}
    for user in (EDITOR, PUBLISHER, OWNER):
        [shown] = await says(bot, user, "/help")
        lines[user] = shown.text or ""
    assert "/post" in lines[EDITOR] and "/delete" not in lines[EDITOR]
    assert "/audit" not in lines[EDITOR] and "/team" not in lines[EDITOR]
    assert "/delete" in lines[PUBLISHER] and "/team" not in lines[PUBLISHER]
    assert "/team" in lines[OWNER] and "/pending" in lines[OWNER]


async def test_no_release_goes_out_without_its_audit_row(team_bot: RunningBot) -> None:
    bot = team_bot
    preview = await preview_of_draft(bot, OWNER)
    db_path = bot.application.bot_data.ready().settings.db_path
    # The trail cannot take the row (a real SQLite failure, raised by the database itself):
    # the release, written in the same transaction, is not published either.
    with sqlite3.connect(db_path) as raw:
        raw.execute(
            "CREATE TRIGGER no_room BEFORE INSERT ON audit WHEN NEW.action = 'published'"
            " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    before = len(bot.fake.messages(OWNER))
    bot.send_callback(preview, "post:publish", user_id=OWNER)
    sorry = await new_message_starting(bot, OWNER, "Sorry", before)
    assert sorry.text == "Sorry, something went wrong. Please try again in a minute."
    assert await bot.database.items.count() == 11
    assert await bot.database.outbox.recent(5) == []
    assert all(len(bot.fake.messages(reader)) == 1 for reader in (2001, 2002))  # /start only
