"""One poll of a source against a local website: what is stored, held, corrected or refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import PAGE_TIME
from fakes.website import FIXTURES, FakeWebsite
from pressbot.core.models import BroadcastAction
from pressbot.core.sources import SourceKind
from pressbot.delivery.engine import DeliveryEngine, EngineSettings
from pressbot.delivery.sender import BotApiSender
from pressbot.ingest.fetching import make_client
from pressbot.ingest.kind_map import DEFAULT_KINDS
from pressbot.ingest.polling import IngestSettings, PollReport, poll_source, retry_delay
from pressbot.storage import Database, open_database

NOW = datetime(2018, 10, 18, 6, 0, tzinfo=UTC)
SETTINGS = IngestSettings(interval=600.0, autopublish=False, kinds=DEFAULT_KINDS, timeout=2.0)


def idle_engine(database: Database) -> DeliveryEngine:
    """An engine that is never started: publishing only queues deliveries in the outbox."""
    sender = BotApiSender("http://127.0.0.1:9/bot", "1:unused")
    return DeliveryEngine(database, sender, EngineSettings(), lambda: NOW)


async def poll(
    database: Database,
    url: str,
    *,
    kind: SourceKind = SourceKind.FEED,
    settings: IngestSettings = SETTINGS,
    now: datetime = NOW,
    language: str = "en",
) -> PollReport:
    await database.sources.ensure([(url, kind, language)], now)
    [source] = await database.sources.listed([url])
    async with make_client(settings.timeout) as client:
        return await poll_source(
            database,
            engine=idle_engine(database),
            client=client,
            source=source,
            settings=settings,
            now=now,
        )


async def item_count(database: Database) -> int:
    async with (
        database.connection.reading() as db,
        db.execute("SELECT count(*) FROM items") as cursor,
    ):
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def test_first_poll_imports_silently_and_an_unchanged_feed_costs_one_304(
    empty_database: Database, website: FakeWebsite
) -> None:
    url = website.serve("rss.xml", "rss.xml")
    report = await poll(empty_database, url)
    assert len(report.imported) == 2 and not report.published and not report.held
    assert await empty_database.outbox.recent(10) == []  # nobody was sent anything
    again = await poll(empty_database, url, now=NOW + timedelta(minutes=10))
    assert website.not_modified["rss.xml"] == 1
    assert (again.imported, again.published, again.held, again.error) == ([], [], [], None)
    [source] = await empty_database.sources.listed([url])
    assert source.items == 2 and source.etag and source.last_modified
    assert source.next_poll_at == NOW + timedelta(minutes=20)


async def test_new_entries_are_held_or_published_and_reordering_adds_nothing(
    empty_database: Database, website: FakeWebsite
) -> None:
    database = empty_database
    url = website.serve("news", "atom.xml")
    await poll(database, url)
    website.serve("news", "rss.xml")  # the same address now lists two new releases
    held = await poll(database, url, now=NOW + timedelta(minutes=10))
    assert [h.item.title for h in held.held] == [
        "Statement on the Salisbury anniversary",  # oldest first
        "Embassy comment on the visa queue",
    ]
    assert await item_count(database) == 2  # held entries are not items yet
    website.serve("news", "rss_reordered.xml")
    after = await poll(database, url, now=NOW + timedelta(minutes=20))
    assert (after.held, after.published, after.corrected) == ([], [], [])
    assert len(await database.source_entries.held()) == 2


async def test_autopublish_queues_a_broadcast_once(
    empty_database: Database, website: FakeWebsite
) -> None:
    database = empty_database
    url = website.serve("news", "atom.xml")
    await poll(database, url)
    website.serve("news", "rss.xml")
    publishing = IngestSettings(600.0, autopublish=True, kinds=DEFAULT_KINDS, timeout=2.0)
    report = await poll(database, url, settings=publishing, now=NOW + timedelta(minutes=10))
    assert len(report.published) == 2
    sends = [b for b in await database.outbox.recent(10) if b.action is BroadcastAction.SEND]
    assert sorted(b.item_id for b in sends) == sorted(report.published)
    website.serve("news", "rss_reordered.xml")
    again = await poll(database, url, settings=publishing, now=NOW + timedelta(minutes=20))
    assert again.published == [] and len(await database.outbox.recent(10)) == 2


async def test_a_changed_text_corrects_the_item(
    empty_database: Database, website: FakeWebsite
) -> None:
    database = empty_database
    original = (FIXTURES / "rss.xml").read_bytes()
    url = website.serve("rss.xml", original, content_type="application/rss+xml")
    [salisbury_id, _] = (await poll(database, url)).imported  # oldest first
    changed = original.replace(b"none at all", b"one, at last")
    website.serve("rss.xml", changed, content_type="application/rss+xml")
    report = await poll(database, url, now=NOW + timedelta(minutes=10))
    assert report.corrected == [salisbury_id]
    item = await database.items.get(salisbury_id)
    assert item is not None and item.revision == 1 and "one, at last" in item.body_html
    [edit] = await database.outbox.recent(10)
    assert edit.action is BroadcastAction.EDIT and edit.item_id == salisbury_id
    again = await poll(database, url, now=NOW + timedelta(minutes=20))
    assert again.corrected == []  # the same text again is no new correction


async def test_the_seed_page_adds_nothing_to_the_seeded_database(
    database: Database, website: FakeWebsite
) -> None:
    url = website.serve("en/", "press_page.html")
    report = await poll(database, url, kind=SourceKind.PAGE, now=PAGE_TIME)
    assert report.imported == [] and report.error is None
    assert await item_count(database) == 11
    [source] = await database.sources.listed([url])
    assert source.items == 11  # each entry knows the seeded item it is


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("error", "HTTP 500 Internal Server Error"),
        ("slow", "no complete answer within 0.5 seconds"),
        ("huge", "too large: more than 5242880 bytes"),
        ("loop", "more than 5 redirects (a redirect loop?)"),
    ],
)
async def test_a_failing_source_backs_off_and_recovers(
    empty_database: Database, website: FakeWebsite, mode: str, error: str
) -> None:
    quick = IngestSettings(600.0, autopublish=False, kinds=DEFAULT_KINDS, timeout=0.5)
    url = website.serve("feed", "rss.xml")
    website.fail("feed", mode, delay=5.0)
    first = await poll(empty_database, url, settings=quick)
    assert (first.error, first.started_failing) == (error, True)
    second = await poll(empty_database, url, settings=quick, now=NOW + timedelta(minutes=10))
    assert second.error == error and not second.started_failing
    [source] = await empty_database.sources.listed([url])
    assert source.failures == 2 and source.failing_since == NOW
    assert source.next_poll_at == NOW + timedelta(minutes=10, seconds=1200)
    website.fail("feed", "ok")
    later = NOW + timedelta(minutes=40)
    recovered = await poll(empty_database, url, settings=quick, now=later)
    assert recovered.recovered and recovered.error is None and len(recovered.imported) == 2
    [source] = await empty_database.sources.listed([url])
    assert (source.failures, source.error, source.last_success_at) == (0, None, later)


async def test_malformed_xml_is_a_failure_that_stores_nothing(
    empty_database: Database, website: FakeWebsite
) -> None:
    url = website.serve("feed", "malformed.xml")
    report = await poll(empty_database, url)
    assert report.error == "malformed feed: mismatched tag (line 8)"
    assert await item_count(empty_database) == 0


def test_back_off_doubles_from_the_interval_up_to_an_hour() -> None:
    assert [retry_delay(600, n) for n in range(6)] == [600, 600, 1200, 2400, 3600, 3600]
    assert retry_delay(7200, 3) == 7200  # never sooner than the interval itself


async def test_nothing_twice_after_reopening_the_database(
    tmp_path: Path, website: FakeWebsite
) -> None:
    url = website.serve("news", "atom.xml")
    database = await open_database(tmp_path / "restart.sqlite3")
    await poll(database, url)
    website.serve("news", "rss.xml")
    publishing = IngestSettings(600.0, autopublish=True, kinds=DEFAULT_KINDS, timeout=2.0)
    await poll(database, url, settings=publishing, now=NOW + timedelta(minutes=10))
    await database.close()
    database = await open_database(tmp_path / "restart.sqlite3")
    try:
        website.serve("news", "rss_reordered.xml")
        report = await poll(database, url, settings=publishing, now=NOW + timedelta(hours=1))
        assert (report.published, report.imported, report.corrected) == ([], [], [])
        assert await item_count(database) == 4
    finally:
        await database.close()


RUSSIAN_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Press releases</title><link>https://embassy.example/ru/</link>
<description>d</description>
<item><title>%s</title><link>https://embassy.example/ru/%s</link>
<pubDate>Tue, 16 Oct 2018 09:30:00 +0100</pubDate>
<description><![CDATA[<p>%s</p>]]></description></item>
</channel></rss>"""


