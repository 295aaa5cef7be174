"""A lean Bot API client for broadcasts: one JSON body prepared once, many chats, little CPU.

A broadcast sends one method with the same parameters to up to 100,000 chats; only ``chat_id``
(and, for edits and deletes, ``message_id``) differs. ``PreparedRequest`` serialises the
parameters once and splices the ids into the bytes; ``BotApiSender`` POSTs them over pooled
keep-alive connections and parses each answer into a small ``ApiAnswer`` holding the raw
``result`` (no ``telegram.Message`` objects are built).

Why aiohttp, measured with ``bench/send_path.py``: 10,000 HTML messages of ~700 characters with
a button, to the fake Bot API in another process, on the project's shared 2-core machine. CPU
per delivered message in the sending process (one run; the ratios repeat, the absolute numbers
move with the machine's load):

    python-telegram-bot, bare loop (the baseline)      1.9 ms   (1.2 ms when the machine is quiet)
    python-telegram-bot, 32 in flight                  4.4 ms
    httpx + PreparedRequest, 1 / 32 in flight          1.7 / 3.5 ms
    aiohttp + PreparedRequest (this module), 32        0.2 ms   (0.11x the baseline)

Most of python-telegram-bot's cost is httpx itself (pure-Python HTTP parsing in h11, anyio
layers), and httpcore's pool costs more per request the more requests wait in it, so no way of
using httpx meets the 1.0 ms goal. aiohttp (C HTTP parser; already the fake's server) does, with
most of the budget left to the delivery engine, so a hand-written HTTP/1.1 client is not worth
its risk. The standard json module stays: parsing an answer takes ~16 us, and orjson would save
~12 us of the ~200 us, not worth another dependency. TLS is aiohttp's default: the system's
certificates, verified.

Errors never raise: Telegram's error answers and network failures alike come back as an
``ApiAnswer`` (``status`` 0 when no usable answer came), so the delivery engine decides about
retries in one place. The bot token is part of every URL; it is redacted from every text this
module produces, since HTTP libraries put the URL into their exception messages.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote

import aiohttp
from yarl import URL

REDACTED: Final = "<redacted>"
_JSON_HEADERS: Final = {"Content-Type": "application/json"}


@dataclass(frozen=True, slots=True)
class ApiAnswer:
    """What one Bot API call came back with: Telegram's answer, or why there was none."""

    status: int  # HTTP status; 0 when no usable answer came (network error, timeout, bad JSON)
    ok: bool
    result: Any  # the parsed "result" when ok
    error_code: int | None
    description: str | None  # Telegram's description, or the network error's text
    retry_after: float | None  # parameters.retry_after of a 429
    migrate_to_chat_id: int | None  # parameters.migrate_to_chat_id of a 400

    @property
    def network_error(self) -> bool:
        """No answer from Telegram: the request may or may not have taken effect."""
        return self.status == 0

    @property
    def transient(self) -> bool:
        """No answer, or a 5xx: it says something of Telegram, nothing of the chat."""
        return self.network_error or self.status >= 500

    @classmethod
    def failure(cls, description: str) -> ApiAnswer:
        """An answer for a call that got no usable answer from the server."""
        return cls(0, False, None, None, description, None, None)


class PreparedRequest:
    """One method call whose parameters are fixed except chat_id, serialised once.

    The body of each call is the template's JSON with ``"chat_id":N`` (and any ``extra`` integer
    parameters, e.g. ``message_id`` for an edit) put in front of the fixed parameters: a few
    bytes concatenations instead of serialising a 700-character text 10,000 times.
    """

    __slots__ = ("_fixed_keys", "_tail", "method")

    def __init__(self, method: str, params: Mapping[str, Any]) -> None:
        if "chat_id" in params:
            raise ValueError("chat_id is given per call to body_for(), not in params")
        self.method = method
        # Compact, and UTF-8 rather than \\u escapes: Cyrillic text would be six times larger.
        fixed = json.dumps(dict(params), ensure_ascii=False, separators=(",", ":"))
        # "{...}" -> b',...}' to follow the spliced-in ids; an empty object leaves just "}".
        self._tail = b"}" if fixed == "{}" else b"," + fixed[1:].encode()
        self._fixed_keys = frozenset(params)

    def body_for(self, chat_id: int, **extra: int | tuple[int, ...]) -> bytes:
        """The JSON body for ``chat_id``; ``extra`` adds integer parameters such as message_id
        (or a tuple of them, such as deleteMessages' message_ids)."""
        if type(chat_id) is not int:  # bool is an int, but True is no chat id
            raise TypeError(f"chat_id must be an int, not {type(chat_id).__name__}")
        if not extra:
            return b'{"chat_id":%d%s' % (chat_id, self._tail)
        parts = [b'{"chat_id":%d' % chat_id]
        for name, value in extra.items():
            if name in self._fixed_keys or not name.isidentifier():
                # A duplicate key, or a name that would need escaping (**{'a"b': 1}).
                raise ValueError(f"{name!r} can't be added to the fixed parameters")
            parts.append(b',"%s":%s' % (name.encode(), _integers(name, value)))
        parts.append(self._tail)
        return b"".join(parts)

    def __repr__(self) -> str:
        return f"PreparedRequest({self.method!r}, {len(self._tail)} bytes of parameters)"


