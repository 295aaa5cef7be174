"""One step of the schema, as schema.py and its later parts list them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of the schema: its number, a name, and its statements in order."""

    version: int
    name: str
    statements: tuple[str, ...]
