"""`pressbot report`, the real console script on a real database the bot's own code wrote:
releases published through the outbox, their deliveries recorded as the engine records
them, reads as the handlers keep them. The export says what the file holds, refuses bad
input in one line, and never writes to the file."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import sqlite3
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pressbot.cli.export import EVERYTHING, NO_END, ExportError, TableWriter, parse_time
from pressbot.cli.report import RELEASE_COLUMNS, release_row, report_request
from pressbot.core.models import ChatType, ItemKind, NewItem
from pressbot.core.quiet import HELD_FOR_QUIET_HOURS
from pressbot.delivery.outcomes import Decision, Verdict, outcome_of
from pressbot.storage import Database, open_database
from pressbot.storage.connection import open_connection
from pressbot.storage.migrations import apply_migrations
from pressbot.storage.read_only import REPORTS_SCHEMA
from pressbot.storage.schema import MIGRATIONS
from test_backup import files_in, pressbot_env

#: The console script `pip install` made beside this interpreter.
PRESSBOT = Path(sys.executable).parent / "pressbot"

A_AT = datetime(2026, 10, 31, 10, 0, tzinfo=UTC)  # before the export's --since
B_AT = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
C_AT = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
E_AT = datetime(2026, 11, 5, 8, 0, tzinfo=UTC)
#: What a CSV field must survive: commas, quotes, a line break, Cyrillic and guillemets.
TITLE_B = 'Визы, "срочно"\nи «вторая» строка'
TITLE_C = "Withdrawn, regrettably"
TITLE_E = "Пятничная «сводка»"
CHANNEL, DIGEST_CHAT, OUTSIDER = -1005, 106, 999
PRIVATE_CHATS = (101, 102, 103, 104, 106, 107, 108)

SENT = Decision(Verdict.SENT, message_id=1)
BLOCKED = Decision(Verdict.BLOCKED, error="Forbidden: bot was blocked by the user")
FAILED = Decision(Verdict.FAILED, error="Bad Request: chat not found")
HELD = Decision(Verdict.HELD, error=HELD_FOR_QUIET_HOURS, wait=6 * 3600)
RETRY = Decision(Verdict.RETRY, error="Bad Gateway", wait=30)


@dataclass(frozen=True, slots=True)
class Releases:
    """The items' ids: four releases and one item never sent."""

    a: int
    b: int
    c: int
    scheduled: int
    e: int


def new_item(uid: str, title: str, at: datetime) -> NewItem:
    return NewItem(uid, ItemKind.PRESS_RELEASE, title, f"<p>{uid}</p>", at, "test")


async def deliver(
    database: Database, item_id: int, decisions: Mapping[int, Decision], at: datetime
) -> None:
    """Record the engine's decisions for these chats' copies of the item, at `at`."""
    due = await database.outbox.due(0, at.timestamp(), 1000)
    outcomes = [
        outcome_of(delivery, decisions[delivery.chat_id], at.timestamp())
        for delivery in due
        if delivery.item_id == item_id and delivery.chat_id in decisions
    ]
    assert len(outcomes) == len(decisions)
    await database.outbox.record(outcomes, at)


