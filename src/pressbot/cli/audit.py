"""`pressbot audit --since DATE --format csv|json`: the audit trail on stdout, oldest first.

CSV has a header (id, at, actor_id, action, item_id, details) and the details as JSON text;
JSON is a list of objects with the details as an object. The file is only read, never
written: the bot may run meanwhile (WAL mode), and a backup can be exported as it is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from pressbot.cli.export import require_file
from pressbot.core.team import AuditEntry
from pressbot.storage.audit import read_since
from pressbot.storage.times import to_db_time

COLUMNS = ("id", "at", "actor_id", "action", "item_id", "details")


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
    require_file(db_path, "there is no audit trail to export")
    write_rows(read_since(db_path, since), chosen, out)
    return 0
