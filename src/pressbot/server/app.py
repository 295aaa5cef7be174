"""Wiring: build the python-telegram-bot Application with every handler and service."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    LinkPreviewOptions,
)
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    ApplicationBuilder,
    BaseUpdateProcessor,
    ContextTypes,
    Defaults,
)

from pressbot.bot.context import (
    BotData,
    PressApplication,
    PressContext,
    Services,
    team_ids,
    team_role,
    utc_now,
)
from pressbot.bot.errors import report_error
from pressbot.bot.handlers import (
    admin_manage,
    admin_post,
    approval,
    audit,
    change_notes,
    digest,
    forum,
    language,
    membership,
    quiet,
    reading,
    screening,
    sharing,
    sources,
    stats,
    submitting,
    subscriptions,
    team,
    topics,
    waiting,
)
from pressbot.bot.handlers import help as help_handlers
from pressbot.bot.handlers.team_changes import team_menu
from pressbot.bot.rate_limiter import SharedRateLimiter
from pressbot.bot.release_jobs import start_jobs
from pressbot.bot.report_jobs import start_weekly_report
from pressbot.bot.website_jobs import start_ingest
from pressbot.config import Settings
from pressbot.core.clock import Clock
from pressbot.core.languages import ENGLISH, LANGUAGES
from pressbot.core.team import Right
from pressbot.delivery.budget import SendBudget
from pressbot.delivery.engine import DeliveryEngine
from pressbot.delivery.pacing import backoff_delay
from pressbot.delivery.tracking import ProgressTracker
from pressbot.ingest.items_file import default_data_dir, seed_if_new
from pressbot.server.telemetry import ObservedSender, ServerBotData, Telemetry
from pressbot.storage import open_database
from pressbot.texts.commands import READER_COMMANDS
from pressbot.texts.i18n import kind_translators, translator

logger = logging.getLogger(__name__)

# Opt in to python-telegram-bot's coming default (durations as timedelta), so that its own
# retry code does not warn on every flood-control answer.
os.environ.setdefault("PTB_TIMEDELTA", "true")


def build_application(
    settings: Settings,
    clock: Clock = utc_now,
    *,
    commands_retry: float | None = None,
    update_processor: BaseUpdateProcessor | None = None,
) -> PressApplication:
    """Build the Application: handlers registered; database and engine opened in post_init.

    `commands_retry`: the first wait (seconds) before setting the command menus again when
    Telegram refused them at start; COMMANDS_RETRY_FIRST when None. `update_processor`:
    PTB's, for the console to know when an update was handled; one at a time when None.
    """
    token = settings.require_token()
    # Counts for /metrics, Bot API health for /healthz.
    telemetry = Telemetry(clock, timedelta(seconds=settings.health_grace))

    translators = kind_translators(settings.extra_kinds)  # the configured kinds named too
    # One budget for replies and broadcasts alike, so that together they stay under the limit.
    budget = SendBudget(settings.broadcast_rate, paid_broadcast=settings.paid_broadcast)

    async def post_init(application: PressApplication) -> None:
        database = await open_database(settings.db_path)
        try:
            data_dir = settings.data_dir or default_data_dir()
            seeded = await seed_if_new(database, data_dir, clock(), enabled=settings.seed)
            for report in seeded:
                logger.info("seeded %d items from %s", report.items_added, data_dir)
            await database.subscribers.set_channels(settings.channel_ids, clock())
        except BaseException:
            # Not yet in Services, which post_shutdown closes: an open connection's thread
            # would keep the process from exiting (a bad seed file, a signal meanwhile).
            await database.close()
            raise
        engine = DeliveryEngine(
            database,
            ObservedSender(
                telemetry, settings.api_base_url, token, timeout=settings.delivery_timeout
            ),
            settings.engine_settings(),
            clock,
            observe=telemetry.metrics.count_decision,
            translators=translators,
            budget=budget,
        )
        services = Services(
            settings,
            database,
            clock,
            engine,
            ProgressTracker(translators=translators),
            translators,
        )
        application.bot_data.services = services
        engine.start()
        await start_jobs(application, clock())
        await start_ingest(application, services)
        await start_weekly_report(application, services)
        await register_commands(
            application, settings, retry_first=commands_retry or COMMANDS_RETRY_FIRST
        )

    async def post_stop(application: PressApplication) -> None:
        # Updates and jobs have stopped: let sends in flight finish and record them.
        services = application.bot_data.services
        if services is not None:
            await services.engine.stop()

    async def post_shutdown(application: PressApplication) -> None:
        services = application.bot_data.services
        if services is not None:
            await services.engine.close()
            await services.database.close()

    # bot_data is the server's subclass of BotData, so that it holds the telemetry too.
    context_types: ContextTypes[PressContext, dict[Any, Any], dict[Any, Any], BotData] = (
        ContextTypes(context=PressContext, bot_data=ServerBotData)
    )
    application: PressApplication = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.api_base_url)
        .request(telemetry.request())
        .get_updates_request(telemetry.request(for_updates=True))
        .context_types(context_types)
        .defaults(
            # No default parse_mode: it would leak into methods without one (see replying.py).
            Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
        .rate_limiter(SharedRateLimiter(budget))
        .concurrent_updates(update_processor or False)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    register_handlers(application)
    application.add_error_handler(report_error)
    telemetry.register(application)
    return application


def register_handlers(application: PressApplication) -> None:
    """Add every handler, in the order they are asked: the first to take an update wins."""
    screening.register(application)  # first: stops updates no handler should act on
    language.register(application)  # first: every other handler answers in its language
    team.register(application)  # before the other /start handlers: /start join_<token>
    reading.register(application)
    stats.register(application)  # before the drafts' text handler: /stats_<id>
    subscriptions.register(application)
    membership.register(application)
    topics.register(application)
    sharing.register(application)
    quiet.register(application)
    digest.register(application)
    forum.register(application)
    admin_post.register(application)
    admin_manage.register(application)
    waiting.register(application)
    change_notes.register(application)  # its reopen button before approval's other buttons
    approval.register(application)
    submitting.register(application)
    audit.register(application)
    sources.register(application)
    help_handlers.register(application)  # last: its fallbacks take what nothing else did


#: Seconds before the command menus are set again after a failure; doubling up to an hour.
COMMANDS_RETRY_FIRST = 60.0
COMMANDS_RETRY_CAP = 3600.0


async def register_commands(
    application: PressApplication,
    settings: Settings,
    *,
    retry_first: float = COMMANDS_RETRY_FIRST,
    attempt: int = 1,
) -> None:
    """Show the reader commands in every chat's menu, the admin commands to the team.

    The menus are a convenience, so never a reason not to run: when Telegram (or the
    network) fails the calls, one warning is logged and the job queue sets them again later,
    waiting longer each time, until it works.
    """
    try:
        await _set_command_menus(application, settings)
    except TelegramError as error:
        delay = backoff_delay(attempt, retry_first, COMMANDS_RETRY_CAP)
        logger.warning("command menus not set (%s); trying again in %g s", error, delay)

        async def again(_context: PressContext) -> None:
            await register_commands(
                application, settings, retry_first=retry_first, attempt=attempt + 1
            )

        job_queue = application.job_queue
        assert job_queue is not None  # noqa: S101 - the job-queue extra is a dependency
        job_queue.run_once(again, when=delay, name="command menus")
        return
    if attempt > 1:
        logger.info("command menus set, on try %d", attempt)


async def _set_command_menus(application: PressApplication, settings: Settings) -> None:
    """Set the menus, once in each language: Telegram shows Russian users the Russian one.

    The configured owners and the members added from Telegram get the team's commands their
    role may use (team_changes.py sets and drops a member's menu as they join, change role or
    leave).
    """
    services = application.bot_data.ready()
    roles = [
        (user, await team_role(services, user)) for user in await team_ids(services, Right.DRAFT)
    ]
    for chosen in LANGUAGES:
        tr = translator(chosen)
        code = None if chosen == ENGLISH else chosen
        reader = [BotCommand(c.name, tr(c.description)) for c in READER_COMMANDS]
        await application.bot.set_my_commands(reader, language_code=code)
        for admin_id, role in roles:
            if role is None:  # removed between the two reads
                continue
            try:
                await application.bot.set_my_commands(
                    team_menu(tr, role), scope=BotCommandScopeChat(admin_id), language_code=code
                )
            except BadRequest as error:
                # An admin who never opened a chat with the bot: they still can type commands.
                logger.warning("admin menu for %d not set: %s", admin_id, error.message)
