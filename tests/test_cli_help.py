"""What `pressbot --version` and `--help` tell the person running it; `python -m fakes --port`."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import aiohttp
import pytest

from harness import TOKEN
from pressbot.cli.arguments import build_parser

COMMANDS = ["run", "console", "import", "import-url", "backup", "restore", "audit", "report"]
TESTS = Path(__file__).parent


def pressbot(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "pressbot", *args],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip


def test_version_is_the_installed_distributions() -> None:
    done = pressbot("--version")
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"pressbot {version('pressbot')}\n",
        "",
    )


def test_help_says_what_the_bot_is_every_command_and_what_the_exit_statuses_mean() -> None:
    done = pressbot("--help")
    assert done.returncode == 0 and done.stderr == ""
    text = done.stdout
    assert "thin over the rest" not in text
    assert "delivers an embassy's press releases on Telegram" in text
    commands = text.split("positional arguments:", 1)[1].split("options:", 1)[0]
    listed = re.findall(r"^    (\S+)", commands, flags=re.MULTILINE)
    assert listed == COMMANDS
    for status in ("0  done", "1  an error while running", "2  a setting, a file or an argument"):
        assert status in text
    assert "PRESSBOT_DB_PATH" in text and ".env" in text


def subcommands() -> dict[str, argparse.ArgumentParser]:
    [action] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_every_argument_is_described(name: str) -> None:
    parser = subcommands()[name]
    assert parser.description and len(parser.description.splitlines()) >= 3, name
    for action in parser._actions:  # what argparse prints, one line each
        assert action.help, (name, action.dest)
        assert action.help != argparse.SUPPRESS


def test_the_arguments_an_operator_names_are_explained() -> None:
    helps = {
        name: " ".join(parser.format_help().split()) for name, parser in subcommands().items()
    }
    assert "--db PATH the console's own database" in helps["console"]
    assert "FILE an items file, as in data/" in helps["import"]
    assert "URL an RSS or Atom feed, or a press page" in helps["import-url"]
    assert "PATH the file to write; with --keep, the folder the copies go in" in helps["backup"]
    assert "PATH the backup to put in place" in helps["restore"]
    assert "ID one release only" in helps["report"]
    assert "a webhook when PRESSBOT_WEBHOOK_URL is set" in helps["run"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_fake_bot_api_listens_on_the_port_it_is_given() -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "fakes", "--port", str(port), "--token", TOKEN,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        base = (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode().strip()
        assert base == f"http://127.0.0.1:{port}/bot"
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{base}{TOKEN}/getMe") as answer,
        ):
            me = await answer.json()
        assert me["ok"] is True and me["result"]["is_bot"] is True
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    stats = json.loads(err.decode().strip().splitlines()[-1])
    assert stats["methods"] == {"getMe": 1}
