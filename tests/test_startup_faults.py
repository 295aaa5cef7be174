"""Start-up faults: a database that can't be used, a token Telegram refuses, no network.

Where an exit status or a hang is the point, `python -m pressbot …` runs as a real process,
as systemd or Docker run it, with a deadline: a process that does not exit fails the test.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import socket
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import DATA_DIR, PAGE_TIME
from fakes import FakeBotApi
from harness import TOKEN, RunningBot, SettableClock, bot_settings, make_bot
from lifecycle import start_bot, stop_bot
from pressbot.config import PLACEHOLDER_TOKEN
from pressbot.delivery.pacing import backoff_delay
from pressbot.ingest.items_file import seed_if_new
from pressbot.server.app import build_application
from pressbot.server.runner import Runner, start_retry_delay
from pressbot.storage import open_database
from pressbot.storage.migrations import SchemaError, check_schema_version
from pressbot.storage.schema import MIGRATIONS
from test_cli import pressbot_env, run_until_logged, stderr_at_exit

KNOWN = max(m.version for m in MIGRATIONS)
ROOT = Path(__file__).resolve().parents[1]
DEADLINE = 20.0  # seconds; each of these exits in one or two


# -- the rules, as pure functions -------------------------------------------------------------


def test_start_retries_wait_a_second_doubling_up_to_a_minute() -> None:
    assert [start_retry_delay(n) for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert start_retry_delay(10_000) == 60  # no overflow however long the outage
    assert [backoff_delay(n, 60, 3600) for n in (1, 2, 6, 7, 8)] == [60, 120, 1920, 3600, 3600]


def test_a_schema_newer_than_the_migrations_is_refused() -> None:
    check_schema_version(KNOWN)
    check_schema_version(0)  # a new file
    with pytest.raises(SchemaError, match=f"has schema version 99, .* knows \\({KNOWN}\\)"):
        check_schema_version(99)


def test_env_example_holds_the_placeholder_that_run_refuses() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert f"PRESSBOT_BOT_TOKEN={PLACEHOLDER_TOKEN}\n" in example


# -- broken databases -------------------------------------------------------------------------


async def real_database(path: Path) -> None:
    """A pressbot database of several pages, as a first start leaves it."""
    database = await open_database(path)
    await seed_if_new(database, DATA_DIR, PAGE_TIME)
    await database.close()


# Each turns a real pressbot database (or nothing, for the first two) into a broken one.


def random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(64 * 1024))


def another_programs(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("INSERT INTO notes (text) VALUES ('not ours')")


def golang_migrates(path: Path) -> None:
    """Another tool's schema_migrations table: integer versions, but not pressbot's."""
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE schema_migrations (version uint64, dirty bool)")
        db.execute("INSERT INTO schema_migrations VALUES (3, 0)")
        db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")


def truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def damaged_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    assert len(data) > 20 * 4096  # several pages, the damaged ones far from the schema's
    middle = len(data) // 4096 // 2 * 4096
    data[middle + 100 : middle + 8192] = b"\xa5" * (8192 - 100)  # two pages, headers and all
    path.write_bytes(bytes(data))


def newer_schema(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01')")


def read_only(path: Path) -> None:
    path.chmod(0o444)


#: kind: (whether it starts from a real database, the damage, what the line says after the name)
BROKEN: dict[str, tuple[bool, Callable[[Path], None], str]] = {
    "random bytes": (False, random_bytes, ": file is not a database"),
    "another program's": (
        False,
        another_programs,
        " is not a pressbot database (it has tables of another program: notes)",
    ),
    "golang-migrate's": (
        False,
        golang_migrates,
        " is not a pressbot database (it has tables of another program: schema_migrations, users)",
    ),
    "truncated": (True, truncated, " is damaged ("),
    "damaged pages": (True, damaged_pages, " is damaged ("),
    "newer schema": (
        True,
        newer_schema,
        f" has schema version 99, newer than this pressbot knows ({KNOWN})",
    ),
    "read-only": (True, read_only, " is read-only: "),
}


def held_to_file_modes() -> list[str]:
    """The command prefix under which root, too, can't write a file of mode 0444.

    The tests run as root, who writes any file whatever its mode. Without the capabilities
    CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, root is held to the mode like the unprivileged
    user that the systemd unit and the container run pressbot as.
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root writes a read-only file, and setpriv (util-linux) is not there")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]


