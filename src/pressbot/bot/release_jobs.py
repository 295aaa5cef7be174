"""JobQueue callbacks: scheduled releases on time, progress messages, daily digests."""

from __future__ import annotations

import logging
import time
from datetime import datetime

from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import JobQueue

from pressbot.bot.context import PressApplication, PressContext, team_ids
from pressbot.core.team import Right
from pressbot.delivery.digests import deliver_due_digests
from pressbot.delivery.tracking import report_progress
from pressbot.publishing import release_held
from pressbot.texts import media as media_texts
from pressbot.texts.i18n import pick_translator

logger = logging.getLogger(__name__)


def release_job_name(item_id: int) -> str:
    """The job that releases one held item."""
    return f"release-{item_id}"


def schedule_release(
    job_queue: JobQueue[PressContext], item_id: int, at: datetime, now: datetime
) -> None:
    """Release the item at `at` by the application's clock (at once when that has passed)."""
    # A delay, not a wall-clock time: `now` comes from the application's clock argument.
    delay = max(0.0, (at - now).total_seconds())
    job_queue.run_once(release_due_item, when=delay, data=item_id, name=release_job_name(item_id))


def cancel_release(job_queue: JobQueue[PressContext], item_id: int) -> None:
    """Forget the release job of an item (the item itself is dropped by the caller)."""
    for job in job_queue.get_jobs_by_name(release_job_name(item_id)):
        job.schedule_removal()


async def release_due_item(context: PressContext) -> None:
    """Publish a held item whose time has come."""
    job = context.job
    if job is None or not isinstance(job.data, int):
        return
    broadcast = await release_held(context.database, context.engine, job.data, context.now())
    if broadcast is None:
        logger.info("scheduled item %d was cancelled or released already", job.data)
    else:
        logger.info("released scheduled item %d (broadcast %d)", job.data, broadcast)


async def update_progress(context: PressContext) -> None:
    """Edit the progress message of every running broadcast."""
    await report_progress(
        context.bot,
        context.database,
        context.services.progress,
        time.monotonic(),
        context.now(),
        silent_since=context.engine.silent_since,
    )


async def tell_of_dropped_media(context: PressContext) -> None:
    """Tell every admin of each file a release had to go without (Telegram could not use it).

    Marked as told once the admins were tried, whether or not each could be reached: an admin
    who never started the bot would hold the notice back for the others for ever.
    """
    services = context.services
    drops = await services.database.media.untold_drops()
    if not drops:
        return
    for admin_id in await team_ids(services, Right.PUBLISH):
        language = await services.database.languages.get(admin_id)
        tr = pick_translator(services.translators, language)
        for drop in drops:
            text = media_texts.went_without(
                drop.item_id,
                drop.title,
                kind=drop.kind,
                source=drop.source,
                reason=drop.reason,
                tr=tr,
            )
            try:
                await context.bot.send_message(admin_id, text, parse_mode=ParseMode.HTML)
            except TelegramError as error:
                logger.warning("notice to admin %d not sent: %s", admin_id, error)
    await services.database.media.mark_told([drop.id for drop in drops], context.now())


async def send_digests(context: PressContext) -> None:
    """Send the daily digests whose time has come."""
    services = context.services
    sent = await deliver_due_digests(
        services.database, services.engine, services.translators, context.now()
    )
    if sent:
        logger.info("sent %d daily digests", sent)


async def start_jobs(application: PressApplication, now: datetime) -> None:
    """Schedule the progress updates and every held item's release (after a restart too)."""
    services = application.bot_data.ready()
    job_queue = application.job_queue
    assert job_queue is not None  # noqa: S101 - the job-queue extra is a dependency
    interval = services.settings.progress_interval
    job_queue.run_repeating(update_progress, interval=interval, first=interval)
    job_queue.run_repeating(
        tell_of_dropped_media, interval=interval, first=interval, name="dropped-media"
    )
    digests = services.settings.digest_check_interval
    job_queue.run_repeating(send_digests, interval=digests, first=digests, name="digests")
    for item in await services.database.items.scheduled():
        if item.publish_at is not None:
            schedule_release(job_queue, item.id, item.publish_at, now)
