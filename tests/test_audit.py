"""The audit trail's guarantees on real files and real processes: the database refuses to
change its rows, a backup carries them and a restore brings them back, `pressbot audit`
exports them."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pressbot.core.team import AuditAction
from pressbot.storage import open_database
from test_backup import files_in, pressbot, set_aside

#: (when, who, what, item, details): a day before the export's date, then two on and after it.
ROWS = (
    (datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC), 9001, AuditAction.PUBLISHED, 12,
     {"title": "Заявление «о визах», \"quoted\"", "author": 9001}),
    (datetime(2026, 11, 1, 0, 0, tzinfo=UTC), None, AuditAction.PUBLISHED, 13,
     {"scheduled": "yes"}),
    (datetime(2026, 11, 2, 9, 30, tzinfo=UTC), 3001, AuditAction.REFUSED, None,
     {"tried": "/post", "needs": "publish", "role": "editor"}),
)  # fmt: skip
CHANGES = {
    "an update": "UPDATE audit SET action = 'forged' WHERE id = 1",
    "an update of every row": "UPDATE audit SET details = '{}'",
    "a delete": "DELETE FROM audit WHERE id = 1",
    "a delete of every row": "DELETE FROM audit",
    "a replace": (
        "INSERT OR REPLACE INTO audit (id, at, actor_id, action, details)"
        " VALUES (1, '2026-11-01T00:00:00+00:00', 666, 'forged', '{}')"
    ),
    "an upsert": (
        "INSERT INTO audit (id, at, action) VALUES (1, '2026-11-01T00:00:00+00:00', 'forged')"
        " ON CONFLICT (id) DO UPDATE SET action = excluded.action"
    ),
}


async def audited_database(db_path: Path) -> None:
    """A real database file with ROWS in its audit trail."""
    database = await open_database(db_path)
    try:
        for at, actor, action, item_id, details in ROWS:
            await database.audit.record(at, actor, action, item_id=item_id, details=details)
    finally:
        await database.close()


def audit_rows(db_path: Path) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        return list(db.execute("SELECT * FROM audit ORDER BY id"))


@pytest.mark.parametrize("change", CHANGES)
async def test_the_database_refuses_to_change_an_audit_row(tmp_path: Path, change: str) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    await audited_database(db_path)
    before = audit_rows(db_path)
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        with pytest.raises(sqlite3.IntegrityError, match="the audit trail is append-only"):
            db.execute(CHANGES[change])
        db.commit()
    assert audit_rows(db_path) == before


@pytest.mark.parametrize("change", CHANGES)
async def test_the_stores_own_connection_cannot_change_an_audit_row_either(
    tmp_path: Path, change: str
) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    await audited_database(db_path)
    database = await open_database(db_path)
    try:
        before = await database.audit.latest(10)
        with pytest.raises(sqlite3.IntegrityError, match="the audit trail is append-only"):
            async with database.connection.transaction() as db:
                await db.execute(CHANGES[change])
        assert await database.audit.latest(10) == before
        # The refused transaction was rolled back: the trail still takes new rows.
        await database.audit.record(datetime(2026, 11, 3, tzinfo=UTC), 9001, AuditAction.WITHDRAWN)
        assert [entry.id for entry in await database.audit.latest(10)] == [4, 3, 2, 1]
    finally:
        await database.close()


async def test_a_backup_carries_the_audit_trail_and_a_restore_brings_it_back(
    tmp_path: Path,
) -> None:
    db_path, backup = tmp_path / "pressbot.sqlite3", tmp_path / "backup.sqlite3"
    await audited_database(db_path)
    backed_up = audit_rows(db_path)
    code, _, err = await pressbot(db_path, "backup", str(backup))
    assert code == 0, err
    assert audit_rows(backup) == backed_up
    database = await open_database(db_path)  # the trail grows after the backup
    try:
        await database.audit.record(datetime(2026, 11, 5, tzinfo=UTC), 9001, AuditAction.WITHDRAWN)
    finally:
        await database.close()
    code, out, err = await pressbot(db_path, "restore", str(backup))
    assert code == 0, err
    assert audit_rows(db_path) == backed_up
    # Still append-only once restored; the row written since is kept in the file set aside.
    with (
        contextlib.closing(sqlite3.connect(db_path)) as db,
        pytest.raises(sqlite3.IntegrityError, match="append-only"),
    ):
        db.execute("DELETE FROM audit")
    aside = set_aside(db_path, out)
    assert [row[3] for row in audit_rows(aside)] == [
        "published",
        "published",
        "refused",
        "withdrawn",
    ]


@pytest.mark.parametrize(
    ("dropped", "lacks"),
    [
        ("DROP TRIGGER audit_no_update", "its trigger audit_no_update"),
        ("DROP TRIGGER audit_no_replace", "its trigger audit_no_replace"),
        ("DROP TABLE audit", "its table audit"),
    ],
)
async def test_a_backup_without_its_append_only_audit_trail_is_not_restored(
    tmp_path: Path, dropped: str, lacks: str
) -> None:
    db_path, backup = tmp_path / "pressbot.sqlite3", tmp_path / "backup.sqlite3"
    await audited_database(db_path)
    assert (await pressbot(db_path, "backup", str(backup)))[0] == 0
    with contextlib.closing(sqlite3.connect(backup)) as db:
        db.execute(dropped)
    before = audit_rows(db_path)
    code, out, err = await pressbot(db_path, "restore", str(backup))
    assert (code, out) == (2, "")
    assert err == f"pressbot: {backup} is not a whole pressbot database: it lacks {lacks}\n"
    assert audit_rows(db_path) == before


def exported_csv(out: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == "id,at,actor_id,action,item_id,details"
    return rows


async def test_pressbot_audit_exports_the_rows_since_a_date_as_csv(tmp_path: Path) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    await audited_database(db_path)
    code, out, err = await pressbot(db_path, "audit", "--since", "2026-11-01", "--format", "csv")
    assert (code, err) == (0, "")
    rows = exported_csv(out)
    assert [{k: v for k, v in row.items() if k != "details"} for row in rows] == [
        {"id": "2", "at": "2026-11-01T00:00:00+00:00", "actor_id": "", "action": "published",
         "item_id": "13"},
        {"id": "3", "at": "2026-11-02T09:30:00+00:00", "actor_id": "3001", "action": "refused",
         "item_id": ""},
    ]  # fmt: skip
    assert [json.loads(row["details"]) for row in rows] == [
        {"scheduled": "yes"},
        {"tried": "/post", "needs": "publish", "role": "editor"},
    ]
    # Everything when no date is given, CSV when no format is: quotes and Cyrillic intact.
    code, out, err = await pressbot(db_path, "audit")
    assert (code, err) == (0, "")
    rows = exported_csv(out)
    assert [row["id"] for row in rows] == ["1", "2", "3"]
    assert json.loads(rows[0]["details"]) == {
        "title": 'Заявление «о визах», "quoted"',
        "author": "9001",
    }


async def test_pressbot_audit_exports_json_and_takes_a_full_iso_time(tmp_path: Path) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    await audited_database(db_path)
    # 02:59:59 in Moscow is 23:59:59 UTC the day before: the first row is in.
    since = "2026-11-01T02:59:59+03:00"
    code, out, err = await pressbot(db_path, "audit", "--since", since, "--format", "json")
    assert (code, err) == (0, "")
    exported = json.loads(out)
    assert [row["id"] for row in exported] == [1, 2, 3]
    assert exported[0] == {
        "id": 1,
        "at": "2026-10-31T23:59:59+00:00",
        "actor_id": 9001,
        "action": "published",
        "item_id": 12,
        "details": {"title": 'Заявление «о визах», "quoted"', "author": "9001"},
    }
    assert exported[1]["actor_id"] is None and exported[2]["item_id"] is None
    # A time without a zone is UTC.
    code, out, _ = await pressbot(
        db_path, "audit", "--since", "2026-11-01T00:00:01", "--format", "JSON"
    )
    assert code == 0 and [row["id"] for row in json.loads(out)] == [3]
    code, out, _ = await pressbot(db_path, "audit", "--since", "2027-01-01", "--format", "json")
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--since", "2026-13-01"), "pressbot: --since '2026-13-01' is not a date (2026-11-01)"),
        (("--since", "yesterday"), "pressbot: --since 'yesterday' is not a date (2026-11-01)"),
        (("--format", "xml"), "pressbot: --format 'xml' is not one of csv, json"),
        (("--since", "2026-11-01", "--format", ""), "pressbot: --format '' is not one of"),
    ],
)
async def test_pressbot_audit_refuses_bad_input_in_one_line(
    tmp_path: Path, args: tuple[str, ...], line: str
) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    await audited_database(db_path)
    code, out, err = await pressbot(db_path, "audit", *args)
    assert (code, out) == (2, "")
    assert err.splitlines() == [err.rstrip("\n")] and err.startswith(line), err


async def test_pressbot_audit_of_a_missing_database_makes_none(tmp_path: Path) -> None:
    db_path = tmp_path / "nowhere.sqlite3"
    code, out, err = await pressbot(db_path, "audit")
    assert (code, out) == (2, "")
    assert err == f"pressbot: {db_path} does not exist: there is no audit trail to export\n"
    assert not db_path.exists()


async def test_pressbot_audit_reads_a_database_in_use(tmp_path: Path) -> None:
    """The export needs no lock: a bot's open connection (WAL mode) does not stop it."""
    db_path = tmp_path / "pressbot.sqlite3"
    await audited_database(db_path)
    database = await open_database(db_path)
    try:
        await database.audit.record(datetime(2026, 11, 4, tzinfo=UTC), 9001, AuditAction.WITHDRAWN)
        code, out, err = await pressbot(db_path, "audit", "--format", "json")
    finally:
        await database.close()
    assert (code, err) == (0, "")
    assert [row["action"] for row in json.loads(out)][-1] == "withdrawn"


