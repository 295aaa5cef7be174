"""The schema's step for reports: delivery counts kept as they change, reads, and the
history of subscriptions.

schema.py lists it after the team's step.
"""

from __future__ import annotations

from pressbot.core.quiet import HELD_FOR_QUIET_HOURS
from pressbot.core.reports import JoinReason
from pressbot.storage.migration import Migration


def _counters(new: str, old: str) -> str:
    """The SET list that moves a broadcast's counters from status `old` to status `new`
    (each a trigger's OLD.status or NEW.status, or a literal status)."""
    return ", ".join(
        f"{status} = {status} + ({new} = '{status}') - ({old} = '{status}')"
        for status in ("sent", "blocked", "failed")
    )


#: Joins and leaves alternate and have reasons of their own, so a statement that changed
#: `active` without saying why left the last change's reason: the event says "unknown".
_REASON = (
    f"CASE WHEN NEW.change_reason IS OLD.change_reason THEN '{JoinReason.UNKNOWN}'"
    " ELSE NEW.change_reason END"
)
#: An ISO 8601 text time as Unix seconds (unixepoch() needs SQLite 3.38).
_SECONDS = "CAST(strftime('%s', {}) AS REAL)"

REPORT_MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        15,
        "reports: delivery counters on each broadcast, first reads, subscriptions over time",
        (
            # Counted by the triggers below in the transaction that moves a delivery, so a
            # report over many releases reads three numbers a release, not its deliveries.
            "ALTER TABLE broadcasts ADD COLUMN sent INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE broadcasts ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE broadcasts ADD COLUMN failed INTEGER NOT NULL DEFAULT 0",
            """
            UPDATE broadcasts SET
                sent = (SELECT count(*) FROM deliveries
                        WHERE broadcast_id = broadcasts.id AND status = 'sent'),
                blocked = (SELECT count(*) FROM deliveries
                           WHERE broadcast_id = broadcasts.id AND status = 'blocked'),
                failed = (SELECT count(*) FROM deliveries
                          WHERE broadcast_id = broadcasts.id AND status = 'failed')
            """,
            f"""
            CREATE TRIGGER deliveries_count_moves AFTER UPDATE OF status ON deliveries
            WHEN OLD.status IS NOT NEW.status
            BEGIN
                UPDATE broadcasts SET {_counters("NEW.status", "OLD.status")}
                WHERE id = NEW.broadcast_id;
            END
            """,
            f"""
            CREATE TRIGGER deliveries_count_inserts AFTER INSERT ON deliveries
            WHEN NEW.status != 'pending'
            BEGIN
                UPDATE broadcasts SET {_counters("NEW.status", "'pending'")}
                WHERE id = NEW.broadcast_id;
            END
            """,
            f"""
            CREATE TRIGGER deliveries_count_deletes AFTER DELETE ON deliveries
            WHEN OLD.status != 'pending'
            BEGIN
                UPDATE broadcasts SET {_counters("'pending'", "OLD.status")}
                WHERE id = OLD.broadcast_id;
            END
            """,
            # When a copy first reached its chat, set once by the outcome's record: done_at moves
            # when a correction replaces the copy. Earlier copies are read as done_at says.
            "ALTER TABLE deliveries ADD COLUMN delivered_at REAL",
            "UPDATE deliveries SET delivered_at = done_at WHERE status = 'sent'",
            # A release's deliveries in the order they reached their chats: when half of them,
            # and all, had. It serves the per-status lookups of the old index too.
            "DROP INDEX deliveries_by_status",
            "CREATE INDEX deliveries_by_status ON deliveries (broadcast_id, status, delivered_at)",
            # The copies of a release waiting for quiet hours, counted without reading the rows.
            f"CREATE INDEX deliveries_held ON deliveries (broadcast_id)"
            f" WHERE status = 'pending' AND error = '{HELD_FOR_QUIET_HOURS}'",
            # The first time each chat opened an item in full; `at` in Unix seconds.
            """
            CREATE TABLE reads (
                item_id INTEGER NOT NULL,
                chat_id INTEGER NOT NULL,
                at REAL NOT NULL,
                PRIMARY KEY (item_id, chat_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX reads_by_time ON reads (item_id, at)",
            "CREATE INDEX reads_at ON reads (at)",
            # Why a subscriber's row last changed (set by the statement that changes it), so the
            # history below can say why a chat joined or left.
            "ALTER TABLE subscribers ADD COLUMN change_reason TEXT NOT NULL DEFAULT ''",
            """
            CREATE TABLE subscription_events (
                id INTEGER PRIMARY KEY,
                chat_id INTEGER NOT NULL,
                at REAL NOT NULL,
                joined INTEGER NOT NULL CHECK (joined IN (0, 1)),
                reason TEXT NOT NULL
            )
            """,
            # (at, joined): the month's joins and leaves are counted from the index alone.
            "CREATE INDEX subscription_events_at ON subscription_events (at, joined)",
            # The history before this version, as well as the table tells it: each chat joined
            # when it last subscribed, and one that is gone left at its row's last change.
            f"""
            INSERT INTO subscription_events (chat_id, at, joined, reason)
            SELECT chat_id, {_SECONDS.format("subscribed_at")}, 1, '{JoinReason.EARLIER}'
            FROM subscribers ORDER BY subscribed_at
            """,
            f"""
            INSERT INTO subscription_events (chat_id, at, joined, reason)
            SELECT chat_id, {_SECONDS.format("updated_at")}, 0, '{JoinReason.EARLIER}'
            FROM subscribers WHERE active = 0 ORDER BY updated_at
            """,
            # Every way a chat comes or goes (a command, a failed send, the bot removed, the
            # configured channels) passes here, whatever statement makes the change.
            f"""
            CREATE TRIGGER subscribers_join AFTER INSERT ON subscribers WHEN NEW.active = 1
            BEGIN
                INSERT INTO subscription_events (chat_id, at, joined, reason)
                VALUES (NEW.chat_id, {_SECONDS.format("NEW.updated_at")}, 1,
                        CASE NEW.change_reason WHEN '' THEN '{JoinReason.UNKNOWN}'
                        ELSE NEW.change_reason END);
            END
            """,
            f"""
            CREATE TRIGGER subscribers_come_and_go AFTER UPDATE OF active ON subscribers
            WHEN OLD.active != NEW.active
            BEGIN
                INSERT INTO subscription_events (chat_id, at, joined, reason)
                VALUES (NEW.chat_id, {_SECONDS.format("NEW.updated_at")}, NEW.active,
                        {_REASON});
            END
            """,
        ),
    ),
)
