"""One poll of one source: fetch, parse, store, and decide: silent, publish, hold or correct.

The first good poll of a new source imports its backlog silently. After that, a new entry is
published through the delivery engine (as an admin's /post is) or held for an admin; a known
entry whose text changed is corrected as an admin's /edit is. Failures back off exponentially.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import httpx

from pressbot.core.models import Version
from pressbot.core.sources import SourceKind
from pressbot.delivery.engine import DeliveryEngine
from pressbot.ingest.entries import Entry, SourceError
from pressbot.ingest.feeds import FEED_ROOTS, is_xml, parse_feed, root_element
from pressbot.ingest.fetching import Fetched, Progress, fetch
from pressbot.ingest.kind_map import KindMap
from pressbot.ingest.pages import parse_page
from pressbot.storage import Database
from pressbot.storage.source_entries import HeldEntry, KnownEntry
from pressbot.storage.sources import Source

logger = logging.getLogger(__name__)

#: However often a source fails, it is tried again at least once an hour.
MAX_BACKOFF = 3600.0


@dataclass(frozen=True, slots=True)
class IngestSettings:
    """What polling needs of the settings."""

    interval: float
    autopublish: bool
    kinds: KindMap
    timeout: float


@dataclass(slots=True)
class PollReport:
    """What one poll of a source did, for admin notices and the command line."""

    source: Source
    imported: list[int] = field(default_factory=list)  # items added silently
    published: list[int] = field(default_factory=list)  # items sent to subscribers
    held: list[HeldEntry] = field(default_factory=list)  # entries waiting for an admin
    corrected: list[int] = field(default_factory=list)
    error: str | None = None
    started_failing: bool = False  # the first failure after good polls (or none)
    recovered: bool = False  # a good poll after failures


def retry_delay(interval: float, failures: int) -> float:
    """Seconds until the next try after `failures` failures in a row: doubling, capped."""
    if failures <= 0:
        return interval
    return min(interval * 2.0 ** (failures - 1), max(MAX_BACKOFF, interval))


def parse_body(
    fetched: Fetched, url: str, kind: SourceKind | Literal[""], kinds: KindMap, now: datetime
) -> list[Entry]:
    """Entries of a fetched feed or page, read as what the body is (see feeds.root_element).

    ``kind``, what the source was configured as ("" for `pressbot import-url`), only words the
    error when the body is not what it was said to be.
    """
    root = root_element(fetched.body)
    if root not in FEED_ROOTS and root != "html" and is_xml(fetched.body):
        raise SourceError(
            f"neither an RSS or Atom feed nor an HTML page: an XML document <{root}>"
        )
    try:
        if root in FEED_ROOTS:
            return parse_feed(fetched.body, url, kinds, now)
        return parse_page(fetched.body, url, kinds)
    except SourceError as error:
        if kind == SourceKind.FEED and root not in FEED_ROOTS:
            raise SourceError(f"not an RSS or Atom feed but an HTML page: {error}") from None
        raise
    except (RecursionError, ValueError, LookupError) as error:
        # Parsers meet whatever a website sends: their surprises are the source's failures.
        raise SourceError(f"cannot read it: {type(error).__name__}: {error}") from None


async def read_source(
    client: httpx.AsyncClient,
    source: Source,
    settings: IngestSettings,
    now: datetime,
    progress: Progress | None = None,
) -> tuple[bool, Fetched, list[Entry]]:
    """Fetch and parse a source; (modified, response, entries). Raises SourceError."""
    fetched = await fetch(
        client,
        source.url,
        etag=source.etag,
        last_modified=source.last_modified,
        time_limit=settings.timeout,
        progress=progress,
    )
    if not fetched.modified:
        return False, fetched, []
    # Parsing a few megabytes takes a while: not on the event loop.
    entries = await asyncio.to_thread(
        parse_body, fetched, source.url, source.kind, settings.kinds, now
    )
    return True, fetched, entries


async def record_source_failure(
    database: Database, source: Source, settings: IngestSettings, error: str, now: datetime
) -> PollReport:
    """Record a failed poll: the source backs off, and says whether it just started failing."""
    failures = source.failures + 1
    next_poll = now + timedelta(seconds=retry_delay(settings.interval, failures))
    recorded = await database.sources.record_failure(source.id, error, next_poll, now)
    logger.warning("source %s failed (%d in a row): %s", source.url, recorded, error)
    return PollReport(source, error=error, started_failing=recorded == 1)


async def poll_source(
    database: Database,
    *,
    engine: DeliveryEngine,
    client: httpx.AsyncClient,
    source: Source,
    settings: IngestSettings,
    now: datetime,
) -> PollReport:
    """Poll one source once and record the outcome; never raises for the source's faults."""
    try:
        modified, fetched, entries = await read_source(client, source, settings, now)
    except SourceError as error:
        return await record_source_failure(database, source, settings, str(error), now)
    report = PollReport(source)
    if modified:
        await store_entries(
            database=database, engine=engine, source=source, entries=entries,
            autopublish=settings.autopublish, now=now, report=report,
        )  # fmt: skip
    ended = await database.sources.record_success(
        source.id,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        next_poll_at=now + timedelta(seconds=settings.interval),
        now=now,
    )
    report.recovered = ended > 0
    return report


