"""The schema's steps for English and Russian: items in two versions, search by word forms.

schema.py lists them after its own, in order.
"""

from __future__ import annotations

from pressbot.storage.migration import Migration

LANGUAGE_MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        12,
        "releases in English and Russian; contacts' labels and sources in a language",
        (
            # The language of an item's own title and body_html; its other versions below.
            "ALTER TABLE items ADD COLUMN language TEXT NOT NULL DEFAULT 'en'",
            """
            CREATE TABLE item_translations (
                item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
                language TEXT NOT NULL,
                title TEXT NOT NULL CHECK (length(title) > 0),
                body_html TEXT NOT NULL,
                revision INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (item_id, language)
            ) WITHOUT ROWID
            """,
            # The version being written (NULL: the first, its language told at its end), and
            # the versions finished, as JSON [{"language", "title", "body_html"}].
            "ALTER TABLE drafts ADD COLUMN language TEXT",
            "ALTER TABLE drafts ADD COLUMN versions TEXT NOT NULL DEFAULT '[]'",
            # The languages whose version a correction changed, comma-separated ('' = all):
            # only copies of those versions are edited.
            "ALTER TABLE broadcasts ADD COLUMN languages TEXT NOT NULL DEFAULT ''",
            # The language of the version a copy carries (NULL: sent before there were
            # versions, so the item's own): a correction of that version edits it, in it.
            "ALTER TABLE deliveries ADD COLUMN version TEXT",
            # A contact's label in other languages, as JSON {"ru": "…"}.
            "ALTER TABLE contacts ADD COLUMN translations TEXT NOT NULL DEFAULT '{}'",
            # The language a website source writes in (PRESSBOT_FEED_URLS "ru=https://…").
            "ALTER TABLE sources ADD COLUMN language TEXT NOT NULL DEFAULT 'en'",
            "ALTER TABLE source_entries ADD COLUMN language TEXT NOT NULL DEFAULT 'en'",
        ),
    ),
    Migration(
        13,
        "search finds Russian words in any form, as English ones",
        (
            # Each word's stem in its own language, made in Python (texts.search_terms); the
            # tokenizer only splits the terms, stemming and folding nothing again.
            "DROP TABLE items_fts",
            "CREATE VIRTUAL TABLE items_fts USING fts5("
            " title, body, tokenize = 'unicode61 remove_diacritics 0')",
            # As storage.search_index fills it: every version's title and plain-text body
            # (the functions: storage.connection).
            """
            INSERT INTO items_fts (rowid, title, body)
            SELECT items.recency, group_concat(pressbot_search_terms(v.title), char(10)),
                group_concat(pressbot_search_terms(pressbot_html_to_plain(v.body_html)), char(10))
            FROM items JOIN (
                SELECT id AS item_id, title, body_html FROM items
                UNION ALL SELECT item_id, title, body_html FROM item_translations
            ) AS v ON v.item_id = items.id
            WHERE items.status = 'published' GROUP BY items.id
            """,
        ),
    ),
)
