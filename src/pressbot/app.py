"""Wiring: build the python-telegram-bot Application with every handler and service."""

from __future__ import annotations

import html
import logging
import os
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, Defaults

from pressbot.commands import READER_COMMANDS
from pressbot.config import Settings
from pressbot.handlers import help as help_handlers
from pressbot.handlers import reading, subscriptions
from pressbot.importer import default_data_dir, seed_if_new
from pressbot.services import (
    SERVICES_KEY,
    Clock,
    PressApplication,
    PressContext,
    Services,
    utc_now,
)
from pressbot.storage import open_database

logger = logging.getLogger(__name__)

# Opt in to python-telegram-bot's coming default (durations as timedelta), so that its own
# retry code does not warn on every flood-control answer.
os.environ.setdefault("PTB_TIMEDELTA", "true")


def build_application(settings: Settings, clock: Clock = utc_now) -> PressApplication:
    """Build the Application: handlers registered, the database opened in post_init."""

    async def post_init(application: PressApplication) -> None:
        database = await open_database(settings.db_path)
        data_dir = settings.data_dir or default_data_dir()
        for report in await seed_if_new(database, data_dir, clock()):
            logger.info("seeded %d items from %s", report.items_added, data_dir)
        application.bot_data[SERVICES_KEY] = Services(settings, database, clock)
        await application.bot.set_my_commands(
            [BotCommand(command.name, command.description) for command in READER_COMMANDS]
        )

    async def post_shutdown(application: PressApplication) -> None:
        services = application.bot_data.get(SERVICES_KEY)
        if isinstance(services, Services):
            await services.database.close()

    application: PressApplication = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.api_base_url)
        .context_types(ContextTypes(context=PressContext))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    reading.register(application)
    subscriptions.register(application)
    help_handlers.register(application)  # last: its fallbacks take what nothing else did
    application.add_error_handler(report_error)
    return application


async def report_error(update: object, context: PressContext) -> None:
    """Log any error a handler raised, and tell the user something went wrong."""
    if isinstance(context.error, Forbidden):
        # The user blocked the bot or removed it from the group: nobody to tell.
        logger.info("could not reply: %s", context.error.message)
        return
    logger.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        await context.bot.send_message(
            update.effective_chat.id,
            html.escape("Sorry, something went wrong. Please try again in a minute."),
        )


def run_polling(application: PressApplication) -> None:
    """Run until SIGINT or SIGTERM, taking updates by long polling."""
    allowed: list[str] | Any = Update.ALL_TYPES
    application.run_polling(allowed_updates=allowed, drop_pending_updates=False)
