"""`pressbot run` says at start, in one line, who the bot is and what it serves; with nobody
who may publish, a warning says so. A real process against the fake Bot API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from conftest import SEED_FILE
from fakes import FakeBotApi
from harness import TOKEN
from pressbot.core.models import ChatType
from pressbot.core.team import Role
from pressbot.storage import open_database
from test_cli import run_cli, run_until_logged

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
NOBODY = "nobody can publish. Set PRESSBOT_ADMIN_IDS"


async def prepared(tmp_path: Path, subscribers: int, members: dict[int, Role]) -> None:
    """The seed page, `subscribers` private chats subscribed, and a team added from Telegram."""
    code, _, err = await run_cli(tmp_path, "import", str(SEED_FILE))
    assert code == 0, err
    database = await open_database(tmp_path / "cli.sqlite3")
    try:
        for chat_id in range(1, subscribers + 1):
            await database.subscribers.subscribe(chat_id, ChatType.PRIVATE, "en", NOW)
        await database.subscribers.unsubscribe(1, NOW)  # a reader who left is not counted
        for user_id, role in members.items():
            await database.team.set_role(user_id, role, by=0, now=NOW, name=f"m{user_id}")
    finally:
        await database.close()


async def start_up_log(tmp_path: Path, fake_api: FakeBotApi, **variables: str) -> str:
    """Start `pressbot run`, read its log until the start line, stop it; return the log."""
    variables = {"BOT_TOKEN": TOKEN, "API_BASE_URL": fake_api.base_url, **variables}
    _, log = await run_until_logged(tmp_path, "serving @", 30, **variables)
    return log


async def test_the_start_line_names_the_bot_its_admins_file_readers_and_mode(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    await prepared(tmp_path, 1_205, {501: Role.EDITOR, 502: Role.EDITOR})
    log = await start_up_log(tmp_path, fake_api, ADMIN_IDS="7,8,9")
    db = tmp_path / "cli.sqlite3"
    expected = (
        f"serving @pressbot_test_bot: 3 admins, 2 team members, {db}, 1,204 subscribers, polling"
    )
    [line] = [line for line in log.splitlines() if "serving @" in line]  # one line, once
    assert line.endswith(expected) and "INFO" in line
    assert NOBODY not in log
    assert TOKEN not in log and TOKEN.partition(":")[2] not in log


async def test_with_no_admins_and_no_publisher_the_start_warns_that_nobody_can_publish(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    await prepared(tmp_path, 1, {501: Role.EDITOR})  # an editor submits, never publishes
    log = await start_up_log(tmp_path, fake_api)
    assert "serving @pressbot_test_bot: 0 admins, 1 team member," in log
    assert ", 0 subscribers, polling" in log
    [warning] = [line for line in log.splitlines() if NOBODY in line]
    assert "WARNING" in warning and "PRESSBOT_ADMIN_IDS is empty" in warning


async def test_a_publisher_added_from_telegram_can_publish_without_configured_admins(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    await prepared(tmp_path, 2, {501: Role.PUBLISHER})
    log = await start_up_log(tmp_path, fake_api)
    assert "0 admins, 1 team member," in log and ", 1 subscriber, polling" in log
    assert NOBODY not in log