async def test_pressbot_audit_exports_a_backup_without_writing_to_it(tmp_path: Path) -> None:
    db_path, backup = tmp_path / "pressbot.sqlite3", tmp_path / "backup.sqlite3"
    await audited_database(db_path)
    assert (await pressbot(db_path, "backup", str(backup)))[0] == 0
    kept = backup.read_bytes()
    code, out, err = await pressbot(backup, "audit", "--format", "json")
    assert (code, err) == (0, "")
    assert [row["id"] for row in json.loads(out)] == [1, 2, 3]
    assert backup.read_bytes() == kept
    # Nothing made beside it either: no journal, no WAL.
    assert {name for name in files_in(tmp_path) if name.startswith("backup")} == {"backup.sqlite3"}


async def test_pressbot_audit_of_a_file_without_an_audit_trail_says_so(tmp_path: Path) -> None:
    other, garbage = tmp_path / "other.sqlite3", tmp_path / "garbage.sqlite3"
    with contextlib.closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    garbage.write_bytes(b"this is not a database" * 100)
    code, out, err = await pressbot(other, "audit")
    assert (code, out) == (2, "")
    assert err == (
        f"pressbot: {other} keeps no audit trail: it is not a pressbot database, or one whose"
        " schema is older than the team's (pressbot run brings it up to date)\n"
    )
    code, out, err = await pressbot(garbage, "audit")
    assert (code, out) == (2, "")
    assert err.startswith(f"pressbot: {garbage}") and err.count("\n") == 1, err
    assert "Traceback" not in err