async def store_entries(
    database: Database,
    *,
    engine: DeliveryEngine,
    source: Source,
    entries: list[Entry],
    autopublish: bool,
    now: datetime,
    report: PollReport,
) -> None:
    """Store what is new or changed among a source's entries, into `report`."""
    known = await database.source_entries.known(source.id)
    entries = list({entry.uid: entry for entry in reversed(entries)}.values())  # first wins
    fresh = sorted(
        (entry for entry in entries if entry.uid not in known), key=lambda e: e.published_at
    )
    if source.first_success_at is None:  # the backlog: kept, not announced
        rows = [(e.as_item(source.language), e.content_hash) for e in fresh]
        report.imported = await database.source_entries.import_silently(source.id, rows, now)
    else:
        await _store_new(
            database=database, source=source, fresh=fresh, autopublish=autopublish,
            now=now, report=report,
        )  # fmt: skip
    for entry in entries:
        seen = known.get(entry.uid)
        if seen is not None and seen.content_hash != entry.content_hash:
            await _store_change(
                database, seen, entry, language=source.language, now=now, report=report
            )
    if report.published or report.corrected:
        engine.wake()


async def _store_new(
    database: Database,
    *,
    source: Source,
    fresh: list[Entry],
    autopublish: bool,
    now: datetime,
    report: PollReport,
) -> None:
    stored = await database.source_entries.elsewhere([entry.uid for entry in fresh])
    for entry in fresh:
        item = entry.as_item(source.language)
        if entry.uid in stored:  # from another source, data/, or held there: not twice
            await database.source_entries.remember(
                source.id, item, entry.content_hash, state="imported",
                item_id=stored[entry.uid], now=now,
            )  # fmt: skip
        elif autopublish:
            try:
                item_id, _ = await database.outbox.publish_new(item, None, None, now)
            except ValueError:  # another source brought the same release just now
                await database.source_entries.remember(
                    source.id, item, entry.content_hash, state="imported", item_id=None, now=now
                )
                continue
            await database.source_entries.remember(
                source.id, item, entry.content_hash, state="published", item_id=item_id, now=now
            )
            report.published.append(item_id)
        else:
            entry_id = await database.source_entries.remember(
                source.id, item, entry.content_hash, state="held", item_id=None, now=now
            )
            if entry_id is not None:
                report.held.append(HeldEntry(entry_id, source.id, source.url, item))


async def _store_change(
    database: Database,
    seen: KnownEntry,
    entry: Entry,
    *,
    language: str,
    now: datetime,
    report: PollReport,
) -> None:
    """A known entry with a new title or text: held ones wait with it, published are corrected."""
    item = await database.items.get(seen.item_id) if seen.item_id is not None else None
    if seen.state != "held" and item is not None:
        broadcast = await database.outbox.correct(
            item.id,
            # The website writes the item's own version; a translation an admin added stays.
            versions=[Version(item.language, entry.title, entry.body_html)],
            # The item keeps its media: the website's first ones, with file_ids learnt, or
            # those an admin set with /edit. Only the words follow the website.
            media=None,
            requested_by=None,
            progress_chat_id=None,
            now=now,
        )
        if broadcast:  # None: withdrawn by an admin, and it stays so; 0: the same words
            report.corrected.append(item.id)
    await database.source_entries.update_entry(
        seen.id, entry.as_item(language), entry.content_hash, now
    )