async def build(db_path: Path) -> Releases:
    """A database in which the releases did what ROWS says."""
    database = await open_database(db_path)
    try:
        await database.subscribers.subscribe(CHANNEL, ChatType.CHANNEL, None, A_AT)
        for chat_id in PRIVATE_CHATS:
            await database.subscribers.subscribe(chat_id, ChatType.PRIVATE, "en", A_AT)
        assert await database.digests.set(DIGEST_CHAT, "09:00", "Europe/London", A_AT)
        outbox = database.outbox
        # A: everybody got it (7 copies, one chat takes its digest), two read it.
        a, _ = await outbox.publish_new(new_item("a", "Before November", A_AT), 9, 9, A_AT)
        await deliver(database, a, dict.fromkeys((CHANNEL, 101, 102, 103, 104, 107, 108), SENT),
                      A_AT + timedelta(minutes=1))  # fmt: skip
        for chat_id in (101, 104):
            await database.reads.record(a, chat_id, A_AT + timedelta(hours=1))
        # B: three reached, one blocked, one failed, one held for quiet hours, one retried.
        b, _ = await outbox.publish_new(new_item("b", TITLE_B, B_AT), 9, 9, B_AT)
        await deliver(database, b, {101: SENT, 102: BLOCKED, 103: FAILED, 107: HELD, 108: RETRY},
                      B_AT + timedelta(minutes=1))  # fmt: skip
        await deliver(database, b, {104: SENT}, B_AT + timedelta(minutes=2, seconds=30))
        await deliver(database, b, {CHANNEL: SENT}, B_AT + timedelta(minutes=3))
        # Read by a subscriber, and by a chat it never reached (a shared deep link).
        await database.reads.record(b, 101, B_AT + timedelta(minutes=5))
        await database.reads.record(b, OUTSIDER, B_AT + timedelta(minutes=6))
        assert not await database.reads.record(b, 101, B_AT + timedelta(minutes=7))
        # C: one copy out, read, then withdrawn: the rest never go.
        c, _ = await outbox.publish_new(new_item("c", TITLE_C, C_AT), 9, 9, C_AT)
        await deliver(database, c, {101: SENT}, C_AT + timedelta(minutes=1))
        await database.reads.record(c, 101, C_AT + timedelta(minutes=2))
        assert await outbox.withdraw(c, 9, 9, C_AT + timedelta(hours=1)) is not None
        scheduled = await database.items.add_scheduled(
            new_item("d", "Embargoed", C_AT), datetime(2026, 12, 1, tzinfo=UTC), 9, C_AT
        )
        # E: queued, nothing out yet.
        e, _ = await outbox.publish_new(new_item("e", TITLE_E, E_AT), 9, 9, E_AT)
    finally:
        await database.close()
    return Releases(a, b, c, scheduled, e)


def rows_of(ids: Releases) -> dict[int, list[str]]:
    """Each release's CSV row, as the story in `build` makes it."""
    return {
        ids.a: [str(ids.a), "Before November", "2026-10-31T10:00:00+00:00", "published",
                "7", "7", "0", "0", "0", "0", "1", "2", "28.6"],
        ids.b: [str(ids.b), TITLE_B, "2026-11-01T09:30:00+00:00", "published",
                "7", "3", "1", "1", "2", "1", "1", "2", "66.7"],
        ids.c: [str(ids.c), TITLE_C, "2026-11-03T12:00:00+00:00", "withdrawn",
                "6", "1", "0", "5", "0", "0", "1", "1", "100.0"],
        ids.e: [str(ids.e), TITLE_E, "2026-11-05T08:00:00+00:00", "published",
                "6", "0", "0", "0", "6", "0", "1", "0", ""],
    }  # fmt: skip