class BotApiSender:
    """POSTs JSON bodies to the Bot API over a pool of keep-alive connections.

    At most ``max_connections`` calls are on the wire at once; more wait for a free connection,
    and ``timeout`` counts from the moment a call has one, so a long queue does not make calls
    time out before they were even sent.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        max_connections: int = 64,
        timeout: float = 10.0,
    ) -> None:
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self._base_url = base_url
        self._secrets = tuple({token, quote(token, safe=""), quote(token)} - {""})
        self._prefix = f"{base_url}{token}/"
        self._urls: dict[str, URL] = {}
        self._max_connections = max_connections
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        # Up to 50 MB going up: a minute for a first upload, not the ten seconds of a message.
        self._upload_timeout = aiohttp.ClientTimeout(total=max(timeout, 60.0))
        # The session and semaphore are made on the first call: aiohttp wants a running loop.
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"BotApiSender({self._base_url!r}, token={REDACTED!r})"

    def _url(self, method: str) -> URL:
        """The method's URL, parsed once: yarl's parsing is a visible cost per request."""
        url = self._urls.get(method)
        if url is None:
            try:
                url = self._urls[method] = URL(self._prefix + method)
            except ValueError as error:  # a malformed base_url: the message may quote it
                raise ValueError(self.redact(str(error))) from None
        return url

    def _open(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        if self._closed:
            raise RuntimeError("BotApiSender is closed")
        if self._session is None or self._slots is None:
            connector = aiohttp.TCPConnector(limit=self._max_connections, limit_per_host=0)
            self._session = aiohttp.ClientSession(
                connector=connector,
                # Answers are JSON: no cookies to keep, nothing to add to each request.
                cookie_jar=aiohttp.DummyCookieJar(),
                skip_auto_headers=("User-Agent",),
                raise_for_status=False,
            )
            self._slots = asyncio.Semaphore(self._max_connections)
        return self._session, self._slots

    def redact(self, text: str) -> str:
        """``text`` with the token (plain or URL-encoded) replaced by ``<redacted>``."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    async def call(self, method: str, body: bytes) -> ApiAnswer:
        """POST ``body`` (JSON) to ``method``; Telegram's answer, or status 0 and the reason."""
        return await self._post(method, body, _JSON_HEADERS, self._timeout)

    async def _post(
        self,
        method: str,
        data: bytes | aiohttp.FormData,
        headers: Mapping[str, str] | None,
        limit: aiohttp.ClientTimeout,
    ) -> ApiAnswer:
        """One POST, counted from when it has a connection; `limit`: aiohttp's time-out."""
        session, slots = self._open()
        async with slots:
            try:
                async with session.post(
                    self._url(method), data=data, headers=headers, timeout=limit
                ) as response:
                    status = response.status
                    raw = await response.read()
            except TimeoutError:
                return ApiAnswer.failure(f"timed out after {limit.total} s")
            except (aiohttp.ClientError, OSError) as error:
                return ApiAnswer.failure(self.redact(_error_text(error)))
        return self._parse(status, raw)

    def _parse(self, status: int, raw: bytes) -> ApiAnswer:
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
            # A proxy's HTML error page, or a cut body: not Telegram's answer.
            return ApiAnswer.failure(f"HTTP {status}: the answer is not Bot API JSON")
        if answer["ok"]:
            return ApiAnswer(status, True, answer.get("result"), None, None, None, None)
        parameters = answer.get("parameters")
        retry_after = migrate_to = None
        if isinstance(parameters, dict):
            retry_after = parameters.get("retry_after")
            migrate_to = parameters.get("migrate_to_chat_id")
        description = answer.get("description")
        error_code = answer.get("error_code")
        return ApiAnswer(
            status,
            False,
            None,
            error_code if isinstance(error_code, int) else status,
            self.redact(description) if isinstance(description, str) else None,
            float(retry_after) if isinstance(retry_after, int | float) else None,
            migrate_to if isinstance(migrate_to, int) else None,
        )

    async def upload(
        self,
        method: str,
        params: Mapping[str, Any],
        files: Mapping[str, str],
        names: Mapping[str, str] | None = None,
    ) -> ApiAnswer:
        """POST ``params`` and local ``files`` as multipart/form-data: a file's first send;
        ``names``: what readers see each file called (its own name unless given).

        A file that can't be read comes back as a 400 of the bot's own ("could not read the
        file to upload"), not retried: another try would read the same nothing.
        """
        try:
            form, opened = form_data(params, files, names or {})
        except OSError as error:
            reason = f"could not read the file to upload ({_error_text(error)})"
            return ApiAnswer(400, False, None, 400, reason, None, None)
        try:
            return await self._post(method, form, None, self._upload_timeout)
        finally:
            for handle in opened:
                handle.close()

    async def close(self) -> None:
        """Close every connection; later calls raise RuntimeError."""
        self._closed = True
        if self._session is not None:
            await self._session.close()
            self._session = None


def _integers(name: str, value: object) -> bytes:
    """An int, or a tuple of ints, as JSON."""
    if type(value) is int:
        return b"%d" % value
    if type(value) is tuple and all(type(part) is int for part in value):
        return b"[%s]" % b",".join(b"%d" % part for part in value)
    raise TypeError(f"{name} must be an int or a tuple of ints, not {type(value).__name__}")


def form_data(
    params: Mapping[str, Any], files: Mapping[str, str], names: Mapping[str, str]
) -> tuple[aiohttp.FormData, list[Any]]:
    """A multipart body: each parameter (JSON unless a string) and each local file, opened
    here; the caller closes the returned files once the request is made."""
    form = aiohttp.FormData()
    for name, value in params.items():
        form.add_field(name, value if isinstance(value, str) else json.dumps(value))
    opened = []
    try:
        for name, path in files.items():
            handle = open(path, "rb")  # noqa: SIM115 - closed by the caller; quick
            opened.append(handle)
            form.add_field(name, handle, filename=names.get(name, os.path.basename(path)))
    except OSError:
        for handle in opened:
            handle.close()
        raise
    return form, opened


def _error_text(error: BaseException) -> str:
    """The exception's class and message (the caller redacts the token from it)."""
    text = str(error)
    name = type(error).__name__
    return f"{name}: {text}" if text else name
