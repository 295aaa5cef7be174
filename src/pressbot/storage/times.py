"""How the stores write instants to SQLite and read them back: ISO 8601 text in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def to_db_time(moment: datetime) -> str:
    """Store instants as ISO 8601 in UTC, which sorts as text."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_db_time(text: str) -> datetime:
    """Read an instant stored by `to_db_time`."""
    return datetime.fromisoformat(text)
