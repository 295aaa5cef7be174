"""`pressbot audit --since DATE --format csv|json`: the audit trail on stdout, oldest first.

CSV has a header (id, at, actor_id, action, item_id, details) and the details as JSON text;
JSON is a list of objects with the details as an object. The file is only read, never
written: the bot may run meanwhile (WAL mode), and a backup can be exported as it is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from pressbot.core.team import AuditEntry
from pressbot.storage.audit import read_since
from pressbot.storage.times import to_db_time

FORMATS = ("csv", "json")
COLUMNS = ("id", "at", "actor_id", "action", "item_id", "details")
#: --since's default: every row.
EVERYTHING = datetime.min.replace(tzinfo=UTC)


class AuditExportError(Exception):
    """An --since or --format the export can't use, or no database to read; said in one line."""


def parse_since(text: str | None) -> datetime:
    """--since: a date (its UTC midnight) or an ISO 8601 time (UTC when it names no zone);
    EVERYTHING when not given."""
    if text is None:
        return EVERYTHING
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise AuditExportError(
            f"--since {text!r} is not a date (2026-11-01) or an ISO time (2026-11-01T09:30+03:00)"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def check_format(text: str) -> str:
    """--format: csv or json, any case."""
    chosen = text.strip().lower()
    if chosen not in FORMATS:
        raise AuditExportError(f"--format {text!r} is not one of {', '.join(FORMATS)}")
    return chosen


def _row(entry: AuditEntry) -> dict[str, object]:
    return {
        "id": entry.id,
        "at": to_db_time(entry.at),
        "actor_id": entry.actor_id,
        "action": entry.action.value,
        "item_id": entry.item_id,
        "details": entry.details,
    }


def write_rows(entries: Sequence[AuditEntry], chosen: str, out: TextIO) -> None:
    """Write the rows to `out` as `chosen` (csv or json)."""
    rows = [_row(entry) for entry in entries]
    if chosen == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        row["details"] = json.dumps(row["details"], ensure_ascii=False)
        writer.writerow(["" if row[column] is None else row[column] for column in COLUMNS])


def export_audit(db_path: Path, since: datetime, chosen: str, out: TextIO) -> int:
    """Write the rows at or after `since` to `out`; return the exit status (0)."""
    if not db_path.is_file():  # SQLite would make an empty database, with nothing to say
        what = "is a folder" if db_path.is_dir() else "does not exist"
        raise AuditExportError(f"{db_path} {what}: there is no audit trail to export")
    write_rows(read_since(db_path, since), chosen, out)
    return 0
