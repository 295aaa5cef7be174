"""The search index (items_fts): what it holds of each published item, and how it is asked.

It holds the terms of what a reader sees of the item (every version's title, and its body as
plain text), each word stemmed in its own language (pressbot.texts.search_terms); its
tokenizer only splits them at the spaces. A query is made of the same terms, each quoted, so
the same word in any form finds the item, and nothing a user types is read as FTS5 syntax.
rowid is items.recency, so that a MATCH walks newest first and stops at its LIMIT.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import aiosqlite

from pressbot.core.models import Version
from pressbot.texts.markup import html_to_plain
from pressbot.texts.search_terms import search_terms, search_text

#: The most words of a query that count; the rest are dropped.
MAX_QUERY_WORDS = 12


def _sql_search_terms(text: str | None) -> str | None:
    return None if text is None else search_text(text)


def _sql_html_to_plain(markup: str | None) -> str | None:
    return None if markup is None else html_to_plain(markup)


#: Functions every connection has (storage.connection registers them), for SQL that fills the
#: index from the items table itself: migration 13 does, and later migrations may.
SQL_FUNCTIONS: dict[str, Callable[[str | None], str | None]] = {
    "pressbot_search_terms": _sql_search_terms,
    "pressbot_html_to_plain": _sql_html_to_plain,
}


def match_query(words: str) -> str | None:
    """The FTS5 query that needs every word of what a user typed, in any of its forms;
    None when it holds no word.

    Each term is a run of letters and digits, quoted, so FTS5 syntax (quotes, brackets,
    NEAR, OR, *) in the input is searched for as words or dropped, never obeyed.
    """
    terms = dict.fromkeys(search_terms(words)[:MAX_QUERY_WORDS])
    if not terms:
        return None
    return " ".join(f'"{term}"' for term in terms)


def _index_text(versions: Sequence[Version]) -> tuple[str, str]:
    """The index's title and body of an item: the terms of every version's title, and of
    every version's body as plain text."""
    titles = "\n".join(search_text(version.title) for version in versions)
    bodies = "\n".join(search_text(html_to_plain(version.body_html)) for version in versions)
    return titles, bodies


async def index_item(db: aiosqlite.Connection, recency: int, versions: Sequence[Version]) -> None:
    """Put a newly published item in the index, inside the caller's transaction."""
    titles, bodies = _index_text(versions)
    await db.execute(
        "INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)", (recency, titles, bodies)
    )


async def reindex_item(
    db: aiosqlite.Connection, recency: int, versions: Sequence[Version]
) -> None:
    """Replace what the index holds of a corrected item, inside the caller's transaction."""
    titles, bodies = _index_text(versions)
    await db.execute(
        "UPDATE items_fts SET title = ?, body = ? WHERE rowid = ?", (titles, bodies, recency)
    )


async def unindex_item(db: aiosqlite.Connection, recency: int) -> None:
    """Take an item out of the index (it was withdrawn), inside the caller's transaction."""
    await db.execute("DELETE FROM items_fts WHERE rowid = ?", (recency,))
