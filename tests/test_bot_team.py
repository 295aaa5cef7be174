"""End to end: the team managed from Telegram. /whoami for anyone; owners add members by id
or by a one-time invite link, change roles and remove members from /team's buttons; bad
input, forged buttons and the last-owner rule change nothing and are recorded."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from conftest import PAGE_TIME
from fakes import FakeBotApi, SentMessage
from fakes.world import commands_scope_key
from harness import RunningBot, SettableClock, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.core.team import INVITE_LIFETIME, AuditAction, AuditEntry, Right, Role
from pressbot.texts import admin as admin_texts
from pressbot.texts import team as team_texts
from pressbot.texts.i18n import translator

EN = translator("en")
OWNER = 9001
EDITOR = 3001
JOINER = 3002
LATECOMER = 3003
READER = 2001
GROUP = -1001234567890
_LINK = re.compile(r"https://t\.me/pressbot_test_bot\?start=(join_[A-Za-z0-9_-]+)")


async def started(fake: FakeBotApi, db_path: Path, **settings: object) -> RunningBot:
    bot = make_bot(fake, db_path, SettableClock(PAGE_TIME), **settings)
    await start_bot(bot.application)
    return bot


@pytest.fixture
async def owner_bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot with one configured owner (PRESSBOT_ADMIN_IDS)."""
    bot = await started(fake_api, tmp_path / "bot.sqlite3", admin_ids=frozenset({OWNER}))
    yield bot
    await stop_bot(bot.application)


async def says(bot: RunningBot, user: int, text: str, replies: int = 1, **sender: object) -> str:
    [*_, last] = await bot.say(text, replies=replies, chat_id=user, user_id=user, **sender)
    return last.text or ""


async def told(bot: RunningBot, user: int) -> str:
    """The one new message a user got from the bot (not as a reply to them)."""
    [message] = await bot.new_messages(user, 1)
    return message.text or ""


async def audit(bot: RunningBot, action: AuditAction) -> list[AuditEntry]:
    """The audit rows of one kind, oldest first."""
    return [row for row in reversed(await bot.database.audit.latest(1000)) if row.action is action]


def has_team_menu(bot: RunningBot, user: int) -> bool:
    scope = commands_scope_key({"type": "chat", "chat_id": user})
    menus = [bot.fake.scoped_commands.get((scope, code)) for code in ("", "ru")]
    return all(m is not None and "post" in [c["command"] for c in m] for m in menus)


def menu_dropped(bot: RunningBot, user: int) -> bool:
    scope = commands_scope_key({"type": "chat", "chat_id": user})
    return all((scope, code) not in bot.fake.scoped_commands for code in ("", "ru"))


async def test_whoami_tells_anyone_their_id_and_role(owner_bot: RunningBot) -> None:
    bot = owner_bot
    assert await says(bot, READER, "/whoami") == (
        f"Your Telegram user id: {READER}\nYou are not in the press office's team."
    )
    assert await says(bot, OWNER, "/whoami") == (
        f"Your Telegram user id: {OWNER}\nYour role: owner (PRESSBOT_ADMIN_IDS)."
    )
    await bot.database.team.set_role(EDITOR, Role.EDITOR, by=OWNER, now=PAGE_TIME)
    assert await says(bot, EDITOR, "/whoami") == (
        f"Your Telegram user id: {EDITOR}\nYour role: editor."
    )
    # In a group too: the id is the sender's, not the group's.
    [reply] = await bot.say("/whoami", chat_id=GROUP, user_id=READER, chat_type="supergroup")
    assert reply.text.startswith(f"Your Telegram user id: {READER}\n")
    [code] = [e for e in reply.entities if e["type"] == "code"]
    assert reply.text[code["offset"] : code["offset"] + code["length"]] == str(READER)
    assert "whoami" in [c["command"] for c in bot.fake.commands]


async def test_an_owner_adds_an_editor_by_id_who_may_then_post(owner_bot: RunningBot) -> None:
    bot = owner_bot
    assert await says(bot, EDITOR, "/post") == team_texts.NOT_MEMBER
    reply = await says(bot, OWNER, f"/team add {EDITOR} editor")
    assert reply == f"User {EDITOR} is added to the team; role: editor."
    news = await told(bot, EDITOR)
    assert news.startswith("An owner added you to the press office's team. Your role: editor.")
    assert "/post" in news
    assert has_team_menu(bot, EDITOR)
    [ask_title] = await bot.say("/post", chat_id=EDITOR, user_id=EDITOR)
    assert ask_title.raw_text == admin_texts.ASK_TITLE
    assert await says(bot, READER, "/post") == team_texts.NOT_MEMBER
    member = await bot.database.team.get(EDITOR)
    assert member is not None and member.role is Role.EDITOR and member.added_by == OWNER
    [added] = await audit(bot, AuditAction.MEMBER_ADDED)
    assert (added.actor_id, added.details) == (OWNER, {"member": str(EDITOR), "role": "editor"})
    # The same again changes nothing and is said so.
    again = await says(bot, OWNER, f"/team add {EDITOR} editor")
    assert again == f"User {EDITOR} already has the role editor; nothing changed."
    assert len(await audit(bot, AuditAction.MEMBER_ADDED)) == 1


