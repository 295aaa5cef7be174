"""The schema's steps in order: each migration's number, name and statements.

migrations.py applies them, each with its record in one transaction; the steps for English
and Russian are schema_languages.py's.
"""

from __future__ import annotations

from pressbot.storage.migration import Migration
from pressbot.storage.schema_languages import LANGUAGE_MIGRATIONS
from pressbot.storage.schema_reports import REPORT_MIGRATIONS
from pressbot.storage.schema_team import TEAM_MIGRATIONS

__all__ = ["MIGRATIONS", "Migration"]

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "items, subscribers, contacts, full-text search",
        (
            """
            CREATE TABLE items (
                id INTEGER PRIMARY KEY,
                uid TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                title TEXT NOT NULL CHECK (length(title) > 0),
                body_html TEXT NOT NULL,
                published_at TEXT NOT NULL,
                -- (published minute << 32) | id: one newest-first order for lists and search
                recency INTEGER NOT NULL UNIQUE,
                source TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            # rowid = items.recency, so a MATCH can walk newest first and stop at LIMIT.
            # Stemming (porter) rather than prefix queries: "sanction" still finds
            # "sanctions", and a whole-word query streams instead of merging every prefix.
            """
            CREATE VIRTUAL TABLE items_fts USING fts5(
                title, body, tokenize = 'porter unicode61 remove_diacritics 2'
            )
            """,
            """
            CREATE TABLE subscribers (
                chat_id INTEGER PRIMARY KEY,
                chat_type TEXT NOT NULL,
                active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                language_code TEXT,
                subscribed_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX subscribers_active ON subscribers (chat_id) WHERE active = 1",
            """
            CREATE TABLE contacts (
                position INTEGER PRIMARY KEY,
                label TEXT NOT NULL UNIQUE,
                phone TEXT NOT NULL,
                email TEXT NOT NULL
            )
            """,
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ),
    ),
    Migration(
        2,
        "publishing: item status, scheduled releases, drafts, the delivery outbox",
        (
            # Only published items are listed and in the search index; scheduled ones wait for
            # publish_at, withdrawn ones keep their row so corrections can find their copies.
            "ALTER TABLE items ADD COLUMN status TEXT NOT NULL DEFAULT 'published'"
            " CHECK (status IN ('scheduled', 'published', 'withdrawn'))",
            "ALTER TABLE items ADD COLUMN publish_at TEXT",
            "ALTER TABLE items ADD COLUMN posted_by INTEGER",
            # Bumped by every correction: a revised item is marked "Updated".
            "ALTER TABLE items ADD COLUMN revision INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX items_scheduled ON items (publish_at) WHERE status = 'scheduled'",
            """
            CREATE TABLE drafts (
                admin_id INTEGER PRIMARY KEY,
                chat_id INTEGER NOT NULL,
                stage TEXT NOT NULL,
                item_id INTEGER REFERENCES items (id),
                title TEXT NOT NULL DEFAULT '',
                body_html TEXT NOT NULL DEFAULT '',
                kind TEXT,
                updated_at TEXT NOT NULL
            )
            """,
            # One broadcast per release, correction or withdrawal of an item.
            """
            CREATE TABLE broadcasts (
                id INTEGER PRIMARY KEY,
                item_id INTEGER NOT NULL REFERENCES items (id),
                action TEXT NOT NULL CHECK (action IN ('send', 'edit', 'withdraw')),
                requested_by INTEGER,
                progress_chat_id INTEGER,
                progress_message_id INTEGER,
                total INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                finished_at TEXT
            )
            """,
            # The outbox: one row per chat and broadcast, written before anything is sent.
            """
            CREATE TABLE deliveries (
                id INTEGER PRIMARY KEY,
                broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id),
                chat_id INTEGER NOT NULL,
                status TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'blocked', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                not_before REAL NOT NULL DEFAULT 0,
                message_id INTEGER,
                copy_sent_at REAL,
                error TEXT,
                done_at REAL,
                UNIQUE (broadcast_id, chat_id)
            )
            """,
            "CREATE INDEX deliveries_pending ON deliveries (id) WHERE status = 'pending'",
            "CREATE INDEX deliveries_by_status ON deliveries (broadcast_id, status)",
            "CREATE INDEX broadcasts_by_item ON broadcasts (item_id, action, id)",
        ),
    ),
    Migration(
        3,
        "topics: the kinds of item each chat does not follow",
        (
            # Muted rather than followed kinds: a new chat, and a new kind, start followed.
            """
            CREATE TABLE muted_topics (
                chat_id INTEGER NOT NULL,
                kind TEXT NOT NULL,
                PRIMARY KEY (chat_id, kind)
            ) WITHOUT ROWID
            """,
        ),
    ),
    Migration(
        4,
        "quiet hours per chat, urgent releases",
        (
            "ALTER TABLE subscribers ADD COLUMN quiet_start TEXT",
            "ALTER TABLE subscribers ADD COLUMN quiet_end TEXT",
            "ALTER TABLE subscribers ADD COLUMN quiet_zone TEXT NOT NULL DEFAULT 'London'",
            # Urgent releases ignore quiet hours.
            "ALTER TABLE items ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE drafts ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0",
        ),
    ),
    Migration(
        5,
        "the forum topic a group's releases go to",
        ("ALTER TABLE subscribers ADD COLUMN thread_id INTEGER",),
    ),
    Migration(
        6,
        "daily digests per chat, each chat's language",
        (
            # HH:MM in the chat's time zone (quiet_zone); NULL: each release as it comes.
            "ALTER TABLE subscribers ADD COLUMN digest_at TEXT",
            # The last digest's time (or when the digest was switched on), and the last
            # broadcast it covered: releases of later broadcasts are in the next digest. An id,
            # not a time, so a release in the same second as the switch is neither lost (left
            # out of the outbox and of the digest) nor sent twice.
            "ALTER TABLE subscribers ADD COLUMN digest_since TEXT",
            "ALTER TABLE subscribers ADD COLUMN digest_after INTEGER",
            # Any chat the bot talks to, subscribed or not.
            """
            CREATE TABLE chat_languages (
                chat_id INTEGER PRIMARY KEY,
                language TEXT NOT NULL
            )
            """,
            "CREATE INDEX broadcasts_sent_at ON broadcasts (created_at) WHERE action = 'send'",
        ),
    ),
    Migration(
        7,
        "website sources (feeds and pages) and the entries seen on them",
        (
            # One row per feed or page URL; its poll schedule and failure streak survive restarts.
            """
            CREATE TABLE sources (
                id INTEGER PRIMARY KEY,
                url TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL CHECK (kind IN ('feed', 'page')),
                etag TEXT,
                last_modified TEXT,
                first_success_at TEXT,
                last_success_at TEXT,
                failures INTEGER NOT NULL DEFAULT 0,
                error TEXT,
                failing_since TEXT,
                next_poll_at TEXT,
                created_at TEXT NOT NULL
            )
            """,
            # Every entry a source showed, by identity: held ones wait here for an admin (items
            # only hold what is or will be published); content_hash spots changed texts.
            """
            CREATE TABLE source_entries (
                id INTEGER PRIMARY KEY,
                source_id INTEGER NOT NULL REFERENCES sources (id),
                uid TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('imported', 'held', 'published', 'skipped')),
                item_id INTEGER REFERENCES items (id),
                kind TEXT NOT NULL,
                title TEXT NOT NULL,
                body_html TEXT NOT NULL,
                published_at TEXT NOT NULL,
                link TEXT NOT NULL DEFAULT '',
                content_hash TEXT NOT NULL,
                seen_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (source_id, uid)
            )
            """,
            "CREATE INDEX source_entries_held ON source_entries (source_id) WHERE state = 'held'",
            "CREATE INDEX source_entries_by_uid ON source_entries (uid)",
        ),
    ),
    Migration(
        8,
        "deliveries an earlier version gave up on a network error or a 5xx are sent again",
        (
            # Those versions gave up after a few attempts ("… (after 5 attempts)"); a transient
            # failure is now retried until the delivery deadline, which the engine applies.
            "UPDATE deliveries SET status = 'pending', not_before = 0, attempts = 0,"
            " done_at = NULL WHERE status = 'failed' AND error LIKE '% (after % attempts)'",
            # Their broadcasts are reported again, so the admin's report says what happened.
            "UPDATE broadcasts SET finished_at = NULL WHERE finished_at IS NOT NULL AND id IN"
            " (SELECT broadcast_id FROM deliveries WHERE status = 'pending')",
        ),
    ),
    Migration(
        9,
        "webhook updates already handled",
        (
            # Telegram posts an update again when it did not see the 200 in time; the last
            # few thousand update ids are kept so that a restart remembers them too.
            """
            CREATE TABLE webhook_updates (
                update_id INTEGER PRIMARY KEY,
                received_at REAL NOT NULL
            )
            """,
        ),
    ),
    Migration(
        10,
        "item ids are never given twice; how many daily digests list each release",
        (
            # SQLite gives the largest id again once its row is deleted (a cancelled scheduled
            # item), and an old /read_<id> would open another item. Ids come from this one-row
            # sequence instead, which only grows. The items table itself is kept as it is: a
            # rebuild (for AUTOINCREMENT) would have to drop the parent of four foreign keys.
            "CREATE TABLE item_ids (last INTEGER NOT NULL)",
            "INSERT INTO item_ids (last) SELECT coalesce(max(id), 0) FROM items",
            # Whatever stores an item, with whatever id, moves the sequence past it.
            """
            CREATE TRIGGER item_ids_follow_items AFTER INSERT ON items
            WHEN NEW.id > (SELECT last FROM item_ids)
            BEGIN
                UPDATE item_ids SET last = NEW.id;
            END
            """,
            # The chats a release went to in their digest rather than at once, as counted when
            # it was published: the admin's report says so.
            "ALTER TABLE broadcasts ADD COLUMN in_digests INTEGER NOT NULL DEFAULT 0",
        ),
    ),
    Migration(
        11,
        "photos, videos and documents of items and drafts; the messages of each copy",
        (
            # In the order the admin or the source gave them; file_id once Telegram has it.
            """
            CREATE TABLE item_media (
                item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('photo', 'video', 'document')),
                file_id TEXT,
                url TEXT,
                path TEXT,
                file_name TEXT,
                size INTEGER,
                width INTEGER,
                height INTEGER,
                PRIMARY KEY (item_id, position)
            ) WITHOUT ROWID
            """,
            # What a release went without (Telegram could not fetch it), until admins are told.
            """
            CREATE TABLE dropped_media (
                id INTEGER PRIMARY KEY,
                item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                source TEXT NOT NULL,
                reason TEXT NOT NULL,
                told_at TEXT
            )
            """,
            "ALTER TABLE drafts ADD COLUMN media TEXT NOT NULL DEFAULT '[]'",
            # A website entry's media, kept while it waits for an admin's Publish.
            "ALTER TABLE source_entries ADD COLUMN media TEXT NOT NULL DEFAULT '[]'",
            # A copy with media is several messages: message_id holds the words (and the
            # button), media_message_ids the others; copy_shape says how the copy was built.
            "ALTER TABLE deliveries ADD COLUMN media_message_ids TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE deliveries ADD COLUMN copy_shape TEXT NOT NULL DEFAULT ''",
            # Whether a correction changed the media, so copies know to edit them too.
            "ALTER TABLE broadcasts ADD COLUMN media_changed INTEGER NOT NULL DEFAULT 0",
        ),
    ),
    *LANGUAGE_MIGRATIONS,
    *TEAM_MIGRATIONS,
    *REPORT_MIGRATIONS,
)
