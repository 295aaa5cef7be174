"""A fake Telegram Bot API HTTP server for end-to-end tests and benchmarks of the bot.

It serves /bot<token>/<method> on 127.0.0.1 like api.telegram.org: every request is checked
against the Bot API spec and its prose limits (a breach answers 400 and is appended to
``violations``), then runs against the fake's world (chats, messages, updates) in world.py.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from .faults import FailRule, FailWindow, FloodControl, error_answer, undecodable_poll
from .limits import check_request
from .methods import Methods
from .models import ApiCall, ApiError, JsonDict, SentMessage, UploadedFile
from .spec import SPEC, MethodSpec
from .user_media import UserMediaActions
from .world import DEFAULT_ALLOWED_UPDATES, Pulse

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456:TEST-fake-token-abc"
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class _PollCut(Exception):
    """An outage began while a getUpdates long poll waited: drop its connection."""


class FakeBotApi(UserMediaActions):
    """The fake Telegram Bot API server; the World it inherits is what tests set up and read.

    ``max_poll_wait`` caps a getUpdates long poll (the bot may ask for more): an empty answer
    within a second keeps shutdowns fast, and an injected update still wakes the poll at once.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        now: Callable[[], datetime] | None = None,
        rate_limit: int | None = None,
        per_chat_limit: bool = False,
        max_poll_wait: float = 1.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(token, now)
        self.calls: list[ApiCall] = []
        self.violations: list[str] = []
        self.flood = FloodControl(rate_limit, per_chat_limit)
        self.max_poll_wait = max_poll_wait
        self._methods = Methods(self)
        self._fail_rules: list[FailRule] = []
        self._fail_windows: list[FailWindow] = []
        self._outage_until = 0.0  # time.monotonic() when the current outage ends
        self._outage_status: int | None = None
        self._outages = 0  # outages begun so far: a long poll that sees it change is cut
        self._outage_timer: asyncio.TimerHandle | None = None
        self.waiting_polls = 0  # getUpdates long polls waiting for an update right now
        self._delays: dict[str, float] = {}
        self._drops: dict[str, int] = {}
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self._new_updates = Pulse()
        self._poll_generation = 0

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The URL to give python-telegram-bot as base_url (it appends the token)."""
        return f"http://{self._host}:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        """The URL to give python-telegram-bot as base_file_url, for getFile downloads."""
        return f"http://{self._host}:{self._port}/file/bot"

    @property
    def flood_429_count(self) -> int:
        """How many requests flood control answered with 429."""
        return self.flood.rejected

    async def start(self) -> None:
        """Listen on host:port (port 0: an ephemeral one, then known from base_url)."""
        self._stopping.clear()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        self._port = self._runner.addresses[0][1]
        logger.debug("fake Bot API listening on %s", self.base_url)

    async def stop(self) -> None:
        """Answer pending long polls and delayed calls, then close the server."""
        self._stopping.set()
        self._new_updates.fire()
        if self._outage_timer is not None:
            self._outage_timer.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- faults on demand ---------------------------------------------------------------------

    @staticmethod
    def _method_name(method: str) -> str:
        spec = SPEC.method(method)
        if spec is None:
            raise ValueError(f"{method!r} is not a Bot API method")
        return spec.name

    def fail_next(
        self,
        method: str,
        status: int,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id`` only, if given) fail."""
        rule = FailRule.build(
            self._method_name(method),
            status,
            description,
            retry_after=retry_after,
            migrate_to_chat_id=migrate_to_chat_id,
            chat_id=chat_id,
            times=times,
        )
        self._fail_rules.append(rule)

    def delay(self, method: str, seconds: float) -> None:
        """Answer every call of ``method`` after ``seconds`` (0 turns the delay off)."""
        self._delays[self._method_name(method)] = seconds

    def drop_connection(self, method: str, times: int = 1) -> None:
        """Close the connection without an answer on the next ``times`` calls of ``method``."""
        self._drops[self._method_name(method)] = times

    def fail_for(
        self, method: str, status: int, seconds: float, description: str | None = None
    ) -> None:
        """For ``seconds`` of real time, every call of ``method`` answers ``status``.

        The description defaults to Telegram's for the status, as in fail_next. Requests that
        break the spec still answer 400 first: the failure stands for Telegram's servers.
        """
        until = time.monotonic() + seconds
        self._fail_windows.append(
            FailWindow(self._method_name(method), status, description, until)
        )

    def outage(self, seconds: float, *, status: int | None = None) -> None:
        """For ``seconds`` of real time, every Bot API request fails, getUpdates included.

        With ``status`` None the connection is dropped without an answer (Telegram
        unreachable); with a status (502, 500 ...) Telegram's JSON error for it is answered. A
        getUpdates long poll already waiting is dropped at once, so the bot notices now, not
        when its poll would have ended. Calls are recorded with status 0 (dropped) or the
        status; /_fake/ endpoints keep working. Call it in the fake's event loop.
        """
        if seconds <= 0:
            raise ValueError("an outage lasts a positive number of seconds")
        self._outage_until = time.monotonic() + seconds
        self._outage_status = status
        self._outages += 1
        if self._outage_timer is not None:
            self._outage_timer.cancel()
        # End it with a timer, not only by comparing the clock: the end then fires `changed`,
        # so wait_until(lambda: not fake.in_outage) wakes without waiting for another call.
        self._outage_timer = asyncio.get_running_loop().call_later(seconds, self.end_outage)
        self._new_updates.fire()  # a waiting long poll wakes and is cut
        self.changed.fire()

    def end_outage(self) -> None:
        """End the current outage (if any) now; requests are served again."""
        if self._outage_timer is not None:
            self._outage_timer.cancel()
            self._outage_timer = None
        self._outage_until = 0.0
        self.changed.fire()

    @property
    def in_outage(self) -> bool:
        """Whether an outage is going on now."""
        return time.monotonic() < self._outage_until

    def push_undecodable_update(self, kind: str = "poll") -> JsonDict:
        """Queue an update python-telegram-bot 22.8 cannot decode, as a newer Telegram might.

        ``kind`` "poll" queues a poll update; "message" a user's message (private chat of user
        1001) carrying the poll, for bots that do not ask for poll updates. The poll
        (faults.undecodable_poll) has an option with media but no ``text``, which PTB's
        PollOption requires: ``telegram.Update.de_json`` raises ``TypeError`` ("missing 1
        required positional argument: 'text'"). The update is not checked against the spec
        (it is what a newer Telegram would send) but obeys allowed_updates like any other.
        """
        poll = undecodable_poll(str(next(self._query_ids)))
        if kind == "poll":
            return self.push_update("poll", poll)
        if kind == "message":
            sender = self.users.get(1001) or self._user(1001, "Anna", None, "en")
            message = self.new_message(self.chat(1001).id, sender, None)
            message.media, message.media_payload = "poll", poll
            return self.push_update("message", self.message_json(message))
        raise ValueError(f"no undecodable {kind!r} update; kinds: 'poll', 'message'")

    async def post_update_to_webhook(self, update: JsonDict, url: str, secret: str) -> int:
        """POST ``update`` to the bot's webhook at ``url`` as Telegram does; return the status.

        The secret goes in the X-Telegram-Bot-Api-Secret-Token header. Post the same update
        twice to see what the bot does with a delivery Telegram retries.
        """
        headers = {WEBHOOK_SECRET_HEADER: secret}
        timeout = aiohttp.ClientTimeout(total=10)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(url, json=update, headers=headers) as response,
        ):
            await response.read()
            return response.status

    # -- waiting ------------------------------------------------------------------------------

    def push_update(self, kind: str, payload: JsonDict) -> JsonDict:
        """Queue an update and wake a waiting getUpdates at once."""
        update = super().push_update(kind, payload)
        self._new_updates.fire()
        return update

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109 - the tests' own deadline
        """Wait until ``predicate()`` holds, re-checking on every call the fake records."""
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                recent = [f"{c.method} -> {c.status}" for c in self.calls[-8:]]
                raise AssertionError(
                    f"condition not met within {timeout} s; last calls: {recent}; "
                    f"violations: {self.violations}"
                )
            await self.changed.wait(remaining)

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - the tests' own deadline
    ) -> list[SentMessage]:
        """Wait until the bot has sent at least ``count`` messages to the chat; return them all."""
        await self.wait_until(lambda: len(self.messages(chat_id)) >= count, timeout)
        return self.messages(chat_id)

    # -- HTTP ---------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        received = time.monotonic()
        prefix, _, name = request.path.lstrip("/").partition("/")
        if prefix == "_fake":
            return self._control(request, name)
        if prefix == "file":  # /file/bot<token>/<file_path>, as getFile gave it
            return self.files.download(name, self.token)
        if not prefix.startswith("bot"):
            return web.json_response(ApiError(404, "Not Found").to_json(), status=404)
        if self.in_outage:  # Telegram is down: no token check, no spec, nothing
            return await self._answer_outage(request, name, received)
        if prefix != f"bot{self.token}":
            unauthorized = ApiError(401, "Unauthorized").to_json()
            self._record(ApiCall(name, {}, 401, unauthorized, received))
            return web.json_response(unauthorized, status=401)
        return await self._serve(request, name, received)

    async def _serve(self, request: web.Request, name: str, received: float) -> web.StreamResponse:
        """Answer one authorized Bot API request."""
        spec = SPEC.method(name)
        method = spec.name if spec else name
        params: JsonDict = {}
        try:
            # Read the body first: a delayed or dropped call must not leave it half read.
            raw = await _read_params(request)
            params = dict(raw)
            if self._drops.get(method, 0) > 0:
                return self._drop(request, ApiCall(method, params, 0, None, received))
            if delay := self._delays.get(method):
                await self._sleep(delay)
            if spec is None:
                raise ApiError(404, "Not Found", violation=True)
            params, problems = SPEC.decode_params(spec, raw)
            if problems:
                raise ApiError.bad_request("; ".join(problems), violation=True)
            body: JsonDict = {"ok": True, "result": await self._execute(spec, params)}
            status = 200
        except _PollCut:
            return self._abort(request, ApiCall(method, params, 0, None, received))
        except ApiError as error:
            if error.violation:
                self.violations.append(f"{method}: {error.description} in {_brief(params)}")
            body, status = error.to_json(), error.status
        self._record(ApiCall(method, params, status, body, received))
        return web.json_response(body, status=status)

    async def _execute(self, spec: MethodSpec, params: JsonDict) -> Any:
        method = spec.name
        texts = check_request(method, params)
        for rule in self._fail_rules:
            if rule.matches(method, params):
                rule.times -= 1
                self._fail_rules = [r for r in self._fail_rules if r.times > 0]
                raise rule.error
        now = time.monotonic()
        self._fail_windows = [w for w in self._fail_windows if w.until > now]
        for window in self._fail_windows:
            if window.method == method:
                raise window.error()
        chat = self._methods.target_chat(method, params)
        self.flood.admit(method, params, chat, time.monotonic())
        if method == "getUpdates":
            return await self._get_updates(params)
        result = self._methods.call(spec, params, texts, chat)
        return await result if inspect.isawaitable(result) else result

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        """Long poll: answer at once when updates wait, else when one arrives or time is up."""
        if self.webhook_url:
            raise ApiError(409, WEBHOOK_CONFLICT)
        if "allowed_updates" in params:
            self.allowed_updates = frozenset(params["allowed_updates"]) or DEFAULT_ALLOWED_UPDATES
        self.confirm_updates(params.get("offset", 0))
        self._poll_generation += 1
        generation, outages = self._poll_generation, self._outages
        self._new_updates.fire()  # a poll still waiting is now superseded: let it answer 409
        deadline = time.monotonic() + min(params.get("timeout", 0), self.max_poll_wait)
        limit = params.get("limit", 100)
        while True:
            # An outage begun since the poll arrived cuts it, even one already over.
            if outages != self._outages or self.in_outage:
                raise _PollCut
            if generation != self._poll_generation:
                raise ApiError(409, POLL_CONFLICT)
            updates = self.deliverable_updates(limit)
            remaining = deadline - time.monotonic()
            if updates or remaining <= 0 or self._stopping.is_set():
                return updates
            self.waiting_polls += 1
            self.changed.fire()  # so a test can wait_until the poll is waiting
            try:
                await self._new_updates.wait(remaining)
            finally:
                self.waiting_polls -= 1

    def _drop(self, request: web.Request, call: ApiCall) -> web.StreamResponse:
        """Answer a call drop_connection asked for by resetting the connection."""
        self._drops[call.method] -= 1
        return self._abort(request, call)

    def _abort(self, request: web.Request, call: ApiCall) -> web.StreamResponse:
        """Reset the connection: the client sees a network error and no answer."""
        self._record(call)
        if request.transport is not None:
            request.transport.abort()
        return web.Response()

    async def _answer_outage(
        self, request: web.Request, name: str, received: float
    ) -> web.StreamResponse:
        """Fail a request during an outage: drop it, or answer the outage's status."""
        spec = SPEC.method(name)
        method = spec.name if spec else name
        try:
            params: JsonDict = dict(await _read_params(request))  # read all, as in _serve
        except ApiError:
            params = {}
        if self._outage_status is None:
            return self._abort(request, ApiCall(method, params, 0, None, received))
        body = error_answer(self._outage_status).to_json()
        self._record(ApiCall(method, params, self._outage_status, body, received))
        return web.json_response(body, status=self._outage_status)

    def _control(self, request: web.Request, name: str) -> web.StreamResponse:
        """The /_fake/ endpoints for benchmarks that run the fake in another process.

        GET stats; POST outage?seconds=S[&status=N], fail_for?method=M&status=N&seconds=S
        [&description=D], end_outage. They answer {"ok": true} or a JSON error.
        """
        if name == "stats":
            return web.json_response(self.stats())
        action = {
            "outage": self._control_outage,
            "fail_for": self._control_fail_for,
            "end_outage": self._control_end_outage,
        }.get(name)
        if action is None:
            return web.json_response(ApiError(404, "Not Found").to_json(), status=404)
        if request.method != "POST":
            error = ApiError(405, "Method Not Allowed: use POST")
            return web.json_response(error.to_json(), status=405)
        try:
            action(request.query)
        except (KeyError, ValueError) as error:
            problem = ApiError.bad_request(f"{name}: {error!r}")
            return web.json_response(problem.to_json(), status=400)
        return web.json_response({"ok": True})

    def _control_outage(self, query: Mapping[str, str]) -> None:
        status = query.get("status")
        self.outage(float(query["seconds"]), status=None if status is None else int(status))

    def _control_end_outage(self, query: Mapping[str, str]) -> None:
        self.end_outage()

    def _control_fail_for(self, query: Mapping[str, str]) -> None:
        seconds = float(query["seconds"])
        self.fail_for(query["method"], int(query["status"]), seconds, query.get("description"))

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but no longer than until stop()."""
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            return

    def _record(self, call: ApiCall) -> None:
        self.calls.append(call)
        self.changed.fire()

    def stats(self) -> JsonDict:
        """Counts for benchmarks that run the fake in another process (GET /_fake/stats)."""
        statuses = Counter(str(call.status) for call in self.calls)
        methods = Counter(call.method for call in self.calls)
        return {
            "calls": len(self.calls),
            "methods": dict(methods),
            "statuses": dict(statuses),
            "flood_429_count": self.flood_429_count,
            "violations": self.violations,
        }


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Query string plus body: JSON, urlencoded or multipart form (files become UploadedFile)."""
    params: dict[str, Any] = dict(request.query) if request.query_string else {}
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError.bad_request("can't parse JSON request body", violation=True) from None
        if not isinstance(body, dict):
            raise ApiError.bad_request("JSON request body must be an object", violation=True)
        params.update(body)
        return params
    form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            value.file.seek(0)
            data = value.file.read()
            params[name] = UploadedFile(value.filename, value.content_type, len(data), data)
        else:
            params[name] = value
    return params


def _brief(params: JsonDict) -> str:
    text = repr(params)
    return text if len(text) <= 300 else text[:297] + "..."
