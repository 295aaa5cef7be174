"""`pressbot run` in webhook mode as an operator runs it: a real process, its own port, SIGTERM.

Telegram's part is played by this test: it POSTs the update to the listener as the reverse
proxy would pass it on, and reads the reply from the fake Bot API.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from fakes import FakeBotApi
from harness import TOKEN, USER
from test_cli import pressbot_env

HOOK_URL = "https://press.example.org/tg/hook"
SECRET = "process-test-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_answers_serves_health_and_stops_cleanly(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pressbot", "run",
        cwd=tmp_path,
        env=pressbot_env(
            tmp_path,
            BOT_TOKEN=TOKEN,
            API_BASE_URL=fake_api.base_url,
            WEBHOOK_URL=HOOK_URL,
            WEBHOOK_SECRET=SECRET,
            LISTEN=f"127.0.0.1:{port}",
        ),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        await fake_api.wait_until(lambda: fake_api.webhook_url == HOOK_URL, timeout=30)
        fake_api.user_sends("/start")
        update = fake_api.pending_updates[-1]
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{base}/tg/hook", json=update, headers=headers) as answer:
                assert answer.status == 200
            [welcome] = await fake_api.wait_for_messages(USER, 1, timeout=30)
            assert "You are subscribed" in welcome.text
            # Telegram posts it again (it did not see the 200 in time): not handled twice.
            url = f"{base}/tg/hook"
            assert await fake_api.post_update_to_webhook(update, url, SECRET) == 200
            fake_api.user_sends("/help", user_id=USER + 1)
            later = fake_api.pending_updates[-1]
            assert await fake_api.post_update_to_webhook(later, url, SECRET) == 200
            await fake_api.wait_for_messages(USER + 1, 1, timeout=30)
            assert len(fake_api.messages(USER)) == 1
            async with session.get(f"{base}/healthz") as answer:
                assert answer.status == 200
                assert json.loads(await answer.text())["status"] == "ok"
            async with session.get(f"{base}/metrics") as answer:
                assert 'pressbot_updates_total{type="message"} 2.0' in await answer.text()
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    log = err.decode()
    assert process.returncode == 0, log
    assert f", webhook at {HOOK_URL}" in log and "serving @pressbot_test_bot: " in log
    assert TOKEN not in log and TOKEN.partition(":")[2] not in log and SECRET not in log
