"""requirements/: the lock files agree with pyproject.toml; what is installed is what they lock.

The README's two set-up commands, .ci/run and the Dockerfile all install through
scripts/install-locked; the last test runs it (the Dockerfile's own line) in a new virtual
environment and compares what landed there with requirements/run.txt, version by version.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
RUN_LOCK = ROOT / "requirements" / "run.txt"
TEST_LOCK = ROOT / "requirements" / "test.txt"
BUILD_IN = ROOT / "requirements" / "build.in"
#: A pin of the lock: `name==version ; marker \` then its `--hash=sha256:...` lines.
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?:\s*;\s*(?P<marker>[^\\]+))?")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class Pin:
    name: str
    version: Version
    marker: Marker | None
    hashes: int

    def applies(self) -> bool:
        """Whether this Python, on this platform, installs it."""
        return self.marker is None or self.marker.evaluate()


def pins(lock: Path) -> list[Pin]:
    """The lock's pins, in order, each with the number of hashes it carries."""
    found: list[Pin] = []
    for block in re.split(r"\n(?=\S)", lock.read_text(encoding="utf-8")):
        match = PIN.match(block)
        if match is None:
            assert block.startswith("#"), f"not a pin nor a comment in {lock.name}: {block!r}"
            continue
        marker = match["marker"]
        found.append(
            Pin(
                canonicalize_name(match["name"]),
                Version(match["version"]),
                Marker(marker.strip()) if marker else None,
                len(HASH.findall(block)),
            )
        )
    return found


def applying(lock: Path) -> dict[str, Version]:
    """What the lock installs here: name to version."""
    chosen: dict[str, Version] = {}
    for pin in pins(lock):
        if pin.applies():
            assert pin.name not in chosen, f"{pin.name} pinned twice for this Python"
            chosen[pin.name] = pin.version
    return chosen


def project() -> dict[str, object]:
    loaded: dict[str, object] = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return loaded


def declared(extra: str | None) -> list[Requirement]:
    """pyproject.toml's ranges: the run-time dependencies, or one extra's."""
    table = project()["project"]
    assert isinstance(table, dict)
    if extra is None:
        return [Requirement(line) for line in table["dependencies"]]
    return [Requirement(line) for line in table["optional-dependencies"][extra]]


def build_requirements() -> list[Requirement]:
    system = project()["build-system"]
    assert isinstance(system, dict)
    listed = [line.strip() for line in BUILD_IN.read_text("utf-8").splitlines()]
    return [Requirement(line) for line in [*system["requires"], *listed] if line[:1].isalnum()]


@pytest.mark.parametrize("lock", [RUN_LOCK, TEST_LOCK], ids=["run", "test"])
def test_every_pin_is_one_exact_version_with_its_hashes(lock: Path) -> None:
    locked = pins(lock)
    assert len(locked) > 20
    assert all(pin.hashes >= 1 for pin in locked), [p.name for p in locked if not p.hashes]


@pytest.mark.parametrize(
    ("lock", "extras"),
    [(RUN_LOCK, [None]), (TEST_LOCK, [None, "test"])],
    ids=["run", "test"],
)
def test_the_lock_satisfies_every_range_of_pyproject(lock: Path, extras: list[str | None]) -> None:
    """A range changed in pyproject.toml without `scripts/lock` fails here."""
    locked = applying(lock)
    wanted = [req for extra in extras for req in declared(extra)] + build_requirements()
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement} is not in {lock.name}: run scripts/lock"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"{lock.name} has {name}=={locked[name]}, outside {requirement}: run scripts/lock"
        )
        for extra in requirement.extras:  # python-telegram-bot[job-queue,rate-limiter]
            dist = metadata.distribution(requirement.name)
            for needed in map(Requirement, dist.requires or []):
                if needed.marker is not None and needed.marker.evaluate({"extra": extra}):
                    assert canonicalize_name(needed.name) in locked, f"{needed} for [{extra}]"


def test_the_tests_run_on_the_versions_the_bot_runs_on() -> None:
    """test.txt is run.txt and the test tools: no shared package at another version."""
    run, test = applying(RUN_LOCK), applying(TEST_LOCK)
    assert {name: test.get(name) for name in run} == run


def test_this_environment_holds_exactly_the_locked_versions() -> None:
    """The README's test command installed this environment from requirements/test.txt."""
    installed = {
        canonicalize_name(dist.metadata["Name"]): Version(dist.version)
        for dist in metadata.distributions()
    }
    installed.pop("pressbot")
    for tool in ("pip", "setuptools", "wheel"):  # what `python -m venv` brings itself
        installed.pop(tool, None)
    assert installed == applying(TEST_LOCK)


def dockerfile_install_line() -> str:
    """The Dockerfile's RUN line that installs pressbot."""
    runs = [
        line.removeprefix("RUN ").strip()
        for line in (ROOT / "Dockerfile").read_text("utf-8").splitlines()
        if line.startswith("RUN ") and "install-locked" in line
    ]
    assert len(runs) == 1, runs
    return runs[0]


def test_the_readme_and_ci_install_through_the_same_script() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    run_command = (
        "python3 -m venv .venv && scripts/install-locked .venv requirements/run.txt"
        " && .venv/bin/pressbot run"
    )
    test_command = (
        "python3 -m venv .venv && scripts/install-locked .venv requirements/test.txt -e"
        " && scripts/check"
    )
    assert f"```sh\n{run_command}\n```" in readme
    assert f"```sh\n{test_command}\n```" in readme
    assert (ROOT / ".ci" / "run").read_text("utf-8").rstrip().endswith(test_command)
    script = (ROOT / "scripts" / "install-locked").read_text("utf-8")
    assert "--require-hashes" in script
    assert "--no-build-isolation" in script
    assert "scripts/install-locked /opt/pressbot requirements/run.txt" in dockerfile_install_line()


def test_the_dockerfiles_install_step_installs_exactly_the_lock(tmp_path: Path) -> None:
    """The Dockerfile's install line, run as it is but for the folder, in a new virtual
    environment (pip's cache makes it quick): pressbot and exactly run.txt's versions."""
    venv = tmp_path / "pressbot"
    line = dockerfile_install_line().replace("/opt/pressbot", shlex.quote(str(venv)))
    line = line.replace("python -m venv", f"{shlex.quote(sys.executable)} -m venv", 1)
    done = subprocess.run(
        ["sh", "-c", line], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    freeze = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installed = {
        canonicalize_name(name): Version(version)
        for name, _, version in (row.partition("==") for row in freeze.split())
    }
    assert installed.pop("pressbot") == Version(project()["project"]["version"])  # type: ignore[index]
    for tool in ("pip", "setuptools", "wheel"):
        installed.pop(tool, None)
    assert installed == applying(RUN_LOCK)
    version = subprocess.run(
        [venv / "bin" / "pressbot", "--version"], capture_output=True, text=True, check=False
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"pressbot {installed_version()}"


def installed_version() -> str:
    return metadata.version("pressbot")
