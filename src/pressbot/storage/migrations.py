"""Ordered schema migrations, each applied with its record in one transaction."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from pressbot.storage.connection import Connection
from pressbot.storage.schema import MIGRATIONS, Migration

logger = logging.getLogger(__name__)


class SchemaError(Exception):
    """A schema this pressbot must not write to: a newer pressbot's.

    The message starts after the file's name: "<file> has schema version 12, newer …".
    """


def check_schema_version(version: int, migrations: tuple[Migration, ...] = MIGRATIONS) -> None:
    """Refuse a file whose highest migration is newer than any this pressbot knows.

    An older version would write into a schema it does not understand; starting on the file
    and restoring it are refused alike.
    """
    known = max(migration.version for migration in migrations)
    if version > known:
        raise SchemaError(
            f"has schema version {version}, newer than this pressbot knows ({known})"
        )


async def apply_migrations(
    connection: Connection, migrations: tuple[Migration, ...] = MIGRATIONS
) -> list[int]:
    """Apply the migrations not yet recorded, in order; return the versions applied.

    SchemaError, with nothing changed, for a schema newer than ``migrations``. Another
    program's SQLite file never gets here: opening the connection refused it already
    (connection.foreign_file_reason, the one rule for whose file it is).
    """
    async with connection.transaction() as raw:
        await raw.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with raw.execute("SELECT version FROM schema_migrations") as cursor:
            done = {row[0] async for row in cursor}
        check_schema_version(max(done, default=0), migrations)
    applied = []
    for migration in sorted(migrations, key=lambda m: m.version):
        if migration.version in done:
            continue
        async with connection.transaction() as raw:
            for statement in migration.statements:
                await raw.execute(statement)
            await raw.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, datetime.now(UTC).isoformat()),
            )
        logger.info("applied migration %d: %s", migration.version, migration.name)
        applied.append(migration.version)
    return applied
