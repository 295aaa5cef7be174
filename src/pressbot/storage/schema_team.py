"""The schema's step for the press office as a team: members, invites, submissions, audit.

schema.py lists it after the language steps.
"""

from __future__ import annotations

from pressbot.storage.migration import Migration

_ROLES = "('owner', 'publisher', 'editor')"

TEAM_MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        14,
        "the press office as a team: roles, invites, approval and an append-only audit trail",
        (
            # Members added from Telegram; PRESSBOT_ADMIN_IDS are owners without a row here.
            f"""
            CREATE TABLE members (
                user_id INTEGER PRIMARY KEY,
                role TEXT NOT NULL CHECK (role IN {_ROLES}),
                name TEXT NOT NULL DEFAULT '',
                added_by INTEGER NOT NULL,
                added_at TEXT NOT NULL
            )
            """,
            # One-time invite links: used once (used_by set), within expires_at.
            f"""
            CREATE TABLE invites (
                token TEXT PRIMARY KEY,
                role TEXT NOT NULL CHECK (role IN {_ROLES}),
                created_by INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                used_by INTEGER,
                used_at TEXT
            )
            """,
            # What waits for a publisher: a release or correction (its draft's versions, media,
            # kind, urgency) or a withdrawal. A decision moves status off 'pending' once.
            """
            CREATE TABLE submissions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                action TEXT NOT NULL CHECK (action IN ('release', 'correction', 'withdrawal')),
                author_id INTEGER NOT NULL,
                item_id INTEGER,
                kind TEXT,
                urgent INTEGER NOT NULL DEFAULT 0,
                media TEXT NOT NULL DEFAULT '[]',
                versions TEXT NOT NULL DEFAULT '[]',
                publish_at TEXT,
                status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
                    ('pending', 'approved', 'rejected', 'changes requested')),
                note TEXT NOT NULL DEFAULT '',
                decided_by INTEGER,
                decided_at TEXT,
                created_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX submissions_pending ON submissions (status, id)",
            # The messages that show a submission to publishers: their buttons go once decided.
            """
            CREATE TABLE submission_messages (
                submission_id INTEGER NOT NULL REFERENCES submissions (id),
                chat_id INTEGER NOT NULL,
                message_id INTEGER NOT NULL,
                PRIMARY KEY (submission_id, chat_id, message_id)
            ) WITHOUT ROWID
            """,
            # A publisher who pressed Request changes: their next message is the note.
            """
            CREATE TABLE awaiting_notes (
                user_id INTEGER PRIMARY KEY,
                submission_id INTEGER NOT NULL REFERENCES submissions (id),
                asked_at TEXT NOT NULL
            )
            """,
            # Who did what, when, to which item: appended to, never changed (the triggers).
            # item_id is no foreign key: a cancelled scheduled item's rows outlive it.
            """
            CREATE TABLE audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                actor_id INTEGER,
                action TEXT NOT NULL,
                item_id INTEGER,
                details TEXT NOT NULL DEFAULT '{}'
            )
            """,
            "CREATE INDEX audit_item ON audit (item_id, id)",
            "CREATE INDEX audit_at ON audit (at)",
            "CREATE INDEX audit_actor ON audit (actor_id, at)",
            """
            CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: rows cannot change'); END
            """,
            """
            CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: rows cannot go'); END
            """,
            # INSERT OR REPLACE deletes the row it replaces without firing the DELETE trigger
            # (unless recursive_triggers is on): refused here, before the insert.
            """
            CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
            WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: rows cannot change'); END
            """,
        ),
    ),
)
