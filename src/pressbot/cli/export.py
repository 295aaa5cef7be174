"""What `pressbot audit` and `pressbot report` share: their options, checked before the file
is opened, and rows written on stdout as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

FORMATS = ("csv", "json")
#: --since's default: every row.
EVERYTHING = datetime.min.replace(tzinfo=UTC)
#: --until's, and where a whole day's end would pass the calendar's: no end.
NO_END = datetime.max.replace(tzinfo=UTC)


class ExportError(Exception):
    """An option an export can't use, or no database to read; said in one line."""


def parse_time(option: str, text: str, *, whole_day: bool = False) -> datetime:
    """A date (its UTC midnight; with `whole_day`, the next one, so that the day is in) or an
    ISO 8601 time (UTC when it names no zone), in UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ExportError(
            f"{option} {text!r} is not a date (2026-11-01) or an ISO time (2026-11-01T09:30+03:00)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
        if whole_day and _is_date(text):
            moment += timedelta(days=1)
    except OverflowError:  # off the calendar once in UTC: before its first day, or past its last
        return EVERYTHING if moment.year == 1 else NO_END
    return moment


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def parse_since(text: str | None) -> datetime:
    """--since: a date (its UTC midnight) or an ISO 8601 time (UTC when it names no zone);
    EVERYTHING when not given."""
    return EVERYTHING if text is None else parse_time("--since", text)


def check_format(text: str) -> str:
    """--format: csv or json, any case."""
    chosen = text.strip().lower()
    if chosen not in FORMATS:
        raise ExportError(f"--format {text!r} is not one of {', '.join(FORMATS)}")
    return chosen


def require_file(db_path: Path, nothing: str) -> None:
    """Refuse a database path with no file: SQLite would make an empty one, with `nothing`
    to say ("there is no audit trail to export")."""
    if not db_path.is_file():
        what = "is a folder" if db_path.is_dir() else "does not exist"
        raise ExportError(f"{db_path} {what}: {nothing}")


class TableWriter:
    """Rows written to `out` as they come: CSV with a header (None as an empty field), or a
    JSON list of objects (None as null), laid out as json.dump(rows, indent=2) would."""

    def __init__(self, out: TextIO, chosen: str, columns: Sequence[str]) -> None:
        self._out, self._json, self._columns = out, chosen == "json", tuple(columns)
        self._rows = 0
        # csv quotes a field holding a character of its line terminator, and a lone "\r" is
        # a line break to readers too: rows are made with "\r\n", then end in "\n".
        self._line = io.StringIO()
        self._csv = csv.writer(self._line, lineterminator="\r\n")
        if not self._json:
            self._csv_row(self._columns)

    def row(self, values: Mapping[str, object]) -> None:
        """Write one row: a value for each column."""
        if not self._json:
            self._csv_row(["" if values[c] is None else values[c] for c in self._columns])
            return
        text = json.dumps({c: values[c] for c in self._columns}, ensure_ascii=False, indent=2)
        # JSON strings hold no raw newline, so every one here is the layout's.
        self._out.write(("[\n  " if self._rows == 0 else ",\n  ") + text.replace("\n", "\n  "))
        self._rows += 1

    def _csv_row(self, fields: Sequence[object]) -> None:
        self._line.seek(0)
        self._line.truncate()
        self._csv.writerow(fields)
        self._out.write(self._line.getvalue().removesuffix("\r\n") + "\n")

    def close(self) -> None:
        """End the list (JSON); CSV needs nothing more."""
        if self._json:
            self._out.write("[]\n" if self._rows == 0 else "\n]\n")
