"""`pressbot report`: how each release did, on stdout as CSV or JSON, for the operator.

`pressbot report [--since DATE] [--until DATE]`: one row a release, oldest first;
`pressbot report ID`: that release's row; `pressbot report ID --deliveries`: its deliveries,
one row a chat, with the chat ids (the operator's, on the server; /stats shows only counts).
The file is only read, never written: the bot may run meanwhile, and a backup can be
exported as it is. Every option is checked before the file is opened.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from pressbot.cli.export import (
    EVERYTHING,
    ExportError,
    TableWriter,
    check_format,
    parse_since,
    parse_time,
    require_file,
)
from pressbot.core.inputs import parse_id
from pressbot.core.reports import ReleaseSummary
from pressbot.storage.connection import Connection, DatabaseError
from pressbot.storage.items import ItemStore
from pressbot.storage.read_only import describe_read_error, open_read_only
from pressbot.storage.release_reports import ReleaseReports
from pressbot.storage.times import to_db_time

RELEASE_COLUMNS = (
    "item_id",
    "title",
    "released_at",
    "status",
    "total",
    "sent",
    "blocked",
    "failed",
    "pending",
    "held",
    "in_digests",
    "reads",
    "read_rate",
)
DELIVERY_COLUMNS = ("chat_id", "status", "done_at", "error")


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """What `pressbot report` was asked for: the releases of a period, or one release."""

    chosen: str  # csv or json
    since: datetime = EVERYTHING
    until: datetime | None = None  # None: no end
    item_id: int | None = None
    deliveries: bool = False  # the item's deliveries rather than its row


def report_request(
    item: str | None, *, since: str | None, until: str | None, chosen: str, deliveries: bool
) -> ReportRequest:
    """The command line's words checked: ExportError, in one line, for any it can't use."""
    chosen = check_format(chosen)
    if item is None:
        if deliveries:
            raise ExportError("--deliveries needs an item id: pressbot report 12 --deliveries")
        start = parse_since(since)
        end = None if until is None else parse_time("--until", until, whole_day=True)
        if since is not None and end is not None and end <= start:
            raise ExportError(f"--until {until!r} is not after --since {since!r}")
        return ReportRequest(chosen, since=start, until=end)
    item_id = parse_id(item.strip())
    if item_id is None:
        raise ExportError(f"{item!r} is not an item id: give its number (pressbot report 12)")
    if since is not None or until is not None:
        raise ExportError(
            "--since and --until choose the releases to list: give neither with an item id"
        )
    return ReportRequest(chosen, item_id=item_id, deliveries=deliveries)


def release_row(summary: ReleaseSummary) -> dict[str, object]:
    """One release as its row: times in UTC, the read rate in percent to one decimal (None
    while no copy has reached a chat)."""
    rate = summary.read_rate
    return {
        "item_id": summary.item_id,
        "title": summary.title,
        "released_at": to_db_time(summary.released_at),
        "status": "withdrawn" if summary.withdrawn else "published",
        "total": summary.total,
        "sent": summary.sent,
        "blocked": summary.blocked,
        "failed": summary.failed,
        "pending": summary.pending,
        "held": summary.held,
        "in_digests": summary.in_digests,
        "reads": summary.reads,
        "read_rate": None if rate is None else float(f"{rate:.1f}"),
    }


async def export_report(db_path: Path, request: ReportRequest, out: TextIO) -> int:
    """Write what `request` asks for to `out`, reading the file at `db_path` only; return the
    exit status (0). ExportError or DatabaseError, in one line, before anything is written
    when the file or the item is not there."""
    require_file(db_path, "there are no releases to report")
    connection = await open_read_only(db_path)
    try:
        await _write(connection, db_path, request, out)
    except sqlite3.Error as error:  # damage met on the way: the reads raise it only here
        raise DatabaseError(describe_read_error(db_path, error)) from None
    finally:
        await connection.close()
    return 0


async def _write(
    connection: Connection, db_path: Path, request: ReportRequest, out: TextIO
) -> None:
    releases = ReleaseReports(connection)
    if request.item_id is None:
        writer = TableWriter(out, request.chosen, RELEASE_COLUMNS)
        for release in await releases.since(request.since, request.until):
            writer.row(release_row(release))
        writer.close()
        return
    summary = await releases.summary(request.item_id)
    if summary is None:
        exists = await ItemStore(connection).get(request.item_id) is not None
        raise ExportError(
            f"item {request.item_id} was never sent to subscribers"
            if exists
            else f"there is no item {request.item_id} in {db_path}"
        )
    if request.deliveries:
        await _write_deliveries(releases, request.item_id, request.chosen, out)
        return
    writer = TableWriter(out, request.chosen, RELEASE_COLUMNS)
    writer.row(release_row(summary))
    writer.close()


async def _write_deliveries(
    releases: ReleaseReports, item_id: int, chosen: str, out: TextIO
) -> None:
    """One row a chat, written as they are read (a release may have 100,000)."""
    writer = TableWriter(out, chosen, DELIVERY_COLUMNS)
    async for chat_id, status, done_at, error in releases.deliveries(item_id):
        writer.row(
            {
                "chat_id": chat_id,
                "status": status,
                "done_at": None if done_at is None else to_db_time(done_at),
                "error": error or None,
            }
        )
    writer.close()
