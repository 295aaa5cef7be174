"""Starting and stopping the real Application for the tests and benchmarks: as `pressbot run`
does it (serving.Runner), with a short long poll so that a test's bot stops at once.

Kept apart from harness.py so that the benchmarks can use it without importing the fake Bot API
(and its TDLib) into the process they measure.
"""

from __future__ import annotations

from pressbot.bot.context import PressApplication
from pressbot.server.runner import Runner

#: The runner of each started application, until it is stopped.
_RUNNERS: dict[PressApplication, Runner] = {}


async def start_bot(application: PressApplication, poll_timeout: int = 1) -> None:
    """Start as `pressbot run` does: initialize, post_init, start, poll."""
    runner = Runner(application, poll_timeout=poll_timeout)
    await runner.start()  # stops whatever it started when a step fails
    _RUNNERS[application] = runner


async def stop_bot(application: PressApplication) -> None:
    """Stop as `pressbot run` does: no more updates, sends in flight finished, all closed."""
    await _RUNNERS.pop(application).stop()