async def test_an_invite_link_works_once_and_for_24_hours(owner_bot: RunningBot) -> None:
    bot = owner_bot
    reply = await says(bot, OWNER, "/team invite publisher")
    assert reply.startswith("A one-time invite to the team, role: publisher.\nhttps://t.me/")
    assert "until 19 October 2018, 06:18 London · 08:18 Moscow" in reply
    match = _LINK.search(reply)
    assert match is not None
    payload = match.group(1)
    welcome = await says(bot, JOINER, f"/start {payload}", first_name="Bea")
    assert welcome.startswith("Welcome to the press office's team. Your role: publisher.\n")
    assert (await told(bot, OWNER)) == (
        f"Bea ({JOINER}) is in the team now, by your invite link; role: publisher."
    )
    member = await bot.database.team.get(JOINER)
    assert member is not None and (member.role, member.name) == (Role.PUBLISHER, "Bea")
    assert has_team_menu(bot, JOINER)
    assert not await bot.database.subscribers.is_active(JOINER)  # joining is not subscribing
    # The same link again, by someone else: refused, nothing changed.
    used = await says(bot, LATECOMER, f"/start {payload}")
    assert used == (
        "This invite link was used already. Ask an owner of the press office for a new one."
    )
    assert await bot.database.team.get(LATECOMER) is None
    # A new link, opened 24 hours later: expired.
    match = _LINK.search(await says(bot, OWNER, "/team invite editor"))
    assert match is not None
    bot.clock.now = PAGE_TIME + INVITE_LIFETIME
    expired = await says(bot, LATECOMER, f"/start {match.group(1)}")
    assert expired == (
        "This invite link expired on 19 October 2018, 06:18 London · 08:18 Moscow. Ask an owner"
        " of the press office for a new one."
    )
    unknown = await says(bot, LATECOMER, "/start join_nosuchtoken")
    assert unknown.startswith("This invite link is not valid.")
    assert await bot.database.team.get(LATECOMER) is None
    assert len(await audit(bot, AuditAction.INVITE_CREATED)) == 2
    [joined] = await audit(bot, AuditAction.MEMBER_JOINED)
    assert joined.actor_id == JOINER
    assert joined.details == {"member": str(JOINER), "role": "publisher", "invited by": str(OWNER)}
    refused = await audit(bot, AuditAction.REFUSED)
    assert [(r.actor_id, r.details["reason"]) for r in refused] == [
        (LATECOMER, "invite used"),
        (LATECOMER, "invite expired"),
        (LATECOMER, "invite unknown"),
    ]
    assert refused[0].details["tried"] == "/start join_…"  # the token kept out of the trail


async def test_bad_role_names_and_ids_are_refused_and_recorded(owner_bot: RunningBot) -> None:
    bot = owner_bot
    cases = {
        "/team invite chief": "“chief” is not a role.",
        f"/team add {EDITOR} chief": "“chief” is not a role.",
        "/team add anna editor": "“anna” is not a user id.",
        "/team add -5 editor": "“-5” is not a user id.",
        "/team add 0 editor": "“0” is not a user id.",
        "/team add 99999999999999999999 editor": "“99999999999999999999” is not a user id.",
        "/team remove <b>x</b>": "“<b>x</b>” is not a user id.",  # echoed as typed, escaped
    }
    for command, answer in cases.items():
        assert (await says(bot, OWNER, command)).startswith(answer), command
    usage = await says(bot, OWNER, "/team frobnicate")
    assert usage == EN(team_texts.USAGE)
    assert await bot.database.team.members() == []
    assert await audit(bot, AuditAction.INVITE_CREATED) == []
    refused = await audit(bot, AuditAction.REFUSED)
    assert [r.details["tried"] for r in refused] == list(cases)
    assert [r.details["reason"] for r in refused] == [
        "no such role",
        "no such role",
        *["not a user id"] * 5,
    ]
    assert {r.actor_id for r in refused} == {OWNER}


