"""Watching the bot's calls to Telegram and its updates, for /healthz and /metrics.

Two paths call the Bot API: python-telegram-bot (replies, getUpdates, setWebhook) and the
delivery engine's lean sender (broadcasts). Each gets an observed variant here that tells
``ApiHealth`` and ``Metrics`` about every call. A subclass of PTB's HTTPXRequest rather than a
TypeHandler, because a handler sees only incoming updates: neither a reply that fails nor a
webhook bot that never polls would show up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

from telegram import Update
from telegram._utils.types import JSONDict, ODVInput  # the type of do_request's timeouts
from telegram.error import TelegramError
from telegram.ext import TypeHandler
from telegram.request import HTTPXRequest, RequestData

from pressbot.bot.context import BotData, PressApplication, PressContext
from pressbot.bot.updates import readable_updates
from pressbot.core.clock import Clock
from pressbot.delivery.sender import ApiAnswer, BotApiSender
from pressbot.server.health import DEFAULT_GRACE, ApiHealth
from pressbot.server.metrics import Metrics

_TOO_MANY_REQUESTS: Final = 429
# Before every handler, and alone in its group, so it sees each update and stops none.
_COUNTING_GROUP: Final = -100


@dataclass(slots=True)
class Telemetry:
    """The application's metrics and its record of the Bot API's health."""

    clock: Clock
    grace: timedelta = DEFAULT_GRACE  # PRESSBOT_HEALTH_GRACE
    metrics: Metrics = field(default_factory=Metrics)
    api: ApiHealth = field(init=False)

    def __post_init__(self) -> None:
        self.api = ApiHealth(self.clock, self.grace)

    def record_call(self, status: int, *, updates: bool = False) -> None:
        """Note one Bot API call's HTTP status (0: no answer); `updates`: a getUpdates call."""
        self.api.record(status, updates=updates)
        if status == _TOO_MANY_REQUESTS:
            self.metrics.flood_waits.inc()

    def request(self, *, for_updates: bool = False) -> ObservedRequest:
        """PTB's request object, with the pool size ApplicationBuilder would have chosen.

        PTB uses the one `for_updates` for getUpdates only: its calls are the updates path,
        and its answers are decoded update by update (updates.readable_updates).
        """
        if for_updates:
            return UpdatesRequest(self, connection_pool_size=1)
        return ObservedRequest(self, connection_pool_size=256)

    def register(self, application: PressApplication) -> None:
        """Make the telemetry reachable from the application and count every update."""
        server_data(application).telemetry = self
        application.add_handler(TypeHandler(Update, self._count_update), group=_COUNTING_GROUP)

    async def _count_update(self, update: Update, context: PressContext) -> None:
        self.metrics.count_update(update)


@dataclass(slots=True)
class ServerBotData(BotData):
    """The bot_data of an application build_application made: BotData and its telemetry.

    A subclass here rather than a field of BotData because the bot layer knows nothing of
    the server's watching; only server code reads `telemetry`, through `telemetry_of`.
    """

    telemetry: Telemetry | None = None  # set by Telemetry.register, before the bot starts


def server_data(application: PressApplication) -> ServerBotData:
    """The application's bot_data as build_application made it, with the telemetry."""
    data = application.bot_data
    if not isinstance(data, ServerBotData):
        raise TypeError(f"bot_data is {type(data).__name__}: not built by build_application")
    return data


def telemetry_of(application: PressApplication) -> Telemetry:
    """The telemetry that `Telemetry.register` put into the application."""
    telemetry = server_data(application).telemetry
    if telemetry is None:
        raise RuntimeError("no telemetry: Telemetry.register was not called on the application")
    return telemetry


class ObservedRequest(HTTPXRequest):
    """PTB's HTTP client, telling the telemetry how each call went."""

    #: Whether the calls made with it are getUpdates (the updates path of the health record).
    for_updates = False

    def __init__(self, telemetry: Telemetry, *, connection_pool_size: int) -> None:
        super().__init__(connection_pool_size=connection_pool_size)
        self._telemetry = telemetry

    async def do_request(  # noqa: PLR0917 - HTTPXRequest's signature
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make the call as HTTPXRequest does; record its status, 0 for a network error."""
        try:
            status, payload = await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
        except TelegramError:
            self._telemetry.record_call(0, updates=self.for_updates)
            raise
        self._telemetry.record_call(status, updates=self.for_updates)
        return status, payload


class UpdatesRequest(ObservedRequest):
    """The getUpdates request: the updates path, and each update decoded on its own.

    ``parse_json_payload`` is PTB's hook for reading an answer; here an update that PTB's
    model cannot decode is replaced by its bare update_id before Bot.get_updates decodes the
    list, so that one such update neither fails the whole answer nor stops the offset.
    """

    for_updates = True

    def parse_json_payload(self, payload: bytes) -> JSONDict:  # type: ignore[override]
        """Parse as PTB does; stand in for each update PTB cannot decode (skipped, counted)."""
        answer: dict[str, Any] = super().parse_json_payload(payload)
        if "result" in answer:
            answer["result"] = readable_updates(
                answer["result"], self._telemetry.metrics.count_undecodable
            )
        return answer


class ObservedSender(BotApiSender):
    """The delivery engine's sender, telling the telemetry about each call and its duration."""

    def __init__(
        self, telemetry: Telemetry, base_url: str, token: str, *, timeout: float = 10.0
    ) -> None:
        super().__init__(base_url, token, timeout=timeout)
        self._telemetry = telemetry

    async def call(self, method: str, body: bytes) -> ApiAnswer:
        """Send as BotApiSender does; record the status and how long it took."""
        started = time.monotonic()
        answer = await super().call(method, body)
        self._telemetry.metrics.delivery_latency.observe(time.monotonic() - started)
        self._telemetry.record_call(answer.status)
        return answer
