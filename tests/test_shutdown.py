"""SIGTERM in the middle of a broadcast: the sends in flight finish, the rest stays pending.

`python -m pressbot run` runs as a real process against the fake Bot API in this test's loop,
as in test_delivery_crash.py, but is stopped the way systemd or Docker stop it.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
import time
from pathlib import Path

from fakes import FakeBotApi
from harness import TOKEN
from test_cli import pressbot_env
from test_delivery_crash import READERS, copies, prepare, statuses


async def start(fake: FakeBotApi, tmp_path: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pressbot", "run",
        cwd=tmp_path,
        env=pressbot_env(
            tmp_path, BOT_TOKEN=TOKEN, API_BASE_URL=fake.base_url, BROADCAST_RATE="20"
        ),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def terminate(process: asyncio.subprocess.Process) -> tuple[int, str, float]:
    """SIGTERM; the exit status, the log and the seconds it took to exit."""
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    except TimeoutError:
        process.kill()  # leave no process behind, and say what it wrote
        _, err = await process.communicate()
        raise AssertionError(f"no exit within 60 s of SIGTERM:\n{err.decode()}") from None
    assert process.returncode is not None
    return process.returncode, err.decode(), time.monotonic() - sent


async def test_sigterm_mid_broadcast_loses_nothing_and_sends_nothing_twice(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    db_path = tmp_path / "cli.sqlite3"
    await prepare(db_path)
    fake_api.delay("sendMessage", 0.3)  # several sends are on the wire at any moment
    first = await start(fake_api, tmp_path)
    try:
        await fake_api.wait_until(lambda: sum(copies(fake_api).values()) >= 20, timeout=30)
        at_signal = sum(copies(fake_api).values())
    finally:
        code, log, _ = await terminate(first)
    assert code == 0, log
    assert "Traceback" not in log, log
    on_disk = statuses(db_path)
    reached = {chat_id for chat_id, n in copies(fake_api).items() if n}
    assert 20 <= len(reached) < len(READERS), ("the signal must land mid-broadcast", log)
    assert len(reached) > at_signal, ("the sends on the wire at the signal finish", log)
    # Every send that left finished and was recorded; what did not leave is still pending.
    for chat_id in READERS:
        expected = "sent" if chat_id in reached else "pending"
        assert on_disk[chat_id] == expected, (chat_id, on_disk[chat_id], log)

    second = await start(fake_api, tmp_path)
    try:

        def all_recorded() -> bool:
            return set(statuses(db_path).values()) == {"sent"}

        await fake_api.wait_until(all_recorded, timeout=30)
    finally:
        code, log, _ = await terminate(second)
    assert code == 0, log
    assert copies(fake_api) == dict.fromkeys(READERS, 1)  # each reader exactly once
    assert fake_api.violations == []


async def test_sends_that_hang_are_given_ten_seconds_then_left_pending(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    db_path = tmp_path / "cli.sqlite3"
    await prepare(db_path)
    fake_api.delay("sendMessage", 60)  # Telegram does not answer
    process = await start(fake_api, tmp_path)
    try:
        await fake_api.wait_until(
            lambda: sum(c.method == "setMyCommands" for c in fake_api.calls) > 0, timeout=30
        )
        await asyncio.sleep(1.0)  # the engine has claimed and sent some
    finally:
        code, log, seconds = await terminate(process)
    assert code == 0, log
    assert 9 < seconds < 20, seconds  # the ten-second grace, and not much more
    assert set(statuses(db_path).values()) == {"pending"}  # nothing is lost


async def test_a_listen_port_in_use_stops_it_with_status_1_and_says_why(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    with taken:
        port = taken.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "pressbot", "run",
            cwd=tmp_path,
            env=pressbot_env(
                tmp_path,
                BOT_TOKEN=TOKEN,
                API_BASE_URL=fake_api.base_url,
                WEBHOOK_URL="https://press.example.org/tg/hook",
                LISTEN=f"127.0.0.1:{port}",
            ),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    log = err.decode()
    assert process.returncode == 1, log
    assert "pressbot stopped on an error" in log
    assert "address already in use" in log
    assert not any(call.method == "setWebhook" for call in fake_api.calls)
