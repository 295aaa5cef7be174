"""`pressbot console`: the real bot, its Application and handlers, talking to a local user.

The bot runs as `pressbot run` runs it (long polling, the delivery engine, the job queue), but
its Bot API is a small server on 127.0.0.1 (local_api.py) that the terminal (terminal.py)
writes into and prints from. No token, no network, a database file of its own. The bot's log
goes to ``<database>.log`` in full (tracebacks too), never into the chat.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from pydantic import SecretStr

from pressbot.config import Settings
from pressbot.console.local_api import TOKEN, LocalBotApi
from pressbot.console.log_lines import console_logging, log_path_for
from pressbot.console.styles import wants_styles
from pressbot.console.terminal import ADMIN_BANNER, BANNER, Terminal, read_lines
from pressbot.console.updates_handled import AnsweredUpdates
from pressbot.logs import configure_logging
from pressbot.server.app import build_application
from pressbot.server.runner import Runner

__all__ = ["LOCAL_USER", "run_console"]

logger = logging.getLogger(__name__)

LOCAL_USER: dict[str, Any] = {
    "id": 1_000_001,
    "is_bot": False,
    "first_name": "You",
    "language_code": "en",
}


def run_console(
    settings: Settings, db_path: Path, *, admin: bool = False, language: str | None = None
) -> int:
    """Run a console session on ``db_path`` until /quit, Ctrl-D or Ctrl-C; return 0.

    `language`: the local user's Telegram language, and the chat's, over the one the file
    keeps from an earlier session (/language, or a first --language); None keeps that one.
    """
    configure_logging([TOKEN], level=logging.WARNING)
    try:
        asyncio.run(console_session(settings, db_path, admin=admin, language=language))
    except KeyboardInterrupt:
        sys.stdout.write("\n")
    return 0


def console_settings(settings: Settings, base_url: str, db_path: Path, *, admin: bool) -> Settings:
    """The settings the console's bot runs with: the local server, its own file, no channels."""
    admins = frozenset({LOCAL_USER["id"]}) if admin else frozenset()
    update: dict[str, Any] = {
        "bot_token": SecretStr(TOKEN),
        "api_base_url": base_url,
        "db_path": db_path,
        "admin_ids": admins,
        "channel_ids": frozenset(),
        # Long polling the local server, with no listener of its own.
        "webhook_url": None,
        "health_listen": None,
        # A console is for trying the bot: its new database gets the 2018 page whatever the
        # .env says of production (PRESSBOT_SEED).
        "seed": True,
    }
    # Offline: the embassy's website is not polled from a console.
    return settings.model_copy(update=update | {"poll_website": False})


async def console_session(
    settings: Settings,
    db_path: Path,
    *,
    admin: bool = False,
    language: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> None:
    """Start the local Bot API and the bot, hand the terminal over, and stop both at the end."""
    out = stdout or sys.stdout
    terminal = Terminal(out, styled=wants_styles(out, os.environ))
    with console_logging(log_path_for(db_path), [TOKEN]):
        await _chat(terminal, settings, db_path, admin=admin, language=language, stdin=stdin)


async def _chat(
    terminal: Terminal,
    settings: Settings,
    db_path: Path,
    *,
    admin: bool,
    language: str | None,
    stdin: TextIO | None,
) -> None:
    # The local user's Telegram language: a new chat is answered in it, as in Telegram.
    user = LOCAL_USER if language is None else {**LOCAL_USER, "language_code": language}
    api = LocalBotApi(user, terminal.show)
    await api.start()
    try:
        # The same steps as `pressbot run` (serving.Runner): long polling the local server.
        local = console_settings(settings, api.base_url, db_path, admin=admin)
        handled = AnsweredUpdates(terminal.handled)
        runner = Runner(build_application(local, update_processor=handled), local)
        await runner.start()
        try:
            if language is not None:
                # Telegram's language_code only chooses a chat's first language; in the
                # console the flag wins over the one the file keeps from an earlier session.
                database = runner.application.bot_data.ready().database
                await database.languages.set(LOCAL_USER["id"], language)
            banner = BANNER.format(db=db_path, log=log_path_for(db_path)) + (
                "\n" + ADMIN_BANNER if admin else ""
            )
            source = stdin or sys.stdin
            lines = read_lines(source)
            await terminal.run(api, banner, lines, wait_for_answers=not source.isatty())
        finally:
            await runner.stop()
    finally:
        await api.stop()
