"""Logs as an operator reads them: text or JSON lines, and never the bot token."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakes import FakeBotApi
from harness import TOKEN
from pressbot.logs import REDACTED, JsonLinesFormatter
from test_cli import pressbot_env

WRONG_TOKEN = "654321:WRONG-secret-token-xyz"


def secret_parts(token: str) -> list[str]:
    return [token, token.partition(":")[2]]


@pytest.fixture
def json_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLinesFormatter(secret_parts(TOKEN)))
    logger = logging.getLogger("test_logs.json")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_a_json_line_has_time_level_logger_message_and_traceback(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_log
    logger.warning("calling %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
    try:
        raise RuntimeError(f"the token `{TOKEN}` was rejected")
    except RuntimeError:
        logger.exception("failed with %d", 401)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2  # a traceback stays inside its one line
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"time", "level", "logger", "message"}
    assert first["level"] == "WARNING" and first["logger"] == "test_logs.json"
    assert first["message"] == f"calling https://api.telegram.org/bot{REDACTED}/getMe"
    assert first["time"].endswith("+00:00")
    assert second["message"] == "failed with 401"
    assert second["exc_info"].startswith("Traceback (most recent call last):")
    assert f"RuntimeError: the token `{REDACTED}` was rejected" in second["exc_info"]
    assert TOKEN.partition(":")[2] not in stream.getvalue()


async def run_bot(fake: FakeBotApi, tmp_path: Path, token: str, log_format: str) -> str:
    """Run `pressbot run` until it exits, or until it has started and is sent SIGTERM.

    Returns "exit <status>", a newline, and what it wrote to stderr.
    """
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pressbot", "run",
        cwd=tmp_path,
        env=pressbot_env(
            tmp_path, BOT_TOKEN=token, API_BASE_URL=fake.base_url, LOG_FORMAT=log_format
        ),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    exited = asyncio.ensure_future(process.wait())
    deadline = time.monotonic() + 30
    # Started: polling (the last step of a start) has asked for updates.
    while not (exited.done() or any(c.method == "getUpdates" for c in fake.calls)):
        assert time.monotonic() < deadline, "pressbot run neither started nor exited"
        await asyncio.sleep(0.05)
    if not exited.done():
        process.send_signal(signal.SIGTERM)
    await exited
    assert process.stderr is not None
    err = await asyncio.wait_for(process.stderr.read(), timeout=30)
    return f"exit {process.returncode}\n{err.decode()}"


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_a_rejected_token_is_one_line_naming_the_setting_and_never_the_token(
    fake_api: FakeBotApi, tmp_path: Path, log_format: str
) -> None:
    # The fake knows another token, so it answers 401; python-telegram-bot's InvalidToken quotes
    # the token, so it must not reach the output, and a supervisor must not restart in a loop.
    output = await run_bot(fake_api, tmp_path, WRONG_TOKEN, log_format)
    status, _, log = output.partition("\n")
    assert status == "exit 2", log
    for part in secret_parts(WRONG_TOKEN):
        assert part not in log
    assert "Traceback" not in log
    assert "exc_info" not in log
    [line] = [line for line in log.splitlines() if line.startswith("pressbot:")]
    assert "PRESSBOT_BOT_TOKEN" in line
    assert "401" in line


async def test_json_logs_are_one_object_a_line_from_start_to_stop(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    status, _, log = (await run_bot(fake_api, tmp_path, TOKEN, "json")).partition("\n")
    assert status == "exit 0", log
    entries = [json.loads(line) for line in log.splitlines()]
    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)
    messages = [entry["message"] for entry in entries]
    assert any(message.startswith("seeded 11 items") for message in messages)
    assert messages[-1] == "stopped"
    for part in secret_parts(TOKEN):
        assert part not in log