async def report(db_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """`pressbot report ARGS` in a process of its own: exit status, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        str(PRESSBOT), "report", *args,
        cwd=db_path.parent,
        env={**pressbot_env(db_path), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode("utf-8"), err.decode("utf-8")


def csv_rows(out: str, header: str) -> list[list[str]]:
    assert out.split("\n", 1)[0] == header
    return list(csv.reader(io.StringIO(out)))[1:]


RELEASES_HEADER = (
    "item_id,title,released_at,status,total,sent,blocked,failed,pending,held,in_digests,"
    "reads,read_rate"
)


async def test_one_row_a_release_since_a_date_as_csv(tmp_path: Path) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    ids = await build(db_path)
    expected = rows_of(ids)
    code, out, err = await report(db_path, "--since", "2026-11-01", "--format", "csv")
    assert (code, err) == (0, "")
    assert csv_rows(out, RELEASES_HEADER) == [expected[ids.b], expected[ids.c], expected[ids.e]]
    # Everything, as CSV, when nothing is said; the title's line break and quotes intact.
    code, out, err = await report(db_path)
    assert (code, err) == (0, "")
    rows = csv_rows(out, RELEASES_HEADER)
    assert rows == [expected[ids.a], expected[ids.b], expected[ids.c], expected[ids.e]]
    assert rows[1][1] == TITLE_B


async def test_the_rows_are_what_the_database_holds(tmp_path: Path) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    await build(db_path)
    database = await open_database(db_path)
    try:
        held = [release_row(summary) for summary in await database.releases.since(EVERYTHING)]
    finally:
        await database.close()
    code, out, err = await report(db_path, "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == held
    code, out, _ = await report(db_path, "--format", "csv")
    as_text = [["" if row[c] is None else str(row[c]) for c in RELEASE_COLUMNS] for row in held]
    assert csv_rows(out, RELEASES_HEADER) == as_text


async def test_json_has_numbers_and_null_for_no_read_rate(tmp_path: Path) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    ids = await build(db_path)
    code, out, err = await report(db_path, "--since", "2026-11-05", "--format", "JSON")
    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {"item_id": ids.e, "title": TITLE_E, "released_at": "2026-11-05T08:00:00+00:00",
         "status": "published", "total": 6, "sent": 0, "blocked": 0, "failed": 0,
         "pending": 6, "held": 0, "in_digests": 1, "reads": 0, "read_rate": None},
    ]  # fmt: skip
    assert "Пятничная «сводка»" in out  # UTF-8 itself, not \u escapes
    code, out, _ = await report(db_path, "--since", "2026-11-01", "--format", "json")
    assert [(row["item_id"], row["read_rate"]) for row in json.loads(out)] == [
        (ids.b, 66.7),
        (ids.c, 100.0),
        (ids.e, None),
    ]
    code, out, _ = await report(db_path, "--since", "2027-01-01", "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    code, out, _ = await report(db_path, "--since", "2027-01-01")
    assert (code, out) == (0, RELEASES_HEADER + "\n")


@pytest.mark.parametrize(
    ("args", "releases"),
    [
        # A date --until is the whole day; a time is where the period ends (not in it).
        (("--since", "2026-11-01", "--until", "2026-11-01"), "b"),
        (("--until", "2026-11-03T12:00"), "ab"),
        (("--until", "2026-11-03T12:00:01"), "abc"),
        (("--since", "2026-11-01T12:30+03:00", "--until", "2026-11-05"), "bce"),
        (("--since", "2026-11-01T09:30:01Z"), "ce"),
    ],
)
async def test_since_and_until_choose_the_releases(
    tmp_path: Path, args: tuple[str, ...], releases: str
) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    ids = await build(db_path)
    code, out, err = await report(db_path, *args, "--format", "json")
    assert (code, err) == (0, "")
    assert [row["item_id"] for row in json.loads(out)] == [getattr(ids, r) for r in releases]


async def test_an_id_alone_gives_that_release_s_row(tmp_path: Path) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    ids = await build(db_path)
    code, out, err = await report(db_path, str(ids.c))
    assert (code, err) == (0, "")
    assert csv_rows(out, RELEASES_HEADER) == [rows_of(ids)[ids.c]]
    code, out, _ = await report(db_path, str(ids.a), "--format", "json")
    assert [row["read_rate"] for row in json.loads(out)] == [28.6]


async def test_deliveries_of_a_release_with_chat_ids_outcomes_and_times(tmp_path: Path) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    ids = await build(db_path)
    code, out, err = await report(db_path, str(ids.b), "--deliveries")
    assert (code, err) == (0, "")
    rows = csv_rows(out, "chat_id,status,done_at,error")
    assert {row[0]: row[1:] for row in rows} == {
        "-1005": ["sent", "2026-11-01T09:33:00+00:00", ""],
        "101": ["sent", "2026-11-01T09:31:00+00:00", ""],
        "102": ["blocked", "2026-11-01T09:31:00+00:00", "Forbidden: bot was blocked by the user"],
        "103": ["failed", "2026-11-01T09:31:00+00:00", "Bad Request: chat not found"],
        "104": ["sent", "2026-11-01T09:32:30+00:00", ""],
        "107": ["pending", "", HELD_FOR_QUIET_HOURS],
        "108": ["pending", "", "Bad Gateway"],
    }
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        in_order = [
            str(chat_id)
            for (chat_id,) in db.execute(
                "SELECT d.chat_id FROM deliveries AS d JOIN broadcasts AS b"
                " ON b.id = d.broadcast_id WHERE b.item_id = ? AND b.action = 'send'"
                " ORDER BY d.id",
                (ids.b,),
            )
        ]
    assert [row[0] for row in rows] == in_order
    code, out, err = await report(db_path, str(ids.b), "--deliveries", "--format", "json")
    assert (code, err) == (0, "")
    by_chat = {row["chat_id"]: row for row in json.loads(out)}
    assert by_chat[102] == {
        "chat_id": 102,
        "status": "blocked",
        "done_at": "2026-11-01T09:31:00+00:00",
        "error": "Forbidden: bot was blocked by the user",
    }
    assert by_chat[101]["error"] is None and by_chat[108]["done_at"] is None
    # A withdrawn release: what had gone, and what never went.
    code, out, _ = await report(db_path, str(ids.c), "--deliveries", "--format", "json")
    assert sorted((row["status"], row["error"]) for row in json.loads(out)) == [
        *[("failed", "withdrawn before delivery")] * 5,
        ("sent", None),
    ]
    # A release nothing has reached yet: every chat pending, none done.
    code, out, _ = await report(db_path, str(ids.e), "--deliveries", "--format", "json")
    assert {(row["status"], row["done_at"]) for row in json.loads(out)} == {("pending", None)}


async def test_the_csv_is_utf_8_whatever_the_terminal_s_encoding(tmp_path: Path) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    ids = await build(db_path)
    code, out, err = await report(db_path, str(ids.b), PYTHONIOENCODING="latin-1")
    assert (code, err) == (0, "")
    assert csv_rows(out, RELEASES_HEADER)[0][1] == TITLE_B


BAD_INPUT = [
    (("--since", "2026-13-01"), "--since '2026-13-01' is not a date (2026-11-01) or an ISO time"),
    (("--since", "yesterday"), "--since 'yesterday' is not a date"),
    (("--until", "2026-11-31"), "--until '2026-11-31' is not a date"),
    (("--since", "2026-11-05", "--until", "2026-11-01"),
     "--until '2026-11-01' is not after --since '2026-11-05'"),
    (("--format", "xml"), "--format 'xml' is not one of csv, json"),
    (("--format", ""), "--format '' is not one of csv, json"),
    (("abc",), "'abc' is not an item id: give its number (pressbot report 12)"),
    (("-5",), "'-5' is not an item id"),
    (("١٢",), "'١٢' is not an item id"),  # Arabic-Indic digits: int() takes them, the rule not
    (("1234567890123456789",), "'1234567890123456789' is not an item id"),
    (("--deliveries",), "--deliveries needs an item id: pressbot report 12 --deliveries"),
    (("--since", "2026-11-01", "--deliveries"), "--deliveries needs an item id"),
    (("2", "--since", "2026-11-01"), "--since and --until choose the releases to list"),
    (("2", "--until", "2026-11-01"), "--since and --until choose the releases to list"),
    (("{scheduled}",), "item {scheduled} was never sent to subscribers"),
    (("{scheduled}", "--deliveries"), "item {scheduled} was never sent to subscribers"),
    (("999",), "there is no item 999 in {db}"),
    (("0", "--deliveries"), "there is no item 0 in {db}"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "line"), BAD_INPUT)
async def test_bad_input_is_refused_in_one_line(
    tmp_path: Path, args: tuple[str, ...], line: str
) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    ids = await build(db_path)
    names = {"scheduled": ids.scheduled, "db": db_path}
    code, out, err = await report(db_path, *(arg.format(**names) for arg in args))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(f"pressbot: {line.format(**names)}"), err


def other_programs(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE notes (text TEXT)")


def another_application_id(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA application_id = 1234")
        db.execute("CREATE TABLE schema_migrations (version INTEGER)")


def garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database" * 100)


def empty(path: Path) -> None:
    path.write_bytes(b"")


async def older_schema(path: Path) -> None:
    connection = await open_connection(path)
    try:
        await apply_migrations(connection, tuple(m for m in MIGRATIONS if m.version < 15))
    finally:
        await connection.close()


async def newer_schema(path: Path) -> None:
    await build(path)
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("INSERT INTO schema_migrations VALUES (99, 'the future', '2030-01-01')")


async def reads_dropped(path: Path) -> None:
    await build(path)
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("DROP TABLE reads")


#: How each file is made, and what the line says after the file's name.
FILES = {
    "another program's": (other_programs, " is not a pressbot database (it has tables of"
                          " another program: notes)\n"),
    "another application id": (another_application_id, " is another program's SQLite file"
                               " (application_id 0x4d2), not a pressbot database\n"),
    "not SQLite": (garbage, ": file is not a database\n"),
    "empty": (empty, " is empty, not a pressbot database\n"),
    "older": (older_schema, " keeps no reads: its schema is version 14, older than 15"
              " (pressbot run brings it up to date)\n"),
    "newer": (newer_schema, " has schema version 99, newer than this pressbot knows ("),
    "without reads": (reads_dropped, " lacks its table reads, which schema version"),
}  # fmt: skip


@pytest.mark.parametrize("kind", FILES)
async def test_a_file_that_is_not_a_pressbot_database_of_schema_15_is_refused(
    tmp_path: Path, kind: str
) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    make, line = FILES[kind]
    made = make(db_path)
    if made is not None:
        await made
    assert REPORTS_SCHEMA == 15
    kept = db_path.read_bytes()
    for args in ((), ("2", "--deliveries")):
        code, out, err = await report(db_path, *args)
        assert (code, out) == (2, "")
        assert err.count("\n") == 1 and err.startswith(f"pressbot: {db_path}{line}"), err
    assert db_path.read_bytes() == kept


async def test_no_database_file_is_said_and_none_is_made(tmp_path: Path) -> None:
    db_path = tmp_path / "nowhere.sqlite3"
    code, out, err = await report(db_path)
    assert (code, out) == (2, "")
    assert err == f"pressbot: {db_path} does not exist: there are no releases to report\n"
    assert not db_path.exists()
    folder = tmp_path / "folder.sqlite3"
    folder.mkdir()
    code, out, err = await report(folder, "--format", "json")
    assert (code, out) == (2, "")
    assert err == f"pressbot: {folder} is a folder: there are no releases to report\n"


def state_of(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


async def every_report(db_path: Path, ids: Releases) -> list[str]:
    outs = []
    for args in ((), ("--format", "json"), (str(ids.b),), (str(ids.b), "--deliveries")):
        code, out, err = await report(db_path, *args)
        assert (code, err) == (0, ""), err
        outs.append(out)
    return outs


async def test_a_report_never_writes_to_the_file(tmp_path: Path) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    ids = await build(db_path)
    before = state_of(db_path)
    await every_report(db_path, ids)
    assert state_of(db_path) == before
    # WAL mode keeps its -wal and -shm beside the file: SQLite's, made empty by a reader.
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    # The bot opens it afterwards as ever.
    database = await open_database(db_path)
    try:
        assert [s.item_id for s in await database.releases.latest(1)] == [ids.e]
    finally:
        await database.close()


async def test_a_backup_is_exported_as_it_is(tmp_path: Path) -> None:
    db_path, backup = tmp_path / "pressbot.sqlite3", tmp_path / "backup.sqlite3"
    ids = await build(db_path)
    process = await asyncio.create_subprocess_exec(
        str(PRESSBOT), "backup", str(backup), env=pressbot_env(db_path), cwd=tmp_path
    )
    assert await process.wait() == 0
    before = state_of(backup)
    live = await every_report(db_path, ids)
    assert await every_report(backup, ids) == live
    assert state_of(backup) == before
    # Nothing made beside it: no journal, no WAL.
    assert {name for name in files_in(tmp_path) if name.startswith("backup")} == {"backup.sqlite3"}


@pytest.mark.parametrize("which", ["the bot's file (WAL)", "a backup (rollback journal)"])
async def test_a_report_reads_while_another_connection_holds_a_write_transaction(
    tmp_path: Path, which: str
) -> None:
    db_path = tmp_path / "pressbot.sqlite3"
    ids = await build(db_path)
    if "backup" in which:
        backup = tmp_path / "backup.sqlite3"
        process = await asyncio.create_subprocess_exec(
            str(PRESSBOT), "backup", str(backup), env=pressbot_env(db_path), cwd=tmp_path
        )
        assert await process.wait() == 0
        db_path = backup
    writer = sqlite3.connect(db_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "INSERT INTO reads (item_id, chat_id, at) VALUES (?, 555, ?)",
            (ids.b, (B_AT + timedelta(hours=2)).timestamp()),
        )
        before = state_of(db_path)
        code, out, err = await report(db_path, str(ids.b), "--format", "json")
        assert (code, err) == (0, "")
        assert [row["reads"] for row in json.loads(out)] == [2]  # the writer's read not yet
        code, out, err = await report(db_path, str(ids.b), "--deliveries")
        assert (code, err) == (0, "") and len(csv_rows(out, "chat_id,status,done_at,error")) == 7
        assert state_of(db_path) == before
        writer.execute("COMMIT")
    finally:
        writer.close()
    code, out, _ = await report(db_path, str(ids.b), "--format", "json")
    assert [row["reads"] for row in json.loads(out)] == [3]


async def test_help_lists_the_report(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        str(PRESSBOT), "report", "--help",
        env=pressbot_env(tmp_path / "x.sqlite3"),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await process.communicate()
    assert process.returncode == 0
    for option in ("ID", "--since", "--until", "--deliveries", "--format"):
        assert option in out.decode()


# The pure parts, over inputs nobody can list.


T = TypeVar("T")


def attempt(call: Callable[[], T]) -> T | ExportError:
    """What `call` returns, or the ExportError it raises (any other error fails the test)."""
    try:
        return call()
    except ExportError as error:
        return error


@given(st.text())
def test_any_time_text_is_a_utc_moment_or_one_clear_error(text: str) -> None:
    for whole_day in (False, True):
        moment = attempt(lambda: parse_time("--until", text, whole_day=whole_day))  # noqa: B023
        if isinstance(moment, ExportError):
            assert str(moment).startswith(f"--until {text!r} is not a date")
            assert "\n" not in str(moment)
        else:
            assert moment.utcoffset() == timedelta(0)


@given(st.dates())
def test_a_date_is_its_utc_midnight_and_with_whole_day_the_next(day: date) -> None:
    text = str(day)
    start = parse_time("--since", text)
    assert start == datetime.fromisoformat(text).replace(tzinfo=UTC)
    end = parse_time("--until", text, whole_day=True)
    assert end == NO_END or end - start == timedelta(days=1)


def test_times_off_the_calendar_in_utc_are_its_ends() -> None:
    assert parse_time("--since", "0001-01-01T00:00+01:00") == EVERYTHING
    assert parse_time("--since", "9999-12-31T23:00-05:00") == NO_END
    assert parse_time("--until", "9999-12-31", whole_day=True) == NO_END


ARGUMENT = st.one_of(st.none(), st.text(max_size=30))


@given(item=ARGUMENT, since=ARGUMENT, until=ARGUMENT, chosen=st.text(max_size=6),
       deliveries=st.booleans())  # fmt: skip
def test_any_command_line_is_a_request_or_one_clear_error(
    item: str | None, since: str | None, until: str | None, chosen: str, deliveries: bool
) -> None:
    request = attempt(
        lambda: report_request(
            item, since=since, until=until, chosen=chosen, deliveries=deliveries
        )
    )
    if isinstance(request, ExportError):
        assert str(request) and "\n" not in str(request)
    else:
        assert request.chosen in ("csv", "json")
        assert (request.item_id is None) == (item is None)
        assert request.deliveries == (deliveries and item is not None)
        assert request.until is None or request.since < request.until or since is None


VALUES = st.one_of(st.none(), st.integers(), st.text(), st.floats(allow_nan=False))


@given(st.lists(st.tuples(VALUES, VALUES)))
def test_rows_written_as_they_come_read_back_as_a_whole(rows: list[tuple[object, object]]) -> None:
    columns = ("one", "two")
    as_dicts = [dict(zip(columns, row, strict=True)) for row in rows]
    out = io.StringIO()
    writer = TableWriter(out, "json", columns)
    for row in as_dicts:
        writer.row(row)
    writer.close()
    assert out.getvalue() == json.dumps(as_dicts, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = TableWriter(out, "csv", columns)
    for row in as_dicts:
        writer.row(row)
    writer.close()
    read = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert read[0] == list(columns)
    assert read[1:] == [["" if v is None else str(v) for v in row] for row in rows]
