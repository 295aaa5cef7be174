"""`pressbot backup` and `pressbot restore`: the operator's side of storage/backup.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pressbot.cli.instance_lock import hold_database_lock
from pressbot.cli.progress_bar import ProgressBar
from pressbot.cli.rotation import check_keep, copy_name, remove_beyond
from pressbot.storage.backup import BackupError, check_pressbot_database, copy_database
from pressbot.storage.backup import replace_database as put_in_place


def backup_database(db_path: Path, target: Path, *, force: bool = False) -> str:
    """Copy the database, also while the bot runs; return the line to show when done."""
    if target.exists() and (target.is_dir() or not force):
        what = "a folder" if target.is_dir() else "already there"
        hint = "; give --keep N to write dated copies into it" if target.is_dir() else ""
        hint = hint or "; add --force to replace it"
        raise BackupError(f"{target} is {what}{hint}")
    return f"Backed up {db_path} to {target} (schema version {_copy(db_path, target)})."


def backup_into(db_path: Path, folder: Path, keep: int, now: datetime) -> str:
    """Write a dated copy into ``folder``, then remove the oldest beyond the newest ``keep``.

    Nothing is removed unless the new copy was written whole and checked. Returns the lines
    to show: what was written, what was removed, how many copies there are now.
    """
    check_keep(keep)
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} is a file; with --keep, name the folder the copies go in")
    target = copy_name(db_path, folder, now)
    try:
        version = _copy(db_path, target)
    except BackupError:
        target.unlink(missing_ok=True)  # not a copy to keep, nor to count among the N
        raise
    removed, left = remove_beyond(db_path, folder, keep)
    lines = [f"Backed up {db_path} to {target} (schema version {version})."]
    lines += [f"Removed the older copy {path}." for path in removed]
    count = len(left)
    lines.append(f"{count} {'copy' if count == 1 else 'copies'} of {db_path.name} in {folder}.")
    return "\n".join(lines)


def _copy(db_path: Path, target: Path) -> int:
    """Copy ``db_path`` to ``target`` and check the copy; return its schema version."""
    if target.resolve() == db_path.resolve():
        raise BackupError("the backup must go to another file than the database")
    copy_database(db_path, target, ProgressBar(f"Backing up {db_path.name}", "pages").show)
    return check_pressbot_database(target)


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
