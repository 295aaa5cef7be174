"""A fake embassy website on 127.0.0.1 for the feed and page importer's tests.

Each path serves a fixture (or bytes set by the test) with an ETag and a Last-Modified header,
answering a matching conditional GET with 304 as a real server does. A path can also be told to
answer 500, to be slow, to send a huge body, or to redirect in a loop; every request is counted.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from types import TracebackType

from aiohttp import web

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "website"
CONTENT_TYPES = {".xml": "application/rss+xml", ".html": "text/html; charset=utf-8"}


@dataclass
class Page:
    """What one path answers."""

    body: bytes
    content_type: str
    last_modified: datetime
    mode: str = "ok"  # ok, error, slow, huge, loop
    delay: float = 0.0

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


class FakeWebsite:
    """The fake website; `url(path)` is what the bot is pointed at."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._clock = datetime(2018, 10, 18, 5, 0, tzinfo=UTC)

    def url(self, path: str) -> str:
        """The full URL of a path on this site."""
        return f"http://127.0.0.1:{self._port}/{path.lstrip('/')}"

    def serve(self, path: str, fixture: str | bytes, *, content_type: str | None = None) -> str:
        """Serve a fixture file (by name) or bytes at path; a change gets a new ETag and date."""
        body = fixture if isinstance(fixture, bytes) else (FIXTURES / fixture).read_bytes()
        suffix = Path(fixture).suffix if isinstance(fixture, str) else ".html"
        self._clock = self._clock.replace(minute=(self._clock.minute + 1) % 60)
        self.pages[path] = Page(
            body, content_type or CONTENT_TYPES.get(suffix, "text/plain"), self._clock
        )
        return self.url(path)

    def fail(self, path: str, mode: str, delay: float = 0.0) -> None:
        """Make path answer 500 ("error"), wait `delay` ("slow"), send 6 MB ("huge"), or
        redirect to itself ("loop"); "ok" serves the fixture again."""
        page = self.pages.setdefault(path, Page(b"", "text/html", self._clock))
        page.mode, page.delay = mode, delay

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        self.requests[path] += 1
        page = self.pages.get(path)
        if page is None:
            return web.Response(status=404, text="no such page")
        if page.mode == "error":
            return web.Response(status=500, text="Internal Server Error")
        if page.mode == "loop":
            raise web.HTTPFound(location=f"/{path}?again={self.requests[path]}")
        if page.mode == "slow":
            await asyncio.sleep(page.delay)
        if page.mode == "huge":
            return await self._huge(request)
        headers = {"ETag": page.etag, "Last-Modified": format_datetime(page.last_modified, True)}
        if request.headers.get("If-None-Match") == page.etag:
            self.not_modified[path] += 1
            return web.Response(status=304, headers=headers)
        return web.Response(body=page.body, headers={**headers, "Content-Type": page.content_type})

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        # No Content-Length: the client has to count while it reads.
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b"<p>" + b"x" * (64 * 1024) + b"</p>"
        try:
            for _ in range(100):  # about 6.5 MB
                await response.write(chunk)
        except (ConnectionResetError, ConnectionError):
            pass  # the client stopped reading at its cap, as it should
        return response

    async def __aenter__(self) -> FakeWebsite:
        app = web.Application()
        app.router.add_get("/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
