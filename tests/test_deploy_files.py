"""deploy/, compose.yaml and the Dockerfile, checked as far as a machine without a Docker engine
and without systemd as PID 1 can: the units pass `systemd-analyze verify`, the command lines they
run are run for real, compose.yaml is parsed, and the Dockerfile's base image is an exact tag.
(tests/test_locked_install.py runs the Dockerfile's install step.)"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = sorted([*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")])
#: Where the units expect the virtual environment; the tests put this one's in its place.
UNIT_VENV = "/opt/pressbot/venv"
VENV = Path(sys.executable).parent.parent


def unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


def test_the_units_are_the_three_the_readme_installs() -> None:
    assert [path.name for path in UNITS] == [
        "pressbot-backup.service",
        "pressbot-backup.timer",
        "pressbot.service",
    ]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """No warning at all: an unknown key or a value systemd cannot parse is only a warning
    to systemd (the unit still loads, without it), so the test takes any output as a failure."""
    for path in UNITS:
        text = path.read_text(encoding="utf-8").replace(UNIT_VENV, str(VENV))
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / path.name) for path in UNITS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def exec_start(name: str, **paths: Path) -> tuple[list[str], dict[str, str]]:
    """A unit's ExecStart as argv and its Environment= lines, the unit's folders replaced."""
    service = unit(name)["Service"]

    def placed(text: str) -> str:
        text = text.replace(UNIT_VENV, str(VENV))
        for folder, path in paths.items():
            text = text.replace(folder, str(path))
        return text

    argv = shlex.split(placed(service["ExecStart"]))
    environment = dict(
        entry.split("=", 1) for entry in shlex.split(placed(service.get("Environment", "")))
    )
    return argv, environment


def run_as_unit(
    argv: list[str], environment: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRESSBOT_")}
    return subprocess.run(
        argv,
        env=env | environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_setting_to_fix_stops_the_service_instead_of_looping(tmp_path: Path) -> None:
    """The unit's own command line with a bad setting exits with a status the unit does not
    restart on, and a crash loop of any other status ends at the start limit."""
    service = unit("pressbot.service")
    assert service["Service"]["Restart"] == "on-failure"
    assert service["Unit"]["StartLimitBurst"] == "5"
    assert service["Unit"]["StartLimitIntervalSec"] == "300"
    not_restarted = service["Service"]["RestartPreventExitStatus"].split()
    argv, environment = exec_start("pressbot.service", **{"/var/lib/pressbot": tmp_path})
    assert argv[-1] == "run"
    done = run_as_unit(argv, environment | {"PRESSBOT_BOT_TOKEN": "not a token"}, tmp_path)
    assert str(done.returncode) in not_restarted, done.stderr
    assert done.stderr.startswith("pressbot: "), done.stderr
    assert "Traceback" not in done.stderr


def make_database(path: Path) -> None:
    """A real pressbot database, made by `pressbot import` (the schema, then the items)."""
    done = subprocess.run(
        [VENV / "bin" / "pressbot", "import", str(ROOT / "data" / "press_page_2018-10-18.json")],
        env={**os.environ, "PRESSBOT_DB_PATH": str(path), "PRESSBOT_SEED": "false"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_backup_units_command_writes_copies_and_keeps_the_newest(tmp_path: Path) -> None:
    """pressbot-backup.service's ExecStart, run three times as the timer would run it, on a
    real database: each run a whole copy in the backups folder, never beside the database,
    and no more copies than its --keep."""
    state, backups = tmp_path / "state", tmp_path / "backups"
    state.mkdir()
    argv, environment = exec_start(
        "pressbot-backup.service",
        **{"/var/lib/pressbot": state, "/var/backups/pressbot": backups},
    )
    make_database(Path(environment["PRESSBOT_DB_PATH"]))
    keep = int(argv[argv.index("--keep") + 1])
    assert keep >= 7
    unit_paths = unit("pressbot-backup.service")["Service"]["ReadWritePaths"].split()
    assert unit_paths == ["/var/lib/pressbot", "/var/backups/pressbot"]
    for _ in range(3):
        done = run_as_unit(argv, environment, tmp_path)
        assert done.returncode == 0, done.stderr
    copies = sorted(backups.iterdir())
    assert len(copies) == 3
    for copy in copies:
        with sqlite3.connect(copy) as db:
            assert db.execute("SELECT count(*) FROM items").fetchone()[0] > 0
    assert sorted(path.name for path in state.iterdir()) == ["pressbot.sqlite3"]


def test_the_timer_runs_the_backup_daily_and_catches_up() -> None:
    timer = unit("pressbot-backup.timer")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 03:30:00"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
    assert unit("pressbot-backup.service")["Service"]["Type"] == "oneshot"


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text("utf-8"))
    return loaded


def test_compose_rotates_logs_and_limits_memory_for_every_service() -> None:
    services = compose()["services"]
    assert set(services) == {"pressbot", "backup"}
    for name, service in services.items():
        logging = service["logging"]
        assert logging["driver"] == "json-file", name
        assert re.fullmatch(r"\d+m", logging["options"]["max-size"]), name
        assert int(logging["options"]["max-file"]) >= 2, name
        assert re.fullmatch(r"\d+m", service["mem_limit"]), name
        assert service["image"] == "pressbot:latest", name


def test_compose_backs_up_daily_to_a_volume_of_its_own() -> None:
    document = compose()
    bot, backup = document["services"]["pressbot"], document["services"]["backup"]
    assert set(document["volumes"]) == {"pressbot-data", "pressbot-backups"}
    assert bot["volumes"] == ["pressbot-data:/data"]
    assert backup["volumes"] == ["pressbot-data:/data", "pressbot-backups:/backups"]
    assert backup["environment"]["PRESSBOT_DB_PATH"] == bot["environment"]["PRESSBOT_DB_PATH"]
    assert backup["healthcheck"] == {"disable": True}
    assert backup["depends_on"] == {"pressbot": {"condition": "service_healthy"}}
    script = backup["command"][-1]
    assert backup["command"][:2] == ["sh", "-c"]
    assert "pressbot backup --keep 14 /backups" in script
    assert "sleep 86400" in script


def test_compose_backup_loop_is_valid_shell() -> None:
    """`sh -n` reads the loop without running it."""
    script = compose()["services"]["backup"]["command"][-1]
    done = subprocess.run(["sh", "-n", "-c", script], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")


def test_the_base_image_is_an_exact_python_release() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    image = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", dockerfile, re.M)
    assert image is not None
    assert re.fullmatch(r"python:3\.11\.\d+-slim-[a-z]+", image[1]), image[1]
    froms = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert froms == ["${PYTHON_IMAGE}", "${PYTHON_IMAGE}"]


def test_what_the_dockerfile_copies_is_in_the_build_context() -> None:
    """Every COPY source exists and .dockerignore does not leave it out."""
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.M):
        for source in sources.split():
            assert (ROOT / source).exists(), source
            top = source.split("/")[0]
            assert top not in ignored, source