def russian_feed(slug: str, title: str, body: str) -> bytes:
    return RUSSIAN_FEED % (title.encode(), slug.encode(), body.encode())


async def test_a_russian_sources_entries_become_russian_items(
    empty_database: Database, website: FakeWebsite
) -> None:
    database = empty_database
    feed = russian_feed("visa", "Очередь за визами", "Посольство сожалеет.")
    url = website.serve("ru.xml", feed, content_type="application/rss+xml")
    [backlog] = (await poll(database, url, language="ru")).imported
    item = await database.items.get(backlog)
    assert item is not None and (item.language, item.title) == ("ru", "Очередь за визами")
    fresh = russian_feed("salisbury", "Заявление", "Ответа нет.")
    website.serve("ru.xml", fresh, content_type="application/rss+xml")
    [held] = (await poll(database, url, language="ru", now=NOW + timedelta(minutes=10))).held
    [waiting] = await database.source_entries.held()
    assert held.item.language == waiting.item.language == "ru"
    assert waiting.item.title == "Заявление"


async def test_a_source_whose_language_changed_brings_items_in_the_new_one(
    empty_database: Database, website: FakeWebsite
) -> None:
    database = empty_database
    url = website.serve("feed.xml", "atom.xml")
    backlog = (await poll(database, url)).imported
    [source] = await database.sources.listed([url])
    assert source.language == "en"
    website.serve("feed.xml", "rss.xml")
    publishing = IngestSettings(600.0, autopublish=True, kinds=DEFAULT_KINDS, timeout=2.0)
    later = NOW + timedelta(minutes=10)
    report = await poll(database, url, settings=publishing, now=later, language="ru")
    [source] = await database.sources.listed([url])
    assert source.language == "ru"
    assert len(report.published) == 2
    languages = {}
    for item_id in [*backlog, *report.published]:
        item = await database.items.get(item_id)
        assert item is not None
        languages[item_id] = item.language
    assert [languages[i] for i in backlog] == ["en", "en"]  # what came before stays English
    assert [languages[i] for i in report.published] == ["ru", "ru"]
