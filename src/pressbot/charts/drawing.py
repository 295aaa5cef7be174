"""Charts drawn off the event loop, in one thread of their own, in time or not at all.

A chart goes with a text the bot has already sent: it must never hold that text up or break it.
So drawing runs in one worker thread (one, so that matplotlib never draws two charts at once),
is given CHART_TIMEOUT, and any failure is one warning in the log and None to the caller, who
then simply sends no photo. matplotlib is imported there, on the first chart.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import tzinfo

from pressbot.core.clock import EMBASSY_TZ
from pressbot.core.reports import DailyCount, Timeline
from pressbot.texts.i18n import Translator

logger = logging.getLogger(__name__)

#: Seconds a chart may take, waiting for the worker included, before the bot goes without it.
CHART_TIMEOUT = 20.0

# Threads start on the first chart, not here. A drawing that timed out still finishes in the
# thread (a thread cannot be stopped); charts asked for meanwhile wait behind it, in time or not.
_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="charts")


async def release_chart(
    timeline: Timeline,
    title: str,
    tr: Translator,
    zone: tzinfo = EMBASSY_TZ,
    *,
    timeout: float = CHART_TIMEOUT,  # noqa: ASYNC109 - giving up is the chart's own job
) -> bytes | None:
    """A PNG of a release's deliveries and reads over time, or None if it could not be drawn
    within `timeout` seconds; times on it are in `zone`."""
    draw = functools.partial(_draw_release, timeline, title, tr, zone)
    return await _drawn("release chart", draw, timeout)


async def subscribers_chart(
    days: Sequence[DailyCount],
    tr: Translator,
    *,
    timeout: float = CHART_TIMEOUT,  # noqa: ASYNC109 - giving up is the chart's own job
) -> bytes | None:
    """A PNG of the subscribers at the end of each day, or None if it could not be drawn within
    `timeout` seconds."""
    draw = functools.partial(_draw_subscribers, tuple(days), tr)
    return await _drawn("subscribers chart", draw, timeout)


async def _drawn(what: str, draw: Callable[[], bytes], seconds: float) -> bytes | None:
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.run_in_executor(_WORKER, draw), seconds)
    except TimeoutError:
        logger.warning("%s not drawn: it took over %g s", what, seconds)
    # matplotlib and the data may fail in more ways than can be listed, and a chart is only
    # ever an extra beside a text already sent: whatever happened, the answer is no chart.
    except Exception as error:
        logger.warning("%s not drawn: %s: %s", what, type(error).__name__, error)
    return None


def _draw_release(timeline: Timeline, title: str, tr: Translator, zone: tzinfo) -> bytes:
    from pressbot.charts.figures import release_figure  # noqa: PLC0415 - matplotlib, first use

    return release_figure(timeline, title, tr, zone)


def _draw_subscribers(days: Sequence[DailyCount], tr: Translator) -> bytes:
    from pressbot.charts.figures import subscribers_figure  # noqa: PLC0415 - matplotlib, first use

    return subscribers_figure(days, tr)