async def test_forged_team_buttons_are_refused_and_recorded(owner_bot: RunningBot) -> None:
    bot = owner_bot
    await bot.database.team.set_role(EDITOR, Role.EDITOR, by=OWNER, now=PAGE_TIME)
    for user, role in ((EDITOR, Role.EDITOR), (READER, None)):
        [anchor] = await bot.say("/help", chat_id=user, user_id=user)
        query = bot.send_callback(anchor, f"team:role:{EDITOR}:owner", user_id=user)
        await bot.fake.wait_until(lambda q=query: q in bot.fake.answered_callbacks)
        answer = bot.fake.answered_callbacks[query]
        assert answer["text"] == team_texts.refusal(role, Right.TEAM, EN)
        assert answer["show_alert"] is True
    # An owner's button with data no /team button carries: refused too.
    [anchor] = await bot.say("/help", chat_id=OWNER, user_id=OWNER)
    query = bot.send_callback(anchor, "team:role:abc:owner", user_id=OWNER)
    await bot.fake.wait_until(lambda: query in bot.fake.answered_callbacks)
    assert bot.fake.answered_callbacks[query]["text"] == EN(
        "This button does not work any more. Send /team for the current list."
    )
    member = await bot.database.team.get(EDITOR)
    assert member is not None and member.role is Role.EDITOR
    assert await audit(bot, AuditAction.ROLE_CHANGED) == []
    refused = await audit(bot, AuditAction.REFUSED)
    assert [(r.actor_id, r.details["tried"]) for r in refused] == [
        (EDITOR, f"team:role:{EDITOR}:owner"),
        (READER, f"team:role:{EDITOR}:owner"),
        (OWNER, "team:role:abc:owner"),
    ]
    assert [r.details.get("needs") for r in refused] == ["team", "team", None]
    assert refused[2].details["reason"] == "bad button"


