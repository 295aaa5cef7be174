"""The weekly report's job: at PRESSBOT_WEEKLY_REPORT's slot, to every owner and publisher.

What went to whom is kept in the meta table (WeeklyProgress), one write per recipient, so that
a restart sends nobody the same week twice and a bot that was down at the slot sends it once
when it is back. A recipient who blocked the bot (or never started it) is done for the week;
when Telegram is unreachable or answers 5xx the recipient is tried again at the next look, and
the week is complete only when nobody is left to try.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from pressbot.bot.context import PressApplication, PressContext, Services, team_ids
from pressbot.core.reports import WeeklyReport
from pressbot.core.team import Right
from pressbot.core.weekly import WeeklyProgress, WeeklySlot, report_due
from pressbot.storage import Database
from pressbot.texts.i18n import pick_translator
from pressbot.texts.weekly_report import weekly_report

logger = logging.getLogger(__name__)

#: The name of the report's jobs (the look at start and the repeating one).
WEEKLY_REPORT_JOB = "weekly-report"
#: Seconds between looks for a due report: how late after its minute it may come.
CHECK_EVERY = 60.0
#: The meta key of the WeeklyProgress.
PROGRESS_KEY = "weekly_report"


@dataclass(frozen=True, slots=True)
class WeeklyJob:
    """The job's data: the slot, and one look at a time (the one at start may be slow)."""

    slot: WeeklySlot
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


async def start_weekly_report(application: PressApplication, services: Services) -> None:
    """Look for a due report at start and every CHECK_EVERY from then on (none when off)."""
    slot = services.settings.weekly_report
    if slot is None:
        return
    job_queue = application.job_queue
    assert job_queue is not None  # noqa: S101 - the job-queue extra is a dependency
    # A new database's record is written here, before updates are taken, not by the look
    # at start: that look then only ever writes when a report is due.
    if await services.database.meta.get(PROGRESS_KEY) is None:
        await _first_look(services.database, slot.latest_slot(services.clock()))
    data = WeeklyJob(slot)
    # Once at start (a report missed while the bot was down goes out now), then repeating; a
    # repeating job added before the queue starts would have its first run an interval late.
    job_queue.run_once(weekly_report_job, when=0, data=data, name=WEEKLY_REPORT_JOB)
    job_queue.run_repeating(
        weekly_report_job,
        interval=CHECK_EVERY,
        first=CHECK_EVERY,
        data=data,
        name=WEEKLY_REPORT_JOB,
    )


async def weekly_report_job(context: PressContext) -> None:
    """Send the weekly report when its slot is due, unless a look is still under way."""
    job = context.job
    if job is None or not isinstance(job.data, WeeklyJob) or job.data.lock.locked():
        return
    async with job.data.lock:
        try:
            await send_weekly_report(context.bot, context.services, job.data.slot)
        except (sqlite3.Error, OSError) as error:  # locked, disk full: what was sent is kept
            logger.warning("weekly report: the database did not answer (%s); next look", error)


async def build_weekly_report(
    database: Database, since: datetime, until: datetime
) -> WeeklyReport:
    """The week from `since` to `until`: its releases (their reach and reads so far), and
    the subscribers and reads from `since` up to now (a late report counts the hours since)."""
    return WeeklyReport(
        since=since,
        until=until,
        releases=tuple(await database.releases.since(since, until)),
        # Measured from the week's start: now less what changed since then.
        trend=await database.subscription_history.trend(until),
        reads=await database.reads.count_since(since),
    )


async def send_weekly_report(bot: Bot, services: Services, slot: WeeklySlot) -> None:
    """Send the due week's report to the owners and publishers it has not reached yet.

    Each recipient is recorded as done right after their message, so a crash between the two
    can repeat the report to that one recipient only. A new database records the current slot
    without sending: it did not see the week that ended there.
    """
    database = services.database
    due = slot.latest_slot(services.clock())
    stored = await database.meta.get(PROGRESS_KEY)
    if stored is None:
        await _first_look(database, due)
        return
    progress = report_due(WeeklyProgress.from_text(stored), due)
    if progress is None:
        return
    report = await build_weekly_report(database, slot.week_before(due), due)
    again = False
    for chat_id in await team_ids(services, Right.PUBLISH):
        if chat_id in progress.done:
            continue
        if await _send(bot, services, chat_id, report):
            progress = progress.reached(chat_id)
            await _save(database, progress)
        else:
            again = True
    if not again:
        await _save(database, WeeklyProgress(progress.slot, progress.done, complete=True))
        logger.info("weekly report of the week to %s sent", due.isoformat())


async def _send(bot: Bot, services: Services, chat_id: int, report: WeeklyReport) -> bool:
    """Send the report to one chat; True when it is done with (sent, or never can be)."""
    tr = pick_translator(services.translators, await services.database.languages.get(chat_id))
    try:
        await bot.send_message(chat_id, weekly_report(report, tr), parse_mode=ParseMode.HTML)
    except (Forbidden, BadRequest, ChatMigrated) as error:
        # Blocked, never started, or the message refused: trying again would change nothing.
        logger.warning("weekly report to %d not sent: %s", chat_id, error)
        return True
    except TelegramError as error:  # unreachable, timed out, 5xx, flood control
        logger.warning("weekly report to %d not sent, trying again later: %s", chat_id, error)
        return False
    return True


async def _first_look(database: Database, due: datetime) -> None:
    """A new database: the week that ended at `due` was not seen, so it is not reported."""
    await _save(database, WeeklyProgress(due, complete=True))
    logger.info("weekly report: first look; reports begin after %s", due.isoformat())


async def _save(database: Database, progress: WeeklyProgress) -> None:
    await database.meta.put(PROGRESS_KEY, progress.to_text())
