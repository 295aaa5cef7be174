"""Knowing when the console's bot has handled an update: python-telegram-bot's own hook.

An update is handled one at a time, as in `pressbot run`; once its handlers have returned,
the terminal is told, so that a bot that answers nothing still gives the prompt back and a
piped line does not wait for an answer that will never come.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import SimpleUpdateProcessor


class AnsweredUpdates(SimpleUpdateProcessor):
    """PTB's one-at-a-time processor that calls ``handled()`` after each update."""

    def __init__(self, handled: Callable[[], None]) -> None:
        super().__init__(max_concurrent_updates=1)
        self._handled_callback = handled

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Handle the update, then say so (also when a handler failed: it was handled)."""
        try:
            await coroutine
        finally:
            self._handled_callback()
