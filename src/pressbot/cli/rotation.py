"""`pressbot backup --keep N FOLDER`: dated copies in a folder of their own, the newest N kept.

A copy is named ``<database stem>-<UTC time>.sqlite3`` (``pressbot-20261128T033112Z.sqlite3``);
a second one in the same second gets ``-2``, ``-3``… before the suffix, so that no copy is
ever replaced. Only files of that pattern, for this database's stem, count as its copies: a
file of anyone else's in the folder is neither counted nor removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pressbot.storage.backup import BackupError

SUFFIX = ".sqlite3"
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, slots=True)
class Kept:
    """What a rotation did: the copy it wrote and the older ones it removed, oldest first."""

    written: Path
    removed: tuple[Path, ...]
    kept: int


def check_keep(keep: int) -> int:
    """``keep`` if it is a number of copies to keep (1 or more); BackupError otherwise."""
    if keep < 1:
        raise BackupError(f"--keep {keep}: keep at least the copy just made (--keep 1 or more)")
    return keep


def copy_name(db_path: Path, folder: Path, now: datetime) -> Path:
    """The name of a new copy of ``db_path`` in ``folder`` at ``now``: newer than any copy
    of the same second (``-2`` after the plain name, ``-3`` after that), never one taken."""
    stamp = now.astimezone(UTC).strftime(_STAMP)
    same_second = [number for when, number, _ in _dated(db_path, folder) if when == stamp]
    number = max(same_second, default=0) + 1
    while True:
        ending = "" if number == 1 else f"-{number}"
        target = folder / f"{db_path.stem}-{stamp}{ending}{SUFFIX}"
        if not target.exists():  # a folder of that name is no copy, and is not replaced
            return target
        number += 1


def copies_of(db_path: Path, folder: Path) -> list[Path]:
    """The copies of ``db_path`` in ``folder``, oldest first (by the time in their names;
    a clock set back makes a copy look older than it is)."""
    return [path for _, _, path in sorted(_dated(db_path, folder))]


def _dated(db_path: Path, folder: Path) -> list[tuple[str, int, Path]]:
    """Each copy of ``db_path`` in ``folder``: its UTC stamp, its number in that second."""
    if not folder.is_dir():
        return []
    pattern = re.compile(
        rf"{re.escape(db_path.stem)}-(\d{{8}}T\d{{6}}Z)(?:-(\d+))?{re.escape(SUFFIX)}"
    )
    found: list[tuple[str, int, Path]] = []
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        if match and path.is_file():
            found.append((match[1], int(match[2] or 1), path))
    return found


def remove_beyond(
    db_path: Path, folder: Path, keep: int
) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """Remove the oldest copies beyond the newest ``keep``; return what was removed, and the
    copies left."""
    copies = copies_of(db_path, folder)
    removed = tuple(copies[: max(0, len(copies) - keep)])
    left = tuple(copies[len(removed) :])
    for path in removed:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            raise BackupError(f"could not remove the old copy {path}: {error.strerror}") from None
    return removed, left
