import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import PAGE_TIME
from pressbot.core.models import ChatType, ItemKind, NewItem, SubscriptionChange, Version
from pressbot.storage import Database, open_database
from pressbot.storage.connection import open_connection
from pressbot.storage.migrations import apply_migrations
from pressbot.storage.schema import MIGRATIONS, Migration
from pressbot.storage.search_index import match_query


def new_item(uid: str, published: datetime, title: str = "Title", body: str = "Body") -> NewItem:
    return NewItem(uid, ItemKind.PRESS_RELEASE, title, body, published, "test")


async def test_schema_is_made_once_and_pragmas_are_on(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    first = await open_database(path)
    await first.close()
    connection = await open_connection(path)
    assert await apply_migrations(connection) == []  # running again changes nothing
    async with connection.reading() as db:
        async with db.execute("PRAGMA journal_mode") as cursor:
            assert (await cursor.fetchone())[0] == "wal"
        async with db.execute("PRAGMA foreign_keys") as cursor:
            assert (await cursor.fetchone())[0] == 1
        async with db.execute("SELECT version FROM schema_migrations") as cursor:
            assert [row[0] async for row in cursor] == [m.version for m in MIGRATIONS]
    await connection.close()


async def test_a_failing_migration_rolls_back_whole(tmp_path: Path) -> None:
    connection = await open_connection(tmp_path / "db.sqlite3")
    broken = Migration(1, "broken", ("CREATE TABLE half (x INTEGER)", "CREATE TABLE oops ("))
    with pytest.raises(sqlite3.OperationalError):
        await apply_migrations(connection, (broken,))
    async with connection.reading() as db:
        async with db.execute("SELECT name FROM sqlite_master WHERE name = 'half'") as cursor:
            assert await cursor.fetchone() is None
        async with db.execute("SELECT count(*) FROM schema_migrations") as cursor:
            assert (await cursor.fetchone())[0] == 0
    await connection.close()


async def test_items_are_listed_newest_first_and_paged(database: Database) -> None:
    page = await database.items.latest(3)
    assert page.more
    assert [h.published_at.date().isoformat() for h in page.headlines] == [
        "2018-10-14",  # 15.10.2018 00:00 London is 14 October 23:00 UTC
        "2018-10-14",
        "2018-10-12",
    ]
    assert "ties between “Bellingcat”" in page.headlines[0].title  # first on the page
    assert "British government calls" in page.headlines[1].title
    assert page.has_older and not page.has_newer
    last = await database.items.latest(3, offset=9)
    assert len(last.headlines) == 2 and last.has_newer and not last.has_older
    assert last.headlines[-1].kind == ItemKind.STATEMENT


async def test_adding_the_same_uid_twice_adds_nothing(empty_database: Database) -> None:
    item = new_item("a", PAGE_TIME)
    assert await empty_database.items.add_many([item], PAGE_TIME) == 1
    assert await empty_database.items.add_many([item], PAGE_TIME) == 0
    assert await empty_database.items.count() == 1


async def test_newest_by_publication_not_by_insertion(empty_database: Database) -> None:
    items = [
        new_item("new", PAGE_TIME, "New", "common word"),
        new_item("old", PAGE_TIME - timedelta(days=30), "Old", "common word"),
    ]
    await empty_database.items.add_many(items, PAGE_TIME)
    page = await empty_database.items.latest(10)
    assert [h.title for h in page.headlines] == ["New", "Old"]
    found = await empty_database.items.search("common", 10)
    assert [h.title for h in found] == ["New", "Old"]


async def test_search_matches_title_and_body_words_and_prefixes(database: Database) -> None:
    titles = [h.title for h in await database.items.search("bellingcat", 20)]
    assert len(titles) == 2
    assert all("Bellingcat" in title for title in titles)
    assert [h.title for h in await database.items.search("Skripal Urban", 20)] == [
        "Embassy Press Officer’s reply to a media question concerning the BBC journalist "
        "Mark Urban’s book on Sergei Skripal"
    ]
    statement = await database.items.search("ASEANAPOL", 20)
    assert [h.kind for h in statement] == [ItemKind.STATEMENT]
    assert len(await database.items.search("sanction", 20)) == 1  # stemmed, as "sanctions"
    assert len(await database.items.search("Bellingcat", 1)) == 1


@pytest.mark.parametrize(
    "words",
    ['"', '"unclosed', "(", "*", "OR", "NEAR(a b)", "a AND", "title:x", "^", "'", "-x", "—", ""],
)
async def test_fts_syntax_in_input_is_never_an_error(database: Database, words: str) -> None:
    assert isinstance(await database.items.search(words, 20), list)


def test_match_query_quotes_every_word() -> None:
    assert match_query('NEAR("a" b*) OR x') == '"near" "a" "b" "or" "x"'
    assert match_query(" (* ") is None


async def test_subscription_states(empty_database: Database) -> None:
    subscribers = empty_database.subscribers
    now = PAGE_TIME
    assert (
        await subscribers.subscribe(5, ChatType.PRIVATE, "en", now)
        is SubscriptionChange.SUBSCRIBED
    )
    assert (
        await subscribers.subscribe(5, ChatType.PRIVATE, "en", now)
        is SubscriptionChange.ALREADY_SUBSCRIBED
    )
    assert await subscribers.count_active() == 1
    assert await subscribers.unsubscribe(5, now) is SubscriptionChange.UNSUBSCRIBED
    assert await subscribers.unsubscribe(5, now) is SubscriptionChange.NOT_SUBSCRIBED
    assert not await subscribers.is_active(5)
    assert (
        await subscribers.subscribe(5, ChatType.PRIVATE, None, now)
        is SubscriptionChange.SUBSCRIBED
    )
    assert await subscribers.is_active(5)


async def test_times_are_stored_in_utc_and_read_back_aware(empty_database: Database) -> None:
    moment = datetime(2018, 10, 15, 9, 30, tzinfo=UTC)
    await empty_database.items.add_many([new_item("t", moment)], moment)
    item = await empty_database.items.get(1)
    assert item is not None and item.published_at == moment and item.created_at == moment
    assert await empty_database.items.get(2) is None


async def test_an_id_once_given_is_never_given_again(empty_database: Database) -> None:
    items = empty_database.items
    await items.add_many([new_item("a", PAGE_TIME)], PAGE_TIME)
    held = await items.add_scheduled(new_item("b", PAGE_TIME), PAGE_TIME, 9001, PAGE_TIME)
    assert held == 2 and await items.cancel_scheduled(held)
    assert await items.next_id() == 3  # what a preview shows
    await items.add_many([new_item("c", PAGE_TIME)], PAGE_TIME)
    assert await items.get(2) is None
    third = await items.get(3)
    assert third is not None and third.uid == "c"
    # An item stored with an id of its own, by any statement, moves the sequence past it too.
    async with empty_database.connection.transaction() as db:
        await db.execute(
            "INSERT INTO items (id, uid, kind, title, body_html, published_at, recency,"
            " created_at, updated_at, status) VALUES (10, 'x', 'event', 'X', 'B', ?1, 10, ?1,"
            " ?1, 'scheduled')",
            (PAGE_TIME.isoformat(),),
        )
        await db.execute("DELETE FROM items WHERE id = 10")
    assert await items.next_id() == 11


async def test_an_upgraded_database_keeps_its_items_and_search(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    connection = await open_connection(path)
    assert await apply_migrations(connection, MIGRATIONS[:9]) == list(range(1, 10))
    stamp = PAGE_TIME.isoformat()
    async with connection.transaction() as db:  # as version 9 wrote them
        for item_id, title in ((1, "Sanctions"), (2, "Bellingcat"), (3, "Glushkov")):
            recency = (int(PAGE_TIME.timestamp()) // 60 << 32) | item_id
            await db.execute(
                "INSERT INTO items (id, uid, kind, title, body_html, published_at, recency,"
                " created_at, updated_at) VALUES (?, ?, 'statement', ?, 'Body', ?, ?, ?, ?)",
                (item_id, f"u{item_id}", title, stamp, recency, stamp, stamp),
            )
            await db.execute(
                "INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, 'Body')",
                (recency, title),
            )
        await db.execute(
            "INSERT INTO broadcasts (id, item_id, action, total, created_at)"
            " VALUES (1, 3, 'send', 1, ?)",
            (stamp,),
        )
        await db.execute("INSERT INTO deliveries (broadcast_id, chat_id) VALUES (1, 5)")
    await connection.close()

    database = await open_database(path)
    try:
        assert await database.items.count() == 3
        assert [h.id for h in await database.items.search("sanction", 10)] == [1]
        assert [h.title for h in (await database.items.latest(5)).headlines] == [
            "Glushkov",
            "Bellingcat",
            "Sanctions",
        ]
        progress = await database.outbox.progress(1)
        assert progress is not None and (progress.item_id, progress.total) == (3, 1)
        assert await database.digests.listing(1) == 0
        held = await database.items.add_scheduled(
            new_item("held", PAGE_TIME), PAGE_TIME, 9001, PAGE_TIME
        )
        assert held == 4 and await database.items.cancel_scheduled(held)
        await database.items.add_many([new_item("next", PAGE_TIME)], PAGE_TIME)
        assert [h.id for h in (await database.items.latest(1)).headlines] == [5]
        async with (
            database.connection.reading() as db,
            db.execute("PRAGMA foreign_key_check") as cursor,
        ):
            assert await cursor.fetchall() == []
    finally:
        await database.close()


async def test_the_store_derives_the_search_text_from_the_items_html(
    empty_database: Database,
) -> None:
    body = "<b>Question:</b> Is the &laquo;Skripal&raquo; case closed?"
    item = new_item("html", PAGE_TIME, "A title", body)
    item_id, _ = await empty_database.outbox.publish_new(item, 9001, 9001, PAGE_TIME)
    assert [h.id for h in await empty_database.items.search("Question Skripal", 10)] == [item_id]
    assert await empty_database.items.search("laquo", 10) == []  # entities decoded, tags gone
    await empty_database.outbox.correct(
        item_id,
        versions=[Version("en", "A title", "<i>Answer:</i> Not yet.")],
        requested_by=9001,
        progress_chat_id=9001,
        now=PAGE_TIME,
    )
    assert await empty_database.items.search("Skripal", 10) == []
    assert [h.id for h in await empty_database.items.search("answer", 10)] == [item_id]
    held = await empty_database.items.add_scheduled(
        new_item("held", PAGE_TIME, "Later", "<p>Embargoed &amp; held</p>"),
        PAGE_TIME,
        9001,
        PAGE_TIME,
    )
    assert await empty_database.items.search("embargoed", 10) == []
    assert await empty_database.outbox.publish_held(held, None, PAGE_TIME) is not None
    assert [h.id for h in await empty_database.items.search("embargoed", 10)] == [held]


async def test_the_progress_of_many_broadcasts_is_read_at_once(empty_database: Database) -> None:
    database = empty_database
    for chat_id, chat_type in (
        (1, ChatType.PRIVATE),
        (2, ChatType.PRIVATE),
        (-3, ChatType.CHANNEL),
    ):
        await database.subscribers.subscribe(chat_id, chat_type, "en", PAGE_TIME)
    _, first = await database.outbox.publish_new(new_item("a", PAGE_TIME), 9, 9, PAGE_TIME)
    _, second = await database.outbox.publish_new(new_item("b", PAGE_TIME), 9, 9, PAGE_TIME)
    async with database.connection.transaction() as db:
        await db.execute(
            "UPDATE deliveries SET status = CASE chat_id WHEN 1 THEN 'blocked'"
            " WHEN 2 THEN 'failed' ELSE 'sent' END WHERE broadcast_id = ?",
            (first,),
        )
    [one] = await database.outbox.recent(1)
    assert one.broadcast_id == second and (one.total, one.sent, one.pending) == (3, 0, 3)
    progress = await database.outbox.progress(first)
    assert progress is not None
    assert (progress.sent, progress.blocked, progress.failed, progress.channels_sent) == (
        1,
        1,
        1,
        1,
    )
    assert [p.broadcast_id for p in await database.outbox.open_broadcasts()] == [first, second]
    assert [p.broadcast_id for p in await database.outbox.recent(5)] == [second, first]
    assert await database.outbox.progress(second + 1) is None
