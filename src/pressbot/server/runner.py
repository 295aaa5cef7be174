"""`pressbot run`: start the Application, take updates (polling or webhook), stop gracefully.

Polling stays the default; with PRESSBOT_WEBHOOK_URL set, Telegram posts updates to the web
server instead. Either way the steps are python-telegram-bot's own (initialize, post_init,
start; then stop, post_stop, shutdown, post_shutdown), with the web server started after
post_init (it reads the database) and stopped first (no new updates while stopping).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
from collections.abc import Callable
from typing import Final
from urllib.parse import urlsplit

from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError

from pressbot.bot.context import PressApplication, Services
from pressbot.bot.rate_limiter import retry_after_seconds
from pressbot.bot.updates import ALLOWED_UPDATES
from pressbot.config import Settings, parse_host_port
from pressbot.delivery.pacing import backoff_delay
from pressbot.ingest.items_file import ItemsFileError
from pressbot.server.summary import log_serving, read_serving
from pressbot.server.web import Webhook, WebServer
from pressbot.storage import Database
from pressbot.storage.connection import DatabaseError

logger = logging.getLogger(__name__)

#: Where a generated webhook secret is kept, so that it survives restarts.
EXIT_FAILURE: Final = 1
WEBHOOK_SECRET_KEY: Final = "webhook_secret"  # noqa: S105 - a key name, not a secret


async def webhook_secret(database: Database, settings: Settings) -> str:
    """PRESSBOT_WEBHOOK_SECRET, or the one generated on the first start and kept since."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    kept = await database.meta.get(WEBHOOK_SECRET_KEY)
    if kept is None:
        # token_urlsafe uses A-Z a-z 0-9 _ -, the characters Telegram allows.
        kept = secrets.token_urlsafe(32)
        await database.meta.put(WEBHOOK_SECRET_KEY, kept)
    return kept


class Runner:
    """The running bot: its Application, how it takes updates, and its web server."""

    def __init__(
        self,
        application: PressApplication,
        settings: Settings | None = None,
        *,
        poll_timeout: int = 10,
        start_backoff: Callable[[int], float] | None = None,
    ) -> None:
        """`settings` defaults to the application's own, known once post_init has run.

        `start_backoff(n)` is the wait after the n-th failed try to reach Telegram at start.
        """
        self.application = application
        self._settings = settings
        self._poll_timeout = poll_timeout  # seconds a long poll waits; a stop waits as long
        self._start_backoff = start_backoff or start_retry_delay
        self.server: WebServer | None = None
        self._webhook: Webhook | None = None

    async def start(self) -> None:
        """Start the Application and begin taking updates; undo what started on failure."""
        application = self.application
        try:
            await self._initialize()
            if application.post_init is not None:
                await application.post_init(application)
            await self._start_server()
            await application.start()
            await self._start_updates()
        except BaseException:
            await self.stop()
            raise

    async def _initialize(self) -> None:
        """application.initialize(), whose getMe is tried again until Telegram answers.

        Network errors, time-outs and 5xx are waited out, one warning a try: a bot started
        before the network is up, or during an outage, starts once Telegram can be reached.
        A refused token is TokenRefusedError, its message without the token.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                await self.application.initialize()
            except InvalidToken as error:
                raise TokenRefusedError(token_refusal(error)) from None
            except (NetworkError, RetryAfter) as error:
                delay = self._start_backoff(attempt)
                if isinstance(error, RetryAfter):
                    delay = max(delay, retry_after_seconds(error))
                logger.warning(
                    "Telegram can't be reached (try %d): %s; trying again in %g s",
                    attempt,
                    error,
                    delay,
                )
                await asyncio.sleep(delay)
            else:
                return

    async def stop(self) -> None:
        """Take no more updates, let sends in flight finish, close everything.

        Every step runs even when one before it failed: a database left open would keep the
        process from exiting. The first failure is raised at the end, later ones are logged.
        """
        application = self.application
        first: Exception | None = None
        for step in (
            self._stop_taking_updates,
            self._stop_application,
            application.shutdown,
            self._post_shutdown,
        ):
            try:
                await step()
            except Exception as error:  # each step must run, whatever the one before did
                if first is None:
                    first = error
                else:
                    logger.exception("a further error while stopping")
        if first is not None:
            raise first

    async def _stop_taking_updates(self) -> None:
        if self.server is not None:
            await self.server.stop()
        updater = self.application.updater
        if updater is not None and updater.running:
            try:
                await updater.stop()
            except TelegramError as error:
                # The polling loop ended on it (InvalidToken); stopping goes on all the same.
                logger.warning("polling had stopped on an error: %s", _error_line(error))

    async def _stop_application(self) -> None:
        application = self.application
        try:
            if application.running:
                await application.stop()  # handles the updates already queued first
        finally:
            # Also after a failed start: post_init may have started the engine before it failed.
            if application.post_stop is not None:
                await application.post_stop(application)  # the engine's sends in flight

    async def _post_shutdown(self) -> None:
        if self.application.post_shutdown is not None:
            await self.application.post_shutdown(self.application)

    async def _start_server(self) -> None:
        settings = self.settings
        if settings.webhook_url is not None:
            secret = await webhook_secret(self._services().database, settings)
            self._webhook = Webhook(urlsplit(settings.webhook_url).path or "/", secret)
            address = settings.listen
        elif settings.health_listen is not None:
            address = settings.health_listen
        else:
            return
        host, port = parse_host_port(address)
        self.server = WebServer(self.application, host, port, self._webhook)
        await self.server.start()

    async def _start_updates(self) -> None:
        allowed = list(ALLOWED_UPDATES)  # only what the handlers take (updates.py)
        url = self.settings.webhook_url
        if url is None or self._webhook is None:
            updater = self.application.updater
            assert updater is not None  # noqa: S101 - ApplicationBuilder makes one
            # Deletes a webhook left from webhook mode first, as Telegram requires. On errors
            # PTB's loop waits 1 s, then half as long again each time, up to 30 s.
            await updater.start_polling(
                timeout=self._poll_timeout,
                allowed_updates=allowed,
                drop_pending_updates=False,
                error_callback=polling_failed,
            )
        else:
            # Registered last: Telegram may post at once, and the listener is ready by now.
            await self.application.bot.set_webhook(
                url, secret_token=self._webhook.secret, allowed_updates=allowed
            )
        bot, services = self.application.bot, self._services()
        log_serving(await read_serving(bot.username, services.database, self.settings))

    @property
    def settings(self) -> Settings:
        """The settings the bot runs with."""
        return self._settings if self._settings is not None else self._services().settings

    def _services(self) -> Services:
        return self.application.bot_data.ready()  # set in post_init


class TokenRefusedError(Exception):
    """Telegram refused PRESSBOT_BOT_TOKEN at start: getMe answered 401 (or 404)."""


#: Waits between tries to reach Telegram at start: a second, doubling, at most a minute.
START_RETRY_FIRST: Final = 1.0
START_RETRY_CAP: Final = 60.0


def polling_failed(error: TelegramError) -> None:
    """PTB's error_callback for polling: one line an error, no traceback and no content."""
    logger.warning("getUpdates failed, asking again after a pause: %s", _error_line(error))