def button(message: SentMessage, data: str) -> str:
    """The label of the button carrying `data` under the message."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    [label] = [b["text"] for row in rows for b in row if b.get("callback_data") == data]
    return str(label)


async def test_an_owner_changes_a_role_and_removes_a_member_from_the_buttons(
    owner_bot: RunningBot,
) -> None:
    bot = owner_bot
    await bot.database.team.set_role(EDITOR, Role.EDITOR, by=OWNER, now=PAGE_TIME, name="Ed")
    [listing] = await bot.say("/team", chat_id=OWNER, user_id=OWNER)
    assert listing.text.startswith(
        "The press office's team\n\nOwners set in PRESSBOT_ADMIN_IDS (change them there, not"
        f" here):\n• {OWNER}\n\nAdded from Telegram:\n• Ed ({EDITOR}) — editor\n"
    )
    # Buttons for the member, none for the configured owner.
    assert button(listing, f"team:role:{EDITOR}:publisher") == "Ed → publisher"
    assert button(listing, f"team:remove:{EDITOR}") == "Remove Ed"
    assert str(OWNER) not in str(listing.reply_markup)
    query = await bot.press(listing, f"team:role:{EDITOR}:publisher", user_id=OWNER)
    assert bot.fake.answered_callbacks[query]["text"] == (
        f"Ed ({EDITOR}): role changed from editor to publisher."
    )
    redrawn = bot.fake.messages(OWNER)[-1]
    assert redrawn.message_id == listing.message_id  # in place
    assert f"• Ed ({EDITOR}) — publisher" in (redrawn.text or "")
    assert button(redrawn, f"team:role:{EDITOR}:editor") == "Ed → editor"
    assert (await told(bot, EDITOR)).startswith(
        "Your role in the press office's team is now publisher."
    )
    assert has_team_menu(bot, EDITOR)
    # The member starts a draft; an owner removes them meanwhile.
    await says(bot, EDITOR, "/post")
    await says(bot, EDITOR, "Visa <b>rules</b>")
    assert await bot.database.drafts.get(EDITOR) is not None
    query = await bot.press(redrawn, f"team:remove:{EDITOR}", user_id=OWNER)
    assert bot.fake.answered_callbacks[query]["text"] == (
        f"Ed ({EDITOR}) is removed from the team. Their unfinished draft “Visa <b>rules</b>”"
        " was closed."
    )
    assert (await told(bot, EDITOR)) == (
        "You are no longer in the press office's team. Your unfinished draft"
        " “Visa <b>rules</b>” was closed."
    )
    assert await bot.database.drafts.get(EDITOR) is None
    assert await bot.database.team.members() == []
    emptied = bot.fake.messages(OWNER)[-1]
    assert "Nobody yet." in (emptied.text or "") and emptied.reply_markup is None
    assert menu_dropped(bot, EDITOR)
    assert await says(bot, EDITOR, "/post") == team_texts.NOT_MEMBER
    [changed] = await audit(bot, AuditAction.ROLE_CHANGED)
    assert (changed.actor_id, changed.details) == (
        OWNER,
        {"member": str(EDITOR), "from": "editor", "to": "publisher"},
    )
    [removed] = await audit(bot, AuditAction.MEMBER_REMOVED)
    assert (removed.actor_id, removed.details) == (
        OWNER,
        {"member": str(EDITOR), "role": "publisher"},
    )


async def test_a_member_who_never_started_the_bot_is_added_and_removed_all_the_same(
    owner_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = owner_bot
    stranger = 3009
    bot.fake.unknown_chat(stranger)
    with caplog.at_level(logging.WARNING):
        assert (await says(bot, OWNER, f"/team add {stranger} editor")).endswith("role: editor.")
        assert (await says(bot, OWNER, f"/team remove {stranger}")) == (
            f"User {stranger} is removed from the team."
        )
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(f"could not tell {stranger}" in w for w in warnings)
    assert await bot.database.team.get(stranger) is None
    assert len(await audit(bot, AuditAction.MEMBER_REMOVED)) == 1


async def test_configured_owners_are_not_changed_from_the_bot(owner_bot: RunningBot) -> None:
    bot = owner_bot
    for command in (f"/team remove {OWNER}", f"/team add {OWNER} editor"):
        reply = await says(bot, OWNER, command)
        assert reply.startswith(f"User {OWNER} is an owner by PRESSBOT_ADMIN_IDS"), command
        assert "Change PRESSBOT_ADMIN_IDS" in reply
    assert await bot.database.team.members() == []
    refused = await audit(bot, AuditAction.REFUSED)
    assert [r.details["reason"] for r in refused] == ["configured owner"] * 2
    # A member who is no member cannot be removed either.
    assert await says(bot, OWNER, f"/team remove {EDITOR}") == (
        f"User {EDITOR} is not in the team; nothing changed."
    )


async def test_the_last_owner_is_neither_removed_nor_demoted(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    first, second = 5001, 5002
    bot = await started(fake_api, tmp_path / "bot.sqlite3")  # no configured owners
    try:
        await bot.database.team.set_role(first, Role.OWNER, by=first, now=PAGE_TIME, name="Olga")
        [listing] = await bot.say("/team", chat_id=first, user_id=first)
        assert "• Olga (5001) — owner" in listing.text
        assert listing.reply_markup is None  # nothing may be done to the last owner
        last = "Olga (5001) is the team's last owner, so cannot be removed or given another role."
        assert (await says(bot, first, f"/team remove {first}")).startswith(last)
        assert (await says(bot, first, f"/team add {first} editor")).startswith(last)
        query = bot.send_callback(listing, f"team:remove:{first}", user_id=first)
        await bot.fake.wait_until(lambda: query in bot.fake.answered_callbacks)
        assert bot.fake.answered_callbacks[query]["text"].startswith(last)
        # Nor by opening an invite for another role.
        match = _LINK.search(await says(bot, first, "/team invite editor"))
        assert match is not None
        assert (await says(bot, first, f"/start {match.group(1)}")).startswith(
            "You are the team's last owner"
        )
        member = await bot.database.team.get(first)
        assert member is not None and member.role is Role.OWNER
        # An owner may make another owner; then the first may step down.
        assert (await says(bot, first, f"/team add {second} owner")).endswith("role: owner.")
        assert (await says(bot, first, f"/team add {first} editor")) == (
            "Olga (5001): role changed from owner to editor."
        )
        assert await says(bot, first, "/team") == team_texts.refusal(Role.EDITOR, Right.TEAM, EN)
        assert (await told(bot, second)).startswith("An owner added you")
        assert (await says(bot, second, f"/team remove {second}")).startswith(
            "User 5002 is the team's last owner"
        )
        refused = await audit(bot, AuditAction.REFUSED)
        assert [r.details.get("reason") for r in refused] == ["last owner"] * 4 + [None] + [
            "last owner"
        ]
        # The invite stayed unused, but its maker stepped down since: it no longer works.
        assert (await says(bot, EDITOR, f"/start {match.group(1)}")).startswith(
            "This invite link no longer works: whoever made it no longer manages the team."
        )
    finally:
        await stop_bot(bot.application)


async def test_members_get_the_team_menu_at_start(fake_api: FakeBotApi, tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    bot = await started(fake_api, path, admin_ids=frozenset({OWNER}))
    await bot.database.team.set_role(EDITOR, Role.EDITOR, by=OWNER, now=PAGE_TIME)
    await stop_bot(bot.application)
    fake_api.scoped_commands.clear()
    bot = await started(fake_api, path, admin_ids=frozenset({OWNER}))
    try:
        assert has_team_menu(bot, OWNER) and has_team_menu(bot, EDITOR)
        assert not has_team_menu(bot, READER)
    finally:
        await stop_bot(bot.application)
