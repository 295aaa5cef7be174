"""Starting and stopping the real Application as run_polling does, step by step.

Kept apart from harness.py so that the benchmarks can use it without importing the fake Bot API
(and its TDLib) into the process they measure.
"""

from __future__ import annotations

from pressbot.services import PressApplication


async def start_bot(application: PressApplication, poll_timeout: int = 1) -> None:
    """Start as run_polling does: initialize, post_init, poll, start."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=poll_timeout)
    await application.start()


async def stop_bot(application: PressApplication) -> None:
    """Stop as run_polling does."""
    assert application.updater is not None
    await application.updater.stop()
    await application.stop()
    if application.post_stop is not None:
        await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
