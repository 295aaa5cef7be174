"""Fetching a feed or page: conditional GET, a size cap while streaming, a deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from pressbot.ingest.entries import SourceError

#: A page or feed larger than this is refused: no press page is that big.
MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "pressbot (an embassy press office's Telegram bot)"

Progress = Callable[[int, int | None], None]  # (bytes so far, Content-Length or None)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response worth parsing, or `modified=False` for a 304."""

    modified: bool
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


def make_client(timeout: float) -> httpx.AsyncClient:
    """An HTTP client for one round of polls."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
    )


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    time_limit: float,
    max_bytes: int = MAX_BODY_BYTES,
    progress: Progress | None = None,
) -> Fetched:
    """GET the URL unless unchanged; raise SourceError with a short reason on any failure."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        # httpx's time-outs are per read; a server trickling bytes needs an overall deadline.
        async with asyncio.timeout(time_limit):
            return await _get(client, url, headers, max_bytes, progress)
    except TimeoutError:
        raise SourceError(f"no complete answer within {time_limit:g} seconds") from None
    except httpx.TooManyRedirects:
        raise SourceError(f"more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
    except httpx.TimeoutException:
        raise SourceError(f"timed out after {time_limit:g} seconds") from None
    except httpx.HTTPError as error:
        raise SourceError(f"cannot fetch: {type(error).__name__}: {error}") from None


async def _get(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    max_bytes: int,
    progress: Progress | None,
) -> Fetched:
    async with client.stream("GET", url, headers=headers) as response:
        if response.status_code == httpx.codes.NOT_MODIFIED:
            return Fetched(modified=False)
        if response.status_code != httpx.codes.OK:
            raise SourceError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
        declared = response.headers.get("Content-Length")
        total = int(declared) if declared and declared.isdigit() else None
        if total is not None and total > max_bytes:
            raise SourceError(f"too large: {total} bytes, at most {max_bytes}")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise SourceError(f"too large: more than {max_bytes} bytes")
            chunks.append(chunk)
            if progress is not None:
                progress(size, total)
        return Fetched(
            modified=True,
            body=b"".join(chunks),
            content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )
