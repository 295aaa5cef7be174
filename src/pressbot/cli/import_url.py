"""`pressbot import-url URL`: import one feed or page once, with a progress bar on stderr."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TextIO

from pressbot.cli.progress_bar import ProgressBar
from pressbot.core.clock import format_short_date
from pressbot.core.languages import ENGLISH
from pressbot.core.sources import SourceKind
from pressbot.ingest.entries import Entry
from pressbot.ingest.feeds import is_feed
from pressbot.ingest.fetching import fetch, make_client
from pressbot.ingest.kind_map import KindMap
from pressbot.ingest.polling import parse_body
from pressbot.storage import Database


class DownloadLine:
    """Bytes received so far, redrawn in place on a terminal (nothing elsewhere)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._live = stream.isatty()

    def show(self, received: int, total: int | None) -> None:
        """Show bytes received so far (of the total when the server said it)."""
        if not self._live:
            return
        of = f" of {total / 1024:.0f}" if total else ""
        self._stream.write(f"\rdownloading {received / 1024:.0f}{of} kB")
        self._stream.flush()

    def end(self) -> None:
        """End the download line."""
        if self._live:
            self._stream.write("\n")


async def import_url(
    database: Database,
    url: str,
    *,
    language: str = ENGLISH,
    kinds: KindMap,
    time_limit: float,
    now: datetime,
    out: TextIO,
    err: TextIO,
) -> int:
    """Fetch, parse and store one source's entries silently, as items in `language` (the
    source's from now on); print each one added.

    Returns how many items were added. Raises SourceError when the URL can't be read.
    """
    download = DownloadLine(err)
    async with make_client(time_limit) as client:
        fetched = await fetch(
            client,
            url,
            etag=None,
            last_modified=None,
            time_limit=time_limit,
            progress=download.show,
        )
    download.end()
    entries: list[Entry] = await asyncio.to_thread(parse_body, fetched, url, "", kinds, now)
    kind = SourceKind.FEED if is_feed(fetched.body) else SourceKind.PAGE
    await database.sources.ensure([(url, kind, language)], now)
    [source] = await database.sources.listed([url])
    ordered = sorted(entries, key=lambda entry: entry.published_at)
    added = 0
    bar = ProgressBar("storing", "entries", err)
    for done, entry in enumerate(ordered, start=1):
        row = (entry.as_item(source.language), entry.content_hash)
        for item_id in await database.source_entries.import_silently(source.id, [row], now):
            added += 1
            date = format_short_date(entry.published_at)
            out.write(f"added /read_{item_id}: {date} {entry.title}\n")
        bar.show(done, len(ordered))
    out.write(
        f"{url}: {added} of {len(ordered)} entries added, {len(ordered) - added} already there\n"
    )
    return added
