"""Each role's rights end to end: every team command and button, sent by a reader, an editor,
a publisher and an owner, is refused (and the refusal recorded) or let through, as
core.team.RIGHTS says, asked afresh at every update."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import PAGE_TIME
from fakes import FakeBotApi
from harness import RunningBot, SettableClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.core.team import AuditAction, Right, Role, may
from pressbot.ingest.texts import PUBLISH_PREFIX, SKIP_PREFIX
from pressbot.texts import team as team_texts
from pressbot.texts.approval import APPROVAL_PREFIX
from pressbot.texts.i18n import translator
from pressbot.texts.team import TEAM_CALLBACK_PREFIX
from pressbot.texts.waiting import MOVE_CALLBACK_PREFIX, UNDO_CALLBACK_PREFIX

EN = translator("en")
OWNER = 9001
USERS: dict[Role | None, int] = {
    None: 2001,
    Role.EDITOR: 3001,
    Role.PUBLISHER: 3002,
    Role.OWNER: OWNER,
}
MISSING = 999_999  # no item, entry or member has this id

#: Every team command, with what it needs; each answers in one message.
COMMANDS: dict[str, Right] = {
    "/post": Right.DRAFT,
    f"/edit {MISSING}": Right.DRAFT,
    "/done": Right.DRAFT,
    "/skip": Right.DRAFT,
    "/nomedia": Right.DRAFT,
    f"/delete {MISSING}": Right.PUBLISH,
    "/scheduled": Right.PUBLISH,
    f"/stats {MISSING}": Right.PUBLISH,  # one reply (/stats sends its chart after it)
    "/sources": Right.PUBLISH,
    f"/restore {MISSING}": Right.PUBLISH,
    "/audit": Right.PUBLISH,
    "/team": Right.TEAM,
    "/team invite editor": Right.TEAM,
    f"/team add {MISSING} editor": Right.TEAM,
    f"/team remove {MISSING}": Right.TEAM,
}
#: Every family of team buttons, forged with data a real button would carry.
BUTTONS: dict[str, Right] = {
    "kind:statement": Right.DRAFT,
    "post:publish": Right.DRAFT,  # the step itself asks again for Right.PUBLISH
    "version:ru": Right.DRAFT,
    f"withdraw:{MISSING}": Right.PUBLISH,
    f"unschedule:{MISSING}": Right.PUBLISH,
    f"{PUBLISH_PREFIX}:{MISSING}": Right.PUBLISH,
    f"{SKIP_PREFIX}:{MISSING}": Right.PUBLISH,
    f"{MOVE_CALLBACK_PREFIX}:{MISSING}": Right.PUBLISH,
    f"{UNDO_CALLBACK_PREFIX}:{MISSING}": Right.PUBLISH,
    f"{APPROVAL_PREFIX}:approve:{MISSING}": Right.PUBLISH,
    f"{APPROVAL_PREFIX}:changes:{MISSING}": Right.PUBLISH,
    f"{APPROVAL_PREFIX}:reject:{MISSING}": Right.PUBLISH,
    f"{APPROVAL_PREFIX}:reopen:{MISSING}": Right.DRAFT,
    f"{TEAM_CALLBACK_PREFIX}:role:{MISSING}:publisher": Right.TEAM,
    f"{TEAM_CALLBACK_PREFIX}:remove:{MISSING}": Right.TEAM,
}


@pytest.fixture
async def team_bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    bot = make_bot(
        fake_api, tmp_path / "bot.sqlite3", SettableClock(PAGE_TIME), admin_ids=frozenset({OWNER})
    )
    await start_bot(bot.application)
    for role in (Role.EDITOR, Role.PUBLISHER):
        await bot.database.team.set_role(USERS[role], role, by=OWNER, now=PAGE_TIME)
    yield bot
    await stop_bot(bot.application)


async def refusals(bot: RunningBot, user_id: int) -> list[dict[str, str]]:
    rows = await bot.database.audit.latest(1000)
    return [
        row.details
        for row in rows
        if row.action is AuditAction.REFUSED and row.actor_id == user_id
    ]


@pytest.mark.parametrize("role", list(USERS), ids=lambda role: str(role or "reader"))
async def test_each_role_may_do_what_its_rights_say_and_nothing_else(
    team_bot: RunningBot, role: Role | None
) -> None:
    user = USERS[role]
    refused: list[str] = []
    for command, right in COMMANDS.items():
        [reply] = await team_bot.say(command, chat_id=user, user_id=user)
        refusal = team_texts.refusal(role, right, EN)
        if may(role, right):
            assert reply.text != refusal, command
            assert reply.text != team_texts.NOT_MEMBER, command
        else:
            assert reply.text == refusal, command
            refused.append(command)
        if command == "/post" and may(role, right):
            await team_bot.say("/cancel", chat_id=user, user_id=user)
    [anchor] = await team_bot.say("/help", chat_id=user, user_id=user)
    for data, right in BUTTONS.items():
        query = team_bot.send_callback(anchor, data, user_id=user)
        await team_bot.fake.wait_until(lambda q=query: q in team_bot.fake.answered_callbacks)
        answer = team_bot.fake.answered_callbacks[query]
        refusal = team_texts.refusal(role, right, EN)
        if may(role, right):
            assert answer.get("text") != refusal, data
        else:
            assert answer.get("text") == refusal, data
            assert answer.get("show_alert") is True, data
            refused.append(data)
    # Every refusal is in the audit trail, with what was tried and the right it needed;
    # nothing a refused member tried changed anything.
    # (A reader's once a minute per command or button family: the first of each.)
    if role is None:
        firsts: dict[str, str] = {}
        for tried in refused:
            firsts.setdefault(tried.split()[0].partition(":")[0], tried)
        refused = list(firsts.values())
    # (Those of bad input, such as a decision on no submission, say a reason instead.)
    recorded = [row for row in await refusals(team_bot, user) if "needs" in row]
    assert sorted(row["tried"] for row in recorded) == sorted(refused)
    assert await team_bot.database.drafts.get(user) is None
    assert await team_bot.database.items.scheduled() == []


async def test_rights_are_asked_afresh_at_every_update(team_bot: RunningBot) -> None:
    editor = USERS[Role.EDITOR]
    [reply] = await team_bot.say(f"/stats {MISSING}", chat_id=editor, user_id=editor)
    assert reply.text == team_texts.refusal(Role.EDITOR, Right.PUBLISH, EN)
    await team_bot.database.team.set_role(editor, Role.PUBLISHER, by=OWNER, now=PAGE_TIME)
    [reply] = await team_bot.say(f"/stats {MISSING}", chat_id=editor, user_id=editor)
    assert reply.text != team_texts.refusal(Role.PUBLISHER, Right.PUBLISH, EN)
    await team_bot.database.team.remove(editor, by=OWNER, now=PAGE_TIME)
    [reply] = await team_bot.say(f"/stats {MISSING}", chat_id=editor, user_id=editor)
    assert reply.text == team_texts.NOT_MEMBER


async def test_a_refused_command_in_a_group_is_refused_before_anything_else(
    team_bot: RunningBot,
) -> None:
    group = -100_777
    reader = USERS[None]
    [reply] = await team_bot.say("/post", chat_id=group, user_id=reader, chat_type="supergroup")
    assert reply.text == team_texts.NOT_MEMBER
    [row] = await refusals(team_bot, reader)
    assert row["tried"] == "/post"
    assert row["role"] == "none"


async def test_a_reader_repeating_a_command_is_recorded_once_a_minute(
    team_bot: RunningBot,
) -> None:
    reader = USERS[None]
    for attempt in range(5):
        [reply] = await team_bot.say(f"/post {attempt}", chat_id=reader, user_id=reader)
        assert reply.text == team_texts.NOT_MEMBER
    [reply] = await team_bot.say("/stats", chat_id=reader, user_id=reader)
    assert [row["tried"] for row in await refusals(team_bot, reader)] == ["/stats", "/post 0"]
    team_bot.clock.now += timedelta(seconds=61)
    await team_bot.say("/post again", chat_id=reader, user_id=reader)
    assert len(await refusals(team_bot, reader)) == 3
    # A member's refusals are each recorded.
    editor = USERS[Role.EDITOR]
    for _ in range(3):
        await team_bot.say("/stats", chat_id=editor, user_id=editor)
    assert len(await refusals(team_bot, editor)) == 3
