import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import PAGE_TIME
from pressbot.models import ChatType, ItemKind, NewItem, SubscriptionChange
from pressbot.storage import Database, open_database
from pressbot.storage.connection import open_connection
from pressbot.storage.items import fts_query
from pressbot.storage.migrations import MIGRATIONS, Migration, apply_migrations


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
    assert await empty_database.items.add_many([item], ["Body"], PAGE_TIME) == 1
    assert await empty_database.items.add_many([item], ["Body"], PAGE_TIME) == 0
    assert await empty_database.items.count() == 1


async def test_newest_by_publication_not_by_insertion(empty_database: Database) -> None:
    items = [
        new_item("new", PAGE_TIME, "New"),
        new_item("old", PAGE_TIME - timedelta(days=30), "Old"),
    ]
    await empty_database.items.add_many(items, ["common word", "common word"], PAGE_TIME)
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


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('NEAR("a" b*) OR x') == '"NEAR" "a" "b" "OR" "x"'
    assert fts_query(" (* ") is None


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
    await empty_database.items.add_many([new_item("t", moment)], ["Body"], moment)
    item = await empty_database.items.get(1)
    assert item is not None and item.published_at == moment and item.created_at == moment
    assert await empty_database.items.get(2) is None