async def pressbot(
    tmp_path: Path, *args: str, read_only: bool = False, **variables: str
) -> tuple[int, str]:
    """Run pressbot to its end within DEADLINE; the exit status and stderr."""
    prefix = held_to_file_modes() if read_only else []
    process = await asyncio.create_subprocess_exec(
        *prefix, sys.executable, "-m", "pressbot", *args,
        cwd=tmp_path,
        env=pressbot_env(tmp_path, **variables),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    err = await stderr_at_exit(process, DEADLINE)
    assert process.returncode is not None
    return process.returncode, err


COMMANDS = [
    *[("run", kind) for kind in BROKEN],
    *[("import", kind) for kind in BROKEN],
    ("console", "random bytes"),
    ("console", "newer schema"),
    ("import-url", "damaged pages"),
    ("import-url", "another program's"),
]


@pytest.mark.parametrize(("command", "kind"), COMMANDS)
async def test_a_database_that_cant_be_used_ends_the_process_with_one_line(
    fake_api: FakeBotApi, tmp_path: Path, command: str, kind: str
) -> None:
    db_path = tmp_path / "cli.sqlite3"
    from_real, damage, reason = BROKEN[kind]
    if from_real:
        await real_database(db_path)
    await asyncio.to_thread(damage, db_path)
    before = await asyncio.to_thread(db_path.read_bytes)
    args = {
        "run": ["run"],
        "import": ["import", str(DATA_DIR / "press_page_2018-10-18.json")],
        "console": ["console", "--db", str(db_path)],
        "import-url": ["import-url", "http://127.0.0.1:9/feed.xml"],
    }[command]
    code, err = await pressbot(
        tmp_path,
        *args,
        read_only=kind == "read-only",
        BOT_TOKEN=TOKEN,
        API_BASE_URL=fake_api.base_url,
    )
    assert code == 2, err
    assert "Traceback" not in err, err
    assert err.splitlines() == [err.rstrip("\n")], err  # one line, and only that
    assert err.startswith(f"pressbot: {db_path}{reason}"), err
    assert await asyncio.to_thread(db_path.read_bytes) == before  # nothing written
    if command == "run":
        assert [call.method for call in fake_api.calls] == ["getMe"]  # and nothing else sent


async def test_an_empty_sqlite_file_is_taken_as_a_new_database(tmp_path: Path) -> None:
    db_path = tmp_path / "cli.sqlite3"
    sqlite3.connect(db_path).close()  # 0 bytes: what `sqlite3 cli.sqlite3 .quit` leaves
    code, err = await pressbot(tmp_path, "import", str(DATA_DIR / "press_page_2018-10-18.json"))
    assert code == 0, err


async def test_a_bad_seed_file_at_the_first_start_ends_it_with_one_line(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    bad = seeds / "items.json"
    bad.write_text('{"format": "pressbot-items/1", "items": [{"kind": "memo"}]}', "utf-8")
    code, err = await pressbot(
        tmp_path, "run", BOT_TOKEN=TOKEN, API_BASE_URL=fake_api.base_url, DATA_DIR=str(seeds)
    )
    assert code == 2, err
    assert "Traceback" not in err, err
    *log, last = err.splitlines()  # after the log of the new database's migrations
    assert last.startswith(f"pressbot: {bad}: items.0."), err
    assert all("applied migration" in line for line in log), err


async def test_a_seed_folder_that_is_not_there_ends_the_first_start_with_one_line(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder"
    code, err = await pressbot(
        tmp_path, "run", BOT_TOKEN=TOKEN, API_BASE_URL=fake_api.base_url, DATA_DIR=str(missing)
    )
    assert code == 2, err
    assert "Traceback" not in err, err
    *log, last = err.splitlines()
    assert last == (
        f"pressbot: PRESSBOT_DATA_DIR {missing} does not exist;"
        " set PRESSBOT_SEED=false to start without the seed items"
    )
    assert all("applied migration" in line for line in log), err
    with contextlib.closing(sqlite3.connect(tmp_path / "cli.sqlite3")) as db:
        # Not marked as seeded: the next start, with the path put right, seeds it.
        assert db.execute("SELECT count(*) FROM meta WHERE key LIKE 'seeded%'").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM items").fetchone() == (0,)


async def test_with_seeding_off_a_new_database_starts_empty_and_stays_so(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    for seed in (False, True):  # switched on later (a forgotten line in .env): still empty
        running = make_bot(fake_api, db_path, SettableClock(PAGE_TIME), seed=seed)
        await start_bot(running.application)
        try:
            [reply] = await running.say("/latest")
            assert "Lavrov" not in (reply.text or "") and "Glushkov" not in (reply.text or "")
        finally:
            await stop_bot(running.application)
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        assert db.execute("SELECT count(*) FROM items").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM contacts").fetchone() == (0,)


# -- the token --------------------------------------------------------------------------------


async def test_the_placeholder_token_is_refused_before_any_request(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    code, err = await pressbot(
        tmp_path, "run", BOT_TOKEN=PLACEHOLDER_TOKEN, API_BASE_URL=fake_api.base_url
    )
    assert code == 2
    assert err.splitlines() == [
        "pressbot: PRESSBOT_BOT_TOKEN is still the placeholder from .env.example:"
        " put the token @BotFather gave you in its place"
    ]
    assert fake_api.calls == []
    # Commands that need no token still run with the placeholder in .env.
    code, err = await pressbot(
        tmp_path, "import", str(DATA_DIR / "press_page_2018-10-18.json"),
        BOT_TOKEN=PLACEHOLDER_TOKEN,
    )  # fmt: skip
    assert code == 0, err


async def test_a_token_telegram_refuses_ends_it_with_status_2_and_one_line(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    wrong = "123456:WRONG-token-the-fake-refuses"
    code, err = await pressbot(tmp_path, "run", BOT_TOKEN=wrong, API_BASE_URL=fake_api.base_url)
    assert code == 2, err
    assert err.splitlines() == [
        "pressbot: PRESSBOT_BOT_TOKEN was refused by Telegram (401 Unauthorized):"
        " put the token @BotFather gave you in the environment or in .env"
    ]
    assert wrong.partition(":")[2] not in err
    assert [(call.method, call.status) for call in fake_api.calls] == [("getMe", 401)]
    assert not (tmp_path / "cli.sqlite3").exists()  # refused before the database is opened


# -- no network at start ----------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once it is closed


async def test_unreachable_telegram_is_tried_again_until_sigterm_which_exits_0(
    tmp_path: Path,
) -> None:
    lines, log = await run_until_logged(
        tmp_path, "(try 2)", DEADLINE,
        BOT_TOKEN=TOKEN, API_BASE_URL=f"http://127.0.0.1:{closed_port()}/bot",
    )  # fmt: skip
    assert "Traceback" not in log, log
    tries = [line for line in lines if "Telegram can't be reached" in line]
    assert len(tries) == 2, log  # one line a try
    assert "WARNING" in tries[0] and "(try 1)" in tries[0] and "trying again in 1 s" in tries[0]
    assert "trying again in 2 s" in tries[1]
    assert TOKEN not in log and TOKEN.partition(":")[2] not in log


async def test_a_bot_api_failing_at_start_is_waited_out(
    fake_api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake_api.fail_next("getMe", 502, times=2)
    application = build_application(
        bot_settings(fake_api, tmp_path / "bot.sqlite3"), clock=SettableClock(PAGE_TIME)
    )
    running = RunningBot(fake_api, application, SettableClock(PAGE_TIME))
    runner = Runner(application, poll_timeout=1, start_backoff=lambda _attempt: 0.01)
    with caplog.at_level(logging.WARNING, logger="pressbot.server.runner"):
        await runner.start()
    try:
        [welcome] = await running.say("/start")
        assert "You are subscribed" in (welcome.text or "")
    finally:
        await runner.stop()
    assert [c.status for c in fake_api.calls if c.method == "getMe"] == [502, 502, 200]
    tries = [r.getMessage() for r in caplog.records if "can't be reached" in r.getMessage()]
    assert [("(try 1)" in t, "(try 2)" in t) for t in tries] == [(True, False), (False, True)]


# -- non-essential start-up calls -------------------------------------------------------------


async def test_command_menus_refused_at_start_are_set_later_and_the_bot_runs(
    fake_api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake_api.fail_next("setMyCommands", 500, times=2)
    clock = SettableClock(PAGE_TIME)
    application = build_application(
        bot_settings(fake_api, tmp_path / "bot.sqlite3"), clock=clock, commands_retry=0.05
    )
    running = RunningBot(fake_api, application, clock)
    runner = Runner(application, poll_timeout=1)
    with caplog.at_level(logging.INFO, logger="pressbot.server.app"):
        await runner.start()  # the refused menus do not stop it
        try:
            [welcome] = await running.say("/start")
            assert "You are subscribed" in (welcome.text or "")
            await fake_api.wait_until(lambda: bool(fake_api.commands), timeout=10)
        finally:
            await runner.stop()
    statuses = [c.status for c in fake_api.calls if c.method == "setMyCommands"]
    assert statuses[:3] == [500, 500, 200], statuses
    warnings = [
        r
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name == "pressbot.server.app"
    ]
    assert [r.getMessage().split(" (")[0] for r in warnings] == ["command menus not set"] * 2
    assert any("command menus set, on try 3" in r.getMessage() for r in caplog.records)


# -- a database or lock file pressbot can't make ---------------------------------------------


def under_a_file(tmp_path: Path) -> Path:
    """A database path whose folder is a regular file: no one, root included, makes it."""
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    return tmp_path / "afile" / "cli.sqlite3"


def a_folder(tmp_path: Path) -> Path:
    (tmp_path / "cli.sqlite3").mkdir()
    return tmp_path / "cli.sqlite3"


def lock_a_folder(tmp_path: Path) -> Path:
    (tmp_path / "cli.sqlite3.lock").mkdir()
    return tmp_path / "cli.sqlite3"


def unwritable_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    return folder / "cli.sqlite3"


LOCKED = ("run", "console", "restore")  # the commands that take the lock before the database
#: fault: (the database path it makes, what the line says for the lock, for the database)
UNMAKEABLE: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "under a file": (
        under_a_file,
        "the lock file {db}.lock can't be made: {db.parent} is a file, not a folder",
        "{db} can't be made: {db.parent} is a file, not a folder",
    ),
    "a folder": (a_folder, "{db} is a folder, not a database file", ""),
    "lock a folder": (
        lock_a_folder,
        "{db}.lock, the database's lock file, is a folder: remove it",
        "",
    ),
    "unwritable folder": (
        unwritable_folder,
        "the lock file {db}.lock can't be made: pressbot may not write its folder {db.parent}",
        "{db} can't be written: pressbot may not write its folder {db.parent}",
    ),
}


@pytest.mark.parametrize("command", ["run", "import", "import-url", "console", "restore"])
@pytest.mark.parametrize("fault", UNMAKEABLE)
async def test_a_database_or_lock_that_cant_be_made_ends_the_process_with_one_line(
    fake_api: FakeBotApi, tmp_path: Path, command: str, fault: str
) -> None:
    make, for_the_lock, for_the_database = UNMAKEABLE[fault]
    backup = tmp_path / "backup.sqlite3"
    await real_database(backup)
    db_path = make(tmp_path)
    line = (for_the_lock if command in LOCKED else for_the_database) or for_the_lock
    if fault == "lock a folder" and command not in LOCKED:
        pytest.skip(f"{command} takes no lock: nothing is wrong for it")
    args = {
        "run": ["run"],
        "import": ["import", str(DATA_DIR / "press_page_2018-10-18.json")],
        "console": ["console", "--db", str(db_path)],
        "import-url": ["import-url", "http://127.0.0.1:9/feed.xml"],
        "restore": ["restore", str(backup)],
    }[command]
    code, err = await pressbot(
        tmp_path,
        *args,
        read_only=fault == "unwritable folder",
        BOT_TOKEN=TOKEN,
        API_BASE_URL=fake_api.base_url,
        DB_PATH=str(db_path),
    )
    assert code == 2, err
    assert "Traceback" not in err, err
    assert err.splitlines() == [f"pressbot: {line.format(db=db_path)}"], err
    if fault == "a folder":
        assert db_path.is_dir() and not any(db_path.iterdir())  # left as it was


async def test_a_backup_to_a_path_that_cant_be_made_says_why(tmp_path: Path) -> None:
    await real_database(tmp_path / "cli.sqlite3")
    target = under_a_file(tmp_path).with_name("copy.sqlite3")
    code, err = await pressbot(tmp_path, "backup", str(target))
    assert (code, err) == (
        2,
        f"pressbot: {target} can't be made: {target.parent} is a file, not a folder\n",
    )
