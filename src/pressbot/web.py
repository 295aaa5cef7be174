"""The bot's HTTP listener: Telegram's webhook, /healthz and /metrics, on one aiohttp server.

python-telegram-bot's own webhook server cannot serve other paths, so this follows its
"custom webhook bot" example instead: the webhook route checks Telegram's secret header, parses
the update and puts it on ``application.update_queue``; the Application handles it from there.
"""

from __future__ import annotations

import hmac
import json
import logging
import sqlite3
from dataclasses import dataclass
from typing import Final

from aiohttp import web
from telegram import Update

from pressbot.health import check_health
from pressbot.services import SERVICES_KEY, PressApplication, Services
from pressbot.telemetry import telemetry_of

logger = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
#: How long a request still in progress may take to finish when the server stops.
SHUTDOWN_GRACE: Final = 5.0


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
        # No access log: Prometheus and the proxy's health checks would fill it.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_GRACE)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        self._port = self._runner.addresses[0][1]
        logger.info("listening on %s:%d", self._host, self._port)

    async def stop(self) -> None:
        """Stop listening; requests in progress finish first (an update is then queued)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive_update(self, request: web.Request) -> web.Response:
        assert self._webhook is not None  # noqa: S101 - the route exists only with a webhook
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._webhook.secret.encode()):
            logger.warning("webhook request without the right secret refused")
            return web.Response(status=403, text="Forbidden")
        update = _parse_update(await request.read(), self._application)
        if update is None:
            return web.Response(status=400, text="Bad Request: not a Telegram update")
        await self._application.update_queue.put(update)
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
        except (sqlite3.Error, OSError, ValueError) as error:
            # The counters are still worth serving; /healthz reports the database.
            logger.warning("metrics: the database did not answer: %s", error)
        body, content_type = metrics.render(request.headers.get("Accept", ""))
        return web.Response(body=body, headers={"Content-Type": content_type})

    def _services(self) -> Services:
        services = self._application.bot_data[SERVICES_KEY]
        assert isinstance(services, Services)  # noqa: S101 - the server starts after post_init
        return services


def _parse_update(body: bytes, application: PressApplication) -> Update | None:
    """The update in a webhook request's body; None when it is not one."""
    try:
        data = json.loads(body)
    except ValueError:  # not JSON, or not UTF-8
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    try:
        return Update.de_json(data, application.bot)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        logger.warning("webhook body is not a valid update: %s", error)
        return None
