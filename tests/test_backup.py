"""`pressbot backup` and `pressbot restore` as an operator runs them, next to a running bot."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import SEED_FILE
from fakes import FakeBotApi
from harness import TOKEN, RunningBot
from pressbot.core.models import ItemKind
from pressbot.storage import open_database
from pressbot.storage.backup import set_aside_path
from pressbot.storage.connection import APPLICATION_ID
from pressbot.storage.schema import MIGRATIONS
from test_startup_faults import damaged_pages, real_database


def pressbot_env(db_path: Path, **variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSBOT_")}
    env["PRESSBOT_DB_PATH"] = str(db_path)
    env.update({f"PRESSBOT_{name}": value for name, value in variables.items()})
    return env


async def pressbot(db_path: Path, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pressbot", *args,
        cwd=db_path.parent,
        env=pressbot_env(db_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def titles(db_path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(db_path)) as db, db:
        return [row[0] for row in db.execute("SELECT title FROM items ORDER BY id")]


def integrity(db_path: Path) -> str:
    with contextlib.closing(sqlite3.connect(db_path)) as db, db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def grow(db_path: Path, megabytes: int) -> None:
    """Make the file big enough that a backup takes many steps (4 KiB pages, 256 a step)."""
    with contextlib.closing(sqlite3.connect(db_path)) as db, db:
        db.execute("CREATE TABLE ballast (data BLOB)")
        db.executemany("INSERT INTO ballast VALUES (randomblob(65536))", [()] * (megabytes * 16))


async def test_backup_while_publishing_holds_every_release_committed_before_it(
    bot: RunningBot, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    grow(db_path, 24)
    committed: list[tuple[str, float]] = []  # (title, when its transaction had committed)
    stop, under_way = asyncio.Event(), asyncio.Event()

    async def keep_publishing() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            await bot.release(f"Release {number}", ItemKind.PRESS_RELEASE)
            committed.append((f"Release {number}", time.monotonic()))
            if len(committed) == 5:
                under_way.set()
            await asyncio.sleep(0)

    publishing = asyncio.create_task(keep_publishing())
    await asyncio.wait_for(under_way.wait(), timeout=30)
    started = time.monotonic()
    code, out, err = await pressbot(db_path, "backup", str(tmp_path / "copy.sqlite3"))
    finished = time.monotonic()
    stop.set()
    await publishing

    assert code == 0, err
    assert out.startswith(f"Backed up {db_path} to {tmp_path / 'copy.sqlite3'}")
    assert "100% (" in err and " pages)" in err
    copy = tmp_path / "copy.sqlite3"
    assert integrity(copy) == "ok"
    released = [title for title in titles(copy) if title.startswith("Release ")]
    in_order = [title for title, _ in committed]
    # One instant of the database: a prefix of the releases, none missing in between ...
    assert released == in_order[: len(released)]
    # ... with every release that had committed when the backup began,
    assert len(released) >= sum(1 for _, at in committed if at < started)
    # while the bot kept publishing during the backup.
    assert any(started < at < finished for _, at in committed)
    # The copy is a whole database, and the bot's own code opens it.
    reopened = await open_database(copy)
    try:
        assert await reopened.items.count() == 11 + len(released)
    finally:
        await reopened.close()
    assert not (tmp_path / ".copy.sqlite3.partial").exists()


async def test_backup_does_not_replace_a_file_unless_forced(tmp_path: Path) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    assert (await pressbot(db_path, "import", str(SEED_FILE)))[0] == 0
    target = tmp_path / "copy.sqlite3"
    target.write_text("keep me", encoding="utf-8")

    code, _, err = await pressbot(db_path, "backup", str(target))
    assert (code, err) == (2, f"pressbot: {target} is already there; add --force to replace it\n")
    assert target.read_text(encoding="utf-8") == "keep me"

    code, _, err = await pressbot(db_path, "backup", "--force", str(target))
    assert code == 0, err
    assert len(titles(target)) == 11


async def test_restore_is_refused_while_the_bot_runs_and_works_once_it_stopped(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    assert (await pressbot(db_path, "import", str(SEED_FILE)))[0] == 0
    backup = tmp_path / "backup.sqlite3"
    assert (await pressbot(db_path, "backup", str(backup)))[0] == 0
    extra = tmp_path / "extra.json"
    extra.write_text(
        json.dumps(
            {
                "format": "pressbot-items/1",
                "items": [
                    {"kind": "statement", "published": "2018-10-19", "title": "After the backup"}
                    | {"body": "Text."}
                ],
            }
        ),
        encoding="utf-8",
    )
    assert (await pressbot(db_path, "import", str(extra)))[0] == 0

    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pressbot", "run",
        cwd=tmp_path,
        env=pressbot_env(db_path, BOT_TOKEN=TOKEN, API_BASE_URL=fake_api.base_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake_api.wait_until(lambda: bool(fake_api.commands), timeout=30)
        code, _, err = await pressbot(db_path, "restore", str(backup))
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.communicate(), timeout=30)
    assert code == 2
    assert err == (
        f"pressbot: a pressbot process (pid {bot.pid}) is running on {db_path}; stop it first\n"
    )
    assert "After the backup" in titles(db_path)

    code, out, err = await pressbot(db_path, "restore", str(backup))
    assert code == 0, err
    kept = set_aside(db_path, out)
    assert out == (
        f"Restored {db_path} from {backup} (schema version {schema_version(backup)})."
        f" The database it replaced is in {kept}.\n"
    )
    assert "After the backup" not in titles(db_path)
    assert len(titles(db_path)) == 11
    assert "After the backup" in titles(kept)
    assert integrity(db_path) == "ok"


async def test_restore_after_a_crash_leaves_nothing_of_the_old_wal_in_the_new_database(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    assert (await pressbot(db_path, "import", str(SEED_FILE)))[0] == 0
    backup = tmp_path / "backup.sqlite3"
    assert (await pressbot(db_path, "backup", str(backup)))[0] == 0
    # A process that dies with a commit still in the WAL, as a bot killed with kill -9 does.
    crash = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1])\n"
        "db.execute(\"UPDATE items SET title = 'Changed before the crash' WHERE id = 1\")\n"
        "db.commit()\n"
        "os._exit(0)\n"
    )
    killed = await asyncio.create_subprocess_exec(sys.executable, "-c", crash, str(db_path))
    assert await killed.wait() == 0
    assert "pressbot.sqlite3-wal" in files_in(tmp_path)

    code, out, err = await pressbot(db_path, "restore", str(backup))
    assert code == 0, err
    assert "Changed before the crash" not in titles(db_path)
    assert integrity(db_path) == "ok"
    # The replaced database keeps its WAL, so nothing that was committed is lost there.
    assert "Changed before the crash" in titles(set_aside(db_path, out))


async def test_restore_refuses_what_is_not_a_pressbot_database(tmp_path: Path) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    assert (await pressbot(db_path, "import", str(SEED_FILE)))[0] == 0
    other = tmp_path / "other.sqlite3"
    with contextlib.closing(sqlite3.connect(other)) as db, db:
        db.execute("CREATE TABLE notes (text TEXT)")
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)

    code, _, err = await pressbot(db_path, "restore", str(other))
    assert (code, err) == (
        2,
        f"pressbot: {other} is not a pressbot database (it has tables of another program:"
        " notes)\n",
    )
    code, _, err = await pressbot(db_path, "restore", str(garbage))
    assert code == 2 and err.startswith(f"pressbot: {garbage} is not a usable SQLite database")
    code, _, err = await pressbot(db_path, "restore", str(tmp_path / "missing.sqlite3"))
    assert (code, err) == (2, f"pressbot: {tmp_path / 'missing.sqlite3'} does not exist\n")
    assert len(titles(db_path)) == 11
    assert files_in(tmp_path) == {"pressbot.sqlite3", "other.sqlite3", "garbage.sqlite3"}


def set_aside(db_path: Path, out: str) -> Path:
    """The one copy a restore set aside: named in its line, with the time in its name."""
    [kept] = db_path.parent.glob(f"{db_path.name}.before-restore-*[0-9TZ]")
    assert re.fullmatch(r"\.before-restore-\d{8}T\d{6}Z", kept.name.removeprefix(db_path.name))
    assert f" The database it replaced is in {kept}.\n" in out
    return kept


def files_in(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


def schema_version(db_path: Path) -> int:
    with contextlib.closing(sqlite3.connect(db_path)) as db, db:
        return int(db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0])


def restored_aside(out: str) -> Path:
    found = re.search(r" The database it replaced is in (.+)\.\n$", out)
    assert found, out
    return Path(found.group(1))


def add_item(db_path: Path, title: str) -> None:
    with contextlib.closing(sqlite3.connect(db_path)) as db, db:
        db.execute("UPDATE items SET title = ? WHERE id = 1", (title,))


async def test_a_second_restore_keeps_what_the_first_set_aside(tmp_path: Path) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    assert (await pressbot(db_path, "import", str(SEED_FILE)))[0] == 0
    backup = tmp_path / "backup.sqlite3"
    assert (await pressbot(db_path, "backup", str(backup)))[0] == 0
    kept = []
    for title in ("Written before the first restore", "Written before the second restore"):
        add_item(db_path, title)
        code, out, err = await pressbot(db_path, "restore", str(backup))
        assert code == 0, err
        kept.append(restored_aside(out))
    first, second = kept
    assert first != second  # within the same second too
    assert "Written before the first restore" in titles(first)
    assert "Written before the second restore" in titles(second)
    assert integrity(first) == integrity(second) == "ok"


def test_a_copy_set_aside_is_never_the_name_of_an_earlier_one(tmp_path: Path) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    now = datetime(2026, 11, 28, 9, 18, 7, tzinfo=ZoneInfo("Europe/Moscow"))
    first = set_aside_path(db_path, now)
    assert first.name == "pressbot.sqlite3.before-restore-20261128T061807Z"  # in UTC
    first.write_bytes(b"set aside")
    second = set_aside_path(db_path, now)
    assert second.name == "pressbot.sqlite3.before-restore-20261128T061807Z-2"
    Path(f"{second}-wal").write_bytes(b"a WAL left of it")  # its WAL alone counts too
    assert set_aside_path(db_path, now).name.endswith("T061807Z-3")


def golang_migrate(path: Path, _real: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE schema_migrations (version uint64, dirty bool)")
        db.execute("INSERT INTO schema_migrations VALUES (20240101120000, 0)")
        db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")


def marked_by_another_program(path: Path, _real: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("PRAGMA application_id = 1234")
        db.execute("CREATE TABLE notes (text TEXT)")


def empty_sqlite_file(path: Path, _real: Path) -> None:
    sqlite3.connect(path).close()


def only_a_migrations_table(path: Path, _real: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "CREATE TABLE schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )


def newer_pressbot(path: Path, real: Path) -> None:
    shutil.copy(real, path)
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01')")


def damaged(path: Path, real: Path) -> None:
    shutil.copy(real, path)
    damaged_pages(path)


KNOWN = max(m.version for m in MIGRATIONS)
#: kind: (how to make it from a real pressbot database, what the line says after its name)
REFUSED: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "golang-migrate's": (
        golang_migrate,
        " is not a pressbot database (it has tables of another program: schema_migrations, users)",
    ),
    "marked as another program's": (
        marked_by_another_program,
        " is another program's SQLite file (application_id 0x4d2), not a pressbot database",
    ),
    "empty": (empty_sqlite_file, " is an empty SQLite file, not a pressbot database"),
    "a migrations table alone": (
        only_a_migrations_table,
        " is not a whole pressbot database: it lacks its table contacts",
    ),
    "newer": (newer_pressbot, f" has schema version 99, newer than this pressbot knows ({KNOWN})"),
    "damaged": (damaged, " is damaged ("),
}


@pytest.mark.parametrize("kind", REFUSED)
async def test_restore_refuses_with_one_line_what_it_must_not_put_in_place(
    tmp_path: Path, kind: str
) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    assert (await pressbot(db_path, "import", str(SEED_FILE)))[0] == 0
    real = tmp_path / "real.sqlite3"
    await real_database(real)
    with contextlib.closing(sqlite3.connect(real)) as db:
        db.execute("PRAGMA journal_mode = DELETE")  # one file, as `pressbot backup` makes
    make, reason = REFUSED[kind]
    candidate = tmp_path / "candidate.sqlite3"
    make(candidate, real)
    before = set(files_in(tmp_path))
    code, out, err = await pressbot(db_path, "restore", str(candidate))
    assert (code, out) == (2, "")
    assert err.splitlines() == [err.rstrip("\n")], err  # one line
    assert err.startswith(f"pressbot: {candidate}{reason}"), err
    assert "Traceback" not in err
    assert len(titles(db_path)) == 11 and files_in(tmp_path) == before  # nothing touched


async def test_an_older_pressbot_database_without_the_mark_restores_and_gets_it(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    older = tmp_path / "older.sqlite3"
    assert (await pressbot(older, "import", str(SEED_FILE)))[0] == 0
    assert application_id(older) == APPLICATION_ID  # what every opening writes now
    with contextlib.closing(sqlite3.connect(older)) as db:
        db.execute("PRAGMA application_id = 0")  # as a pressbot before the mark left it
    code, out, err = await pressbot(db_path, "restore", str(older))
    assert code == 0, err
    assert out.startswith(f"Restored {db_path} from {older} (schema version {KNOWN}).")
    assert (await pressbot(db_path, "import", str(SEED_FILE)))[0] == 0
    assert application_id(db_path) == APPLICATION_ID
    assert len(titles(db_path)) == 11


def application_id(db_path: Path) -> int:
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        return int(db.execute("PRAGMA application_id").fetchone()[0])