def _error_line(error: TelegramError) -> str:
    # PTB's messages carry Telegram's description or the network error, never an update.
    return f"{type(error).__name__}: {error.message}"


def start_retry_delay(attempt: int) -> float:
    """The wait after the ``attempt``-th failed try to reach Telegram at start."""
    return backoff_delay(attempt, START_RETRY_FIRST, START_RETRY_CAP)


def token_refusal(error: InvalidToken) -> str:
    """The line for a refused token, without the token (python-telegram-bot's text has it)."""
    cause = error.__cause__
    answer = cause.message if isinstance(cause, TelegramError) else ""
    if "not found" in answer.lower():  # Telegram's answer to a malformed token, or a wrong URL
        return (
            "PRESSBOT_BOT_TOKEN was refused by Telegram (404 Not Found): check the token,"
            " and PRESSBOT_API_BASE_URL if it is set"
        )
    return (
        "PRESSBOT_BOT_TOKEN was refused by Telegram (401 Unauthorized):"
        " put the token @BotFather gave you in the environment or in .env"
    )


async def _start_unless_signalled(runner: Runner, stopping: asyncio.Event) -> bool:
    """Start the runner, unless a signal comes first; whether it started.

    A signal while starting (waiting for Telegram to be reachable, say) cancels the start,
    which undoes what it had started.
    """
    starting = asyncio.ensure_future(runner.start())
    signalled = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait((starting, signalled), return_when=asyncio.FIRST_COMPLETED)
    finally:
        signalled.cancel()
        if not starting.done():
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
    if starting.cancelled():
        return False
    starting.result()  # a failed start raises here
    return True


async def serve_until_signalled(application: PressApplication, settings: Settings) -> None:
    """Run the bot until SIGTERM or SIGINT, then stop it gracefully."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    runner = Runner(application, settings)
    if not await _start_unless_signalled(runner, stopping):
        logger.info("stopped before it had started")
        return
    try:
        await stopping.wait()
        logger.info("stopping: no more updates; letting sends in flight finish")
    finally:
        await runner.stop()
    logger.info("stopped")


def run(application: PressApplication, settings: Settings) -> int:
    """Run the bot in the foreground until SIGTERM or SIGINT; return the exit status."""
    try:
        asyncio.run(serve_until_signalled(application, settings))
    except (DatabaseError, ItemsFileError, TokenRefusedError):
        raise  # a file or a setting to fix: the command line says which, in one line
    except Exception:
        # Logged rather than left to Python's printout: the log redacts the token, which
        # python-telegram-bot puts into some errors (InvalidToken: "The token `…` was rejected").
        logger.exception("pressbot stopped on an error")
        return EXIT_FAILURE
    return 0
