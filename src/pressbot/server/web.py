"""The bot's HTTP listener: Telegram's webhook, /healthz and /metrics, on one aiohttp server.

python-telegram-bot's own webhook server cannot serve other paths, so this follows its
"custom webhook bot" example instead: the webhook route checks Telegram's secret header, parses
the update and puts it on ``application.update_queue``; the Application handles it from there.
A body that is not an update the bot can read (not JSON, nested past what JSON decoding takes,
or an update PTB cannot decode or whose fields are missing or of the wrong type: updates.py)
is answered 400 and changes nothing; one posted again (an update_id taken before, kept in
SQLite) is answered 200 and not handled again. A body that does not arrive within
BODY_TIMEOUT is answered 408 and its connection closed. While a webhook is set,
``WebhookWatch`` asks getWebhookInfo now and then whether Telegram fails to reach it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import sqlite3
import time
from dataclasses import dataclass
from typing import Any, Final

from aiohttp import web
from telegram.error import TelegramError

from pressbot.bot.context import PressApplication, Services
from pressbot.bot.updates import decode_update, has_update_id, is_skipped
from pressbot.server.health import check_health
from pressbot.server.telemetry import telemetry_of

logger = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
#: How long a request still in progress may take to finish when the server stops.
SHUTDOWN_GRACE: Final = 5.0
#: Seconds a webhook request's body may take to arrive once its headers have: Telegram sends
#: an update at once, a client sending a byte a second holds a connection for nothing.
BODY_TIMEOUT: Final = 5.0
#: Seconds a connection may stay idle, or take to send its headers (aiohttp's keep-alive
#: timeout runs from the connection's start): longer than a proxy keeps an idle upstream
#: connection (nginx: 60 s), so that the proxy, not the bot, closes them.
IDLE_TIMEOUT: Final = 75.0
BAD_UPDATE: Final = "Bad Request: not a Telegram update"
#: getWebhookInfo is asked this often (a quarter of the health grace, within these bounds).
WATCH_INTERVAL_BOUNDS: Final = (1.0, 60.0)


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where Telegram posts updates, and the secret it sends along."""

    path: str
    secret: str


class WebServer:
    """Serves /healthz and /metrics, and the webhook when one is given."""

    def __init__(
        self, application: PressApplication, host: str, port: int, webhook: Webhook | None
    ) -> None:
        self._application = application
        self._host = host
        self._port = port
        self._webhook = webhook
        self._runner: web.AppRunner | None = None
        self._watch: WebhookWatch | None = None

    @property
    def port(self) -> int:
        """The port listened on (known after start() when 0 was asked for)."""
        return self._port

    async def start(self) -> None:
        """Listen on host:port."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        if self._webhook is not None:
            app.router.add_post(self._webhook.path, self._receive_update)
        self._runner = web.AppRunner(
            app,
            access_log=None,  # Prometheus and the proxy's health checks would fill it
            shutdown_timeout=SHUTDOWN_GRACE,
            keepalive_timeout=IDLE_TIMEOUT,
            # A body left unread (a refused secret, a body too slow) is not waited for: the
            # answer is sent and the connection closed.
            lingering_time=0,
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        self._port = self._runner.addresses[0][1]
        logger.info("listening on %s:%d", self._host, self._port)
        if self._webhook is not None:
            self._watch = WebhookWatch(self._application)
            self._watch.start()

    async def stop(self) -> None:
        """Stop listening; requests in progress finish first (an update is then queued)."""
        if self._watch is not None:
            await self._watch.stop()
            self._watch = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive_update(self, request: web.Request) -> web.Response:
        assert self._webhook is not None  # noqa: S101 - the route exists only with a webhook
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._webhook.secret.encode()):
            logger.warning("webhook request without the right secret refused")
            return web.Response(status=403, text="Forbidden")
        try:
            async with asyncio.timeout(BODY_TIMEOUT):
                body = await request.read()
        except TimeoutError:
            logger.warning("webhook request whose body took over %g s refused", BODY_TIMEOUT)
            return web.Response(status=408, text="Request Timeout")
        data = _parse_body(body)
        if data is None:
            return web.Response(status=400, text=BAD_UPDATE)
        telemetry = telemetry_of(self._application)
        update = decode_update(data, self._application.bot, telemetry.metrics.count_undecodable)
        if is_skipped(update):
            return web.Response(status=400, text=BAD_UPDATE)  # logged and counted
        telemetry.api.update_received()
        services = self._services()
        try:
            first = await services.database.updates_seen.first_time(
                update.update_id, services.clock().timestamp()
            )
        except (sqlite3.Error, OSError, ValueError) as error:
            # Not taken: Telegram posts it again later.
            logger.warning("webhook: update %d not taken: %s", update.update_id, error)
            return web.Response(status=503, text="Service Unavailable")
        if first:
            await self._application.update_queue.put(update)
        else:
            logger.info("webhook: update %d came again; it was taken before", update.update_id)
        return web.Response(text="OK")

    async def _healthz(self, request: web.Request) -> web.Response:
        services = self._services()
        report = await check_health(
            services.database, telemetry_of(self._application).api, services.clock()
        )
        return web.json_response(report.to_json(), status=200 if report.healthy else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        services = self._services()
        metrics = telemetry_of(self._application).metrics
        try:
            metrics.outbox_depth.set(await services.database.outbox.pending_count())
            metrics.subscribers_active.set(await services.database.subscribers.count_active())
            metrics.reads.set(await services.database.reads.total())
        except (sqlite3.Error, OSError, ValueError) as error:
            # The counters are still worth serving; /healthz reports the database.
            logger.warning("metrics: the database did not answer: %s", error)
        body, content_type = metrics.render(request.headers.get("Accept", ""))
        return web.Response(body=body, headers={"Content-Type": content_type})

    def _services(self) -> Services:
        return self._application.bot_data.ready()  # the server starts after post_init


def _parse_body(body: bytes) -> dict[str, Any] | None:
    """The update in a webhook request's body, as JSON; None when it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past the limit
        return None
    return data if has_update_id(data) else None


class WebhookWatch:
    """Asks getWebhookInfo now and then: Telegram's errors reaching the webhook, for /healthz.

    An error Telegram reports after the last update received, with updates waiting, means the
    webhook is not reached (the proxy is down, the certificate expired ...): updates make no
    progress although nothing fails on the bot's side.
    """

    def __init__(self, application: PressApplication, interval: float | None = None) -> None:
        self._application = application
        grace = telemetry_of(application).api.grace.total_seconds()
        low, high = WATCH_INTERVAL_BOUNDS
        self.interval = interval if interval is not None else min(high, max(low, grace / 4))
        self._since = time.time()  # errors from before the start are the old process's
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Check every `interval` seconds until stop()."""
        self._since = time.time()
        self._task = asyncio.create_task(self._run(), name="pressbot:webhook-watch")

    async def stop(self) -> None:
        """Stop checking."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def check(self) -> None:
        """Ask getWebhookInfo once and tell the health record."""
        info = await self._application.bot.get_webhook_info()
        last_error = info.last_error_date.timestamp() if info.last_error_date else None
        telemetry_of(self._application).api.webhook_checked(
            last_error, info.pending_update_count, info.last_error_message, self._since
        )

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.check()
            except TelegramError as error:
                # The call itself failing is the sending path's to report (telemetry saw it).
                logger.debug("getWebhookInfo failed: %s", error)
