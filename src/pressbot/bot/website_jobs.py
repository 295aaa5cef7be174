"""The JobQueue side of website sources: polling what is due, and telling admins."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping, Sequence

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from pressbot.bot.context import (
    BotData,
    Ingest,
    PressApplication,
    PressContext,
    Services,
    team_ids,
)
from pressbot.config import Settings
from pressbot.core.sources import SourceKind
from pressbot.core.team import Right
from pressbot.ingest import texts
from pressbot.ingest.fetching import make_client
from pressbot.ingest.polling import PollReport, poll_source, record_source_failure
from pressbot.storage import Database
from pressbot.texts.i18n import Translator, pick_translator

logger = logging.getLogger(__name__)

#: The name of the polling jobs (the first run and the repeating one).
INGEST_JOB = "ingest"
#: Seconds between looks at which source is due; each source has its own schedule in the
#: database (by the application's clock), so this only bounds how late a poll can start.
CHECK_EVERY = 5.0


def configured_sources(settings: Settings) -> tuple[tuple[str, SourceKind, str], ...]:
    """Feeds then pages, each URL once: (url, kind, the language it writes in); none when
    the website is not polled (PRESSBOT_POLL_WEBSITE=false)."""
    if not settings.poll_website:
        return ()
    feeds = [(s.url, SourceKind.FEED, s.language) for s in settings.feed_urls]
    feed_urls = {url for url, _, _ in feeds}
    pages = [
        (s.url, SourceKind.PAGE, s.language) for s in settings.page_urls if s.url not in feed_urls
    ]
    return (*feeds, *pages)


async def start_ingest(application: PressApplication, services: Services) -> None:
    """Register the configured sources and poll them from now on (nothing when none)."""
    sources = configured_sources(services.settings)
    if not sources:
        return
    await services.database.sources.ensure(sources, services.clock())
    application.bot_data.ingest = Ingest(services.settings.ingest_settings(), sources)
    job_queue = application.job_queue
    assert job_queue is not None  # noqa: S101 - the job-queue extra is a dependency
    # Once as soon as the job queue runs, then every CHECK_EVERY. (A repeating job added here,
    # before the queue starts, with first=0 would have its first run moved a whole interval on:
    # APScheduler reckons the runs from when it was added, and that moment has passed.)
    job_queue.run_once(poll_job, when=0, name=INGEST_JOB)
    job_queue.run_repeating(poll_job, interval=CHECK_EVERY, first=CHECK_EVERY, name=INGEST_JOB)


async def poll_job(context: PressContext) -> None:
    """Poll the sources that are due, unless a round (a slow source) is still running."""
    ingest = context.bot_data.ingest
    if ingest is not None and ingest.lock.locked():
        return
    await poll_due_sources(context.bot, context.bot_data)


async def poll_due_sources(bot: Bot, bot_data: BotData) -> list[PollReport]:
    """Poll every due source side by side, then tell the admins what they need to know.

    Nothing before post_init, or when no source is configured.
    """
    services, ingest = bot_data.services, bot_data.ingest
    if services is None or ingest is None:
        return []
    async with ingest.lock:
        now = services.clock()
        due = await services.database.sources.due(ingest.urls, now)
        if not due:
            return []
        async with make_client(ingest.settings.timeout) as client:
            results = await asyncio.gather(
                *(
                    poll_source(
                        database=services.database,
                        engine=services.engine,
                        client=client,
                        source=source,
                        settings=ingest.settings,
                        now=now,
                    )
                    for source in due
                ),
                return_exceptions=True,  # one source's trouble must not stop the others
            )
        reports = []
        for source, result in zip(due, results, strict=True):
            if isinstance(result, Exception):
                # A bug or the database, not the website: it still backs off and is reported,
                # rather than being fetched again at every check.
                logger.error("polling %s failed", source.url, exc_info=result)
                error = f"unexpected {type(result).__name__}: {result}"
                reports.append(
                    await record_source_failure(
                        services.database, source, ingest.settings, error, now
                    )
                )
            elif isinstance(result, BaseException):
                raise result  # cancellation: the bot is stopping
            else:
                reports.append(result)
        await notify_admins(
            bot,
            services.database,
            await team_ids(services, Right.PUBLISH),
            reports,
            services.translators,
        )
    return reports


async def notify_admins(
    bot: Bot,
    database: Database,
    admin_ids: Iterable[int],
    reports: Sequence[PollReport],
    translators: Mapping[str, Translator],
) -> None:
    """One message per source that started failing or recovered; one listing what waits.

    Each admin reads them in the language of their chat with the bot.
    """
    held = [entry for report in reports for entry in report.held]
    for admin_id in sorted(admin_ids):
        tr = pick_translator(translators, await database.languages.get(admin_id))
        notices: list[tuple[str, InlineKeyboardMarkup | None]] = []
        for report in reports:
            if report.started_failing and report.error:
                notices.append((texts.failing_notice(report.source.url, report.error, tr), None))
            if report.recovered:
                notices.append((texts.recovered_notice(report.source.url, tr), None))
        if held:
            *first, last = texts.held_notice(held, tr)  # the buttons go under the last part
            notices += [(part, None) for part in first]
            notices.append((last, texts.held_keyboard(held, tr)))
        for text, keyboard in notices:
            try:
                await bot.send_message(
                    admin_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
                )
            except TelegramError as error:
                # An admin who never started the bot; /sources still shows it all.
                logger.warning("notice to admin %d not sent: %s", admin_id, error)
