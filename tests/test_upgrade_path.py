"""The README's upgrade and its way back ("Upgrades"), step by step with the real console script.

A newer pressbot is played by what it leaves in the file: a migration this one does not know,
recorded in schema_migrations as every migration is.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRESSBOT = Path(sys.executable).parent / "pressbot"
SEED = ROOT / "data" / "press_page_2018-10-18.json"


def pressbot(db: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRESSBOT_")}
    return subprocess.run(
        [PRESSBOT, *map(str, args)],
        env=env | {"PRESSBOT_DB_PATH": str(db), "PRESSBOT_SEED": "false"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def versions(db: Path) -> list[int]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT version FROM schema_migrations")]


def test_back_up_upgrade_refuse_restore_and_go_on(tmp_path: Path) -> None:
    db, backups = tmp_path / "pressbot.sqlite3", tmp_path / "backups"
    assert pressbot(db, "import", SEED).returncode == 0
    known = max(versions(db))

    # 1. Back up, as the timer's unit does.
    backed_up = pressbot(db, "backup", "--keep", "14", backups)
    assert backed_up.returncode == 0, backed_up.stderr
    (backup,) = backups.iterdir()
    assert max(versions(backup)) == known

    # 2-4. The new version starts and applies its migration (with a table of its own).
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE newer_feature (id INTEGER PRIMARY KEY)")
        connection.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            (known + 1, "newer feature", datetime.now(UTC).isoformat()),
        )

    # Going back: the old version refuses the upgraded file, in one line, and changes nothing.
    refused = pressbot(db, "import", SEED)
    assert refused.returncode == 2
    assert refused.stderr == (
        f"pressbot: {db} has schema version {known + 1},"
        f" newer than this pressbot knows ({known})\n"
    )
    assert max(versions(db)) == known + 1

    # ... restores the backup of step 1, and works on it again.
    restored = pressbot(db, "restore", backup)
    assert restored.returncode == 0, restored.stderr
    assert max(versions(db)) == known
    again = pressbot(db, "import", SEED)
    assert again.returncode == 0, again.stderr
    assert "0 of 11 items added" in again.stdout

    # The upgraded database is set aside, not lost: the newer version's work is in it.
    (kept,) = tmp_path.glob("pressbot.sqlite3.before-restore-*Z")  # its WAL beside it
    assert kept.name in restored.stdout
    assert max(versions(kept)) == known + 1
