"""`pressbot backup PATH` and `pressbot restore PATH`: the operator's side of storage/backup.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pressbot.cli.instance_lock import hold_database_lock
from pressbot.cli.progress_bar import ProgressBar
from pressbot.storage.backup import BackupError, check_pressbot_database, copy_database
from pressbot.storage.backup import replace_database as put_in_place


def backup_database(db_path: Path, target: Path, *, force: bool = False) -> str:
    """Copy the database, also while the bot runs; return the line to show when done."""
    if target.exists() and (target.is_dir() or not force):
        what = "a directory" if target.is_dir() else "already there"
        hint = "" if target.is_dir() else "; add --force to replace it"
        raise BackupError(f"{target} is {what}{hint}")
    if target.resolve() == db_path.resolve():
        raise BackupError("the backup must go to another file than the database")
    copy_database(db_path, target, ProgressBar(f"Backing up {db_path.name}", "pages").show)
    version = check_pressbot_database(target)
    return f"Backed up {db_path} to {target} (schema version {version})."


def restore_database(db_path: Path, backup: Path, now: datetime) -> str:
    """Replace the database with a backup when no bot runs on it; return the line to show.

    The database it replaces is kept beside it, as ``<name>.before-restore-<time>``: a
    second restore keeps the first one's too.
    """
    if backup.resolve() == db_path.resolve():
        raise BackupError("the backup is the database itself")
    version = check_pressbot_database(backup)
    # Held throughout: a bot started meanwhile refuses to run instead of reading a half-copy.
    with hold_database_lock(db_path):
        kept = put_in_place(
            backup, db_path, now, ProgressBar(f"Restoring {backup.name}", "pages").show
        )
    where = f" The database it replaced is in {kept}." if kept else ""
    return f"Restored {db_path} from {backup} (schema version {version}).{where}"
