"""`pressbot backup --keep N FOLDER`: dated copies, the newest N kept, nothing else touched."""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SEED_FILE
from pressbot.cli.maintenance import backup_into
from pressbot.cli.rotation import copies_of, copy_name, remove_beyond
from pressbot.ingest.items_file import import_items_file
from pressbot.storage import open_database
from pressbot.storage.backup import BackupError
from test_backup import pressbot, titles

START = datetime(2026, 11, 28, 3, 30, 12, tzinfo=UTC)


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    db_path = tmp_path / "state" / "pressbot.sqlite3"
    db_path.parent.mkdir()
    database = await open_database(db_path)
    try:
        assert (await import_items_file(database, SEED_FILE, START)).items_added == 11
    finally:
        await database.close()
    return db_path


def test_each_run_writes_a_dated_copy_and_keeps_only_the_newest(
    database: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups" / "daily"  # made by the first run
    said = [backup_into(database, folder, 3, START + timedelta(days=day)) for day in range(5)]
    names = sorted(path.name for path in folder.iterdir())
    assert names == [
        "pressbot-20261130T033012Z.sqlite3",
        "pressbot-20261201T033012Z.sqlite3",
        "pressbot-20261202T033012Z.sqlite3",
    ]
    for name in names:
        assert len(titles(folder / name)) == 11  # each a whole copy
    assert said[0].splitlines() == [
        f"Backed up {database} to {folder / 'pressbot-20261128T033012Z.sqlite3'}"
        f" (schema version {said[0].split('schema version ')[1].split(')')[0]}).",
        f"1 copy of pressbot.sqlite3 in {folder}.",
    ]
    assert said[3].splitlines()[1:] == [
        f"Removed the older copy {folder / 'pressbot-20261128T033012Z.sqlite3'}.",
        f"3 copies of pressbot.sqlite3 in {folder}.",
    ]
    assert [path.name for path in database.parent.iterdir()] == ["pressbot.sqlite3"]


def test_two_copies_in_one_second_both_count_and_the_older_goes_first(
    database: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    for _ in range(3):
        backup_into(database, folder, 2, START)
    assert sorted(path.name for path in folder.iterdir()) == [
        "pressbot-20261128T033012Z-2.sqlite3",
        "pressbot-20261128T033012Z-3.sqlite3",
    ]


def test_files_that_are_not_its_copies_are_neither_counted_nor_removed(
    database: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    others = [
        "notes.txt",
        "other-20200101T000000Z.sqlite3",  # another database's copy
        "pressbot-20200101T000000Z.sqlite3.gz",
        "pressbot.sqlite3",
    ]
    for name in others:
        (folder / name).write_bytes(b"not ours")
    said = backup_into(database, folder, 1, START)
    backup_into(database, folder, 1, START + timedelta(days=1))
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [*others, "pressbot-20261129T033012Z.sqlite3"]
    )
    assert said.endswith(f"1 copy of pressbot.sqlite3 in {folder}.")


def test_a_copy_that_fails_removes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / "pressbot-20261101T033012Z.sqlite3"
    old.write_bytes(b"an older copy")
    not_ours = tmp_path / "pressbot.sqlite3"
    with contextlib.closing(sqlite3.connect(not_ours)) as db, db:
        db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    with pytest.raises(BackupError):
        backup_into(not_ours, folder, 1, START)
    assert [path.name for path in folder.iterdir()] == [old.name]  # the bad copy is gone too
    with pytest.raises(BackupError, match="does not exist"):
        backup_into(tmp_path / "missing.sqlite3", folder, 1, START)
    assert [path.name for path in folder.iterdir()] == [old.name]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--keep", "0"], "pressbot: --keep 0: keep at least the copy just made"),
        (["--keep", "-3"], "pressbot: --keep -3: keep at least the copy just made"),
        (["--keep", "two"], "argument --keep: invalid int value: 'two'"),
        (["--keep", "2", "--force"], "argument --force: not allowed with argument --keep"),
    ],
)
async def test_a_keep_that_is_no_number_of_copies_is_refused(
    database: Path, tmp_path: Path, arguments: list[str], message: str
) -> None:
    folder = tmp_path / "backups"
    code, out, err = await pressbot(database, "backup", *arguments, str(folder))
    assert code == 2 and out == ""
    assert message in err
    assert not folder.exists()


async def test_keep_with_a_file_for_the_folder_is_refused_and_the_file_kept(
    database: Path, tmp_path: Path
) -> None:
    target = tmp_path / "backup.sqlite3"
    target.write_bytes(b"keep me")
    code, _, err = await pressbot(database, "backup", "--keep", "3", str(target))
    assert (code, err) == (
        2,
        f"pressbot: {target} is a file; with --keep, name the folder the copies go in\n",
    )
    assert target.read_bytes() == b"keep me"
    code, _, err = await pressbot(database, "backup", str(tmp_path))
    assert code == 2
    assert (
        err == f"pressbot: {tmp_path} is a folder; give --keep N to write dated copies into it\n"
    )


async def test_the_command_line_runs_write_copies_and_say_what_they_did(
    database: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    outputs = []
    for _ in range(3):  # one after another: names in the same second are told apart
        code, out, err = await pressbot(database, "backup", "--keep", "2", str(folder))
        assert code == 0, err
        outputs.append(out)
    copies = copies_of(database, folder)
    assert len(copies) == 2
    assert f"Backed up {database} to {copies[-1]}" in outputs[-1]
    assert "Removed the older copy" in outputs[-1]
    assert outputs[-1].endswith(f"2 copies of pressbot.sqlite3 in {folder}.\n")


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=12),
    keep=st.integers(min_value=1, max_value=5),
)
def test_the_copies_kept_are_always_the_newest_written(gaps: list[int], keep: int) -> None:
    """Whatever the times (the same second again, a day later), after each run the folder
    holds the last `keep` copies written, in the order they were written."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        db_path = folder / "source" / "pressbot.sqlite3"
        written: list[Path] = []
        now = START
        for gap in gaps:
            now += timedelta(seconds=gap)
            target = copy_name(db_path, folder, now)
            assert not target.exists()
            target.write_bytes(b"copy")
            written.append(target)
            removed, left = remove_beyond(db_path, folder, keep)
            assert list(removed) == [path for path in written[:-keep] if path in removed]
            assert copies_of(db_path, folder) == list(left) == written[-keep:]
