"""The command line as an operator uses it: real processes, real files, real signals."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from conftest import SEED_FILE
from fakes import FakeBotApi
from harness import TOKEN, USER


def pressbot_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSBOT_")}
    env["PRESSBOT_DB_PATH"] = str(tmp_path / "cli.sqlite3")
    env.update({f"PRESSBOT_{name}": value for name, value in variables.items()})
    return env


async def run_cli(tmp_path: Path, *args: str, **variables: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pressbot", *args,
        cwd=tmp_path,
        env=pressbot_env(tmp_path, **variables),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def stderr_at_exit(
    process: asyncio.subprocess.Process, deadline: float, before: str = ""
) -> str:
    """What ``process`` writes to stderr until it exits. Not exited within ``deadline``, it is
    killed and the test fails, showing ``before`` (what was read of it already) and the rest."""
    try:
        _, err = await asyncio.wait_for(process.communicate(), timeout=deadline)
    except TimeoutError:
        process.kill()
        _, err = await process.communicate()
        raise AssertionError(f"no exit within {deadline} s:\n{before}{err.decode()}") from None
    return err.decode()


async def run_until_logged(
    tmp_path: Path, marker: str, deadline: float, **variables: str
) -> tuple[list[str], str]:
    """Start `pressbot run`, read its log until a line holds ``marker``, then stop it with
    SIGTERM: the lines read until then, and the whole log. It must exit 0 within ``deadline``."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pressbot", "run",
        cwd=tmp_path,
        env=pressbot_env(tmp_path, **variables),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    lines: list[str] = []
    try:
        async with asyncio.timeout(deadline):
            while not any(marker in line for line in lines):
                line = (await process.stderr.readline()).decode()
                assert line, ("it exited", process.returncode, "".join(lines))
                lines.append(line)
    finally:
        with contextlib.suppress(ProcessLookupError):  # it ended before the marker
            process.send_signal(signal.SIGTERM)
        rest = await stderr_at_exit(process, deadline, "".join(lines))
    log = "".join(lines) + rest
    assert process.returncode == 0, log
    return lines, log


async def test_run_without_a_token_names_the_variable(tmp_path: Path) -> None:
    code, out, err = await run_cli(tmp_path, "run")
    assert code == 2
    assert out == ""
    assert err.strip().splitlines() == [
        "pressbot: PRESSBOT_BOT_TOKEN is not set: put it in the environment or in .env"
        " (see .env.example)"
    ]


@pytest.mark.parametrize(
    ("variables", "line"),
    [
        (
            {"ADMIN_IDS": "111,x"},
            "pressbot: PRESSBOT_ADMIN_IDS is invalid: must be comma-separated",
        ),
        ({"BOT_TOKEN": "oops-secret"}, "pressbot: PRESSBOT_BOT_TOKEN is invalid: must look like"),
        ({"API_BASE_URL": "nowhere"}, "pressbot: PRESSBOT_API_BASE_URL is invalid"),
        (
            {"FEED_URLS": "de=https://e.example/feed.xml"},
            "pressbot: PRESSBOT_FEED_URLS is invalid: a source's language is one of en, ru",
        ),
    ],
)
async def test_malformed_settings_stop_with_one_line(
    tmp_path: Path, variables: dict[str, str], line: str
) -> None:
    code, _, err = await run_cli(tmp_path, "run", **variables)
    assert code == 2
    [only] = err.strip().splitlines()
    assert only.startswith(line)
    assert "Traceback" not in err and "oops-secret" not in err


async def test_import_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    code, out, _ = await run_cli(tmp_path, "import", str(SEED_FILE))
    assert code == 0 and "11 of 11 items added, 0 already there" in out
    code, out, _ = await run_cli(tmp_path, "import", str(SEED_FILE))
    assert code == 0 and "0 of 11 items added, 11 already there" in out
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM items").fetchone() == (11,)


async def test_import_of_a_bad_file_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    item = '{"kind": "memo", "published": "2018-10-15", "title": "t", "body": "b"}'
    bad.write_text(f'{{"format": "pressbot-items/1", "items": [{item}]}}', encoding="utf-8")
    code, _, err = await run_cli(tmp_path, "import", str(bad))
    assert code == 2
    assert err.startswith(f"pressbot: {bad}: items.0.kind: 'memo' is not one of press_release,")
    assert "Traceback" not in err


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
async def test_run_answers_and_stops_cleanly_on_a_signal(
    fake_api: FakeBotApi, tmp_path: Path, stop_signal: signal.Signals
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pressbot", "run",
        cwd=tmp_path,
        env=pressbot_env(tmp_path, BOT_TOKEN=TOKEN, API_BASE_URL=fake_api.base_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake_api.wait_until(lambda: bool(fake_api.commands), timeout=30)
        fake_api.user_sends("/start")
        [welcome] = await fake_api.wait_for_messages(USER, 1, timeout=30)
        assert "You are subscribed" in welcome.text
    finally:
        process.send_signal(stop_signal)
        _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    log = err.decode()
    assert process.returncode == 0, log
    assert "seeded 11 items" in log
    assert TOKEN not in log and TOKEN.partition(":")[2] not in log
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        assert db.execute(
            "SELECT active FROM subscribers WHERE chat_id = ?", (USER,)
        ).fetchone() == (1,)


def one_item(published: str = "2018-10-15", title: str = "Заявление") -> str:
    entry = {"kind": "event", "published": published, "title": title, "body": "Текст"}
    return json.dumps({"format": "pressbot-items/1", "items": [entry]}, ensure_ascii=False)


#: name: (the file's bytes, or a path to import; what the line says after "pressbot: <path>: ")
BAD_FILES: dict[str, tuple[bytes | Path, str]] = {
    "cp1251": (
        one_item().encode("cp1251"),
        "not UTF-8 text (nor UTF-16 with a byte order mark): save it as UTF-8 and import it again",
    ),
    "deep nesting": ((b"[" * 100_000) + (b"]" * 100_000), "not an items file: nested too deeply"),
    "5000 digits": (b'{"format": "pressbot-items/1", "n": ' + b"9" * 5000 + b"}", "not an items"),
    "out-of-range date": (
        one_item("9999-12-31T23:59:59-12:00").encode(),
        "items.0.published: Value error, must be in the years 1900 to 2999",
    ),
    "/dev/zero": (Path("/dev/zero"), "too large: more than 20 MB; split it into files"),
}


@pytest.mark.parametrize("name", BAD_FILES)
async def test_import_of_a_file_it_cannot_read_says_why_in_one_line(
    tmp_path: Path, name: str
) -> None:
    content, reason = BAD_FILES[name]
    if isinstance(content, Path):
        path = content
    else:
        path = tmp_path / "items.json"
        path.write_bytes(content)
    code, out, err = await run_cli(tmp_path, "import", str(path))
    assert (code, out) == (2, "")
    assert err.splitlines() == [err.rstrip("\n")], err  # one line, and no traceback
    assert err.startswith(f"pressbot: {path}: {reason}"), err


async def test_import_reads_utf8_with_a_bom_and_utf16(tmp_path: Path) -> None:
    for encoding in ("utf-8-sig", "utf-16"):
        path = tmp_path / f"{encoding}.json"
        path.write_bytes(one_item(title=f"Saved as {encoding}").encode(encoding))
        code, out, err = await run_cli(tmp_path, "import", str(path))
        assert code == 0, err
        assert out.startswith(f"{path}: 1 of 1 items added"), out
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        assert sorted(db.execute("SELECT title FROM items")) == [
            ("Saved as utf-16",),
            ("Saved as utf-8-sig",),
        ]
