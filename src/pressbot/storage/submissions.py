"""Submissions: releases, corrections and withdrawals waiting for a publisher's decision.

A decision is one UPDATE from 'pending': of two publishers pressing at once, one wins and the
other is told it was decided already. The decision's audit row is written with it.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from pressbot.core.models import Draft, DraftStage
from pressbot.core.team import Action, AuditAction, Submission, SubmissionStatus
from pressbot.storage.audit import append
from pressbot.storage.connection import Connection
from pressbot.storage.media import decode_media, encode_media
from pressbot.storage.times import from_db_time, to_db_time
from pressbot.storage.translations import decode_versions, encode_versions

_COLUMNS = (
    "SELECT id, action, author_id, item_id, kind, urgent, media, versions, publish_at, status,"
    " note, decided_by, created_at FROM submissions"
)
_DECISIONS = {
    SubmissionStatus.APPROVED: AuditAction.APPROVED,
    SubmissionStatus.REJECTED: AuditAction.REJECTED,
    SubmissionStatus.CHANGES_REQUESTED: AuditAction.CHANGES_REQUESTED,
}


def _submission(row: aiosqlite.Row) -> Submission:
    action = Action(row["action"])
    draft = None
    if action is not Action.WITHDRAWAL:
        versions = decode_versions(row["versions"])
        own = versions[0]
        draft = Draft(
            admin_id=row["author_id"],
            chat_id=row["author_id"],
            stage=DraftStage.PREVIEW,
            item_id=row["item_id"],
            title=own.title,
            body_html=own.body_html,
            kind=row["kind"],
            urgent=bool(row["urgent"]),
            media=decode_media(row["media"]),
            language=own.language,
            versions=versions,
        )
    return Submission(
        id=row["id"],
        action=action,
        author_id=row["author_id"],
        item_id=row["item_id"],
        draft=draft,
        publish_at=from_db_time(row["publish_at"]) if row["publish_at"] else None,
        status=SubmissionStatus(row["status"]),
        created_at=from_db_time(row["created_at"]),
        note=row["note"],
        decided_by=row["decided_by"],
    )


#: The note of a submission closed because its author left the team.
AUTHOR_LEFT = "the author is no longer in the team"


async def close_submissions_of(
    db: aiosqlite.Connection, author_id: int, *, by: int, now: datetime
) -> list[int]:
    """Reject, inside the caller's transaction, what a member leaving the team had waiting
    (audited, each); their ids. Nobody can approve it afterwards: it is decided."""
    cursor = await db.execute(
        "UPDATE submissions SET status = 'rejected', decided_by = ?, decided_at = ?, note = ?"
        " WHERE author_id = ? AND status = 'pending' RETURNING id, item_id",
        (by, to_db_time(now), AUTHOR_LEFT, author_id),
    )
    closed = [(row["id"], row["item_id"]) for row in await cursor.fetchall()]
    for submission_id, item_id in closed:
        await append(
            db,
            now,
            by,
            AuditAction.REJECTED,
            item_id=item_id,
            details={"submission": submission_id, "note": AUTHOR_LEFT},
        )
        await db.execute("DELETE FROM awaiting_notes WHERE submission_id = ?", (submission_id,))
    return [submission_id for submission_id, _ in closed]


class SubmissionStore:
    """The submissions, their messages to publishers, and the notes being asked for."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def submit(
        self,
        action: Action,
        author_id: int,
        now: datetime,
        *,
        draft: Draft | None = None,
        item_id: int | None = None,
        publish_at: datetime | None = None,
    ) -> int:
        """Store a submission (and drop the author's draft it came from); return its id.

        Audited as submitted, in the same transaction.
        """
        versions = draft.finished if draft is not None else ()
        item = draft.item_id if draft is not None else item_id
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO submissions (action, author_id, item_id, kind, urgent, media,"
                " versions, publish_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    action.value,
                    author_id,
                    item,
                    draft.kind if draft else None,
                    int(draft.urgent) if draft else 0,
                    encode_media(draft.media if draft else ()),
                    encode_versions(versions),
                    to_db_time(publish_at) if publish_at else None,
                    to_db_time(now),
                ),
            )
            submission_id = int(cursor.lastrowid or 0)
            if draft is not None:
                await db.execute("DELETE FROM drafts WHERE admin_id = ?", (author_id,))
            details: dict[str, object] = {"submission": submission_id, "action": action}
            if versions:
                details["title"] = versions[0].title
            if publish_at is not None:
                details["publish at"] = to_db_time(publish_at)
            await append(db, now, author_id, AuditAction.SUBMITTED, item_id=item, details=details)
            return submission_id

    async def get(self, submission_id: int) -> Submission | None:
        """The submission, or None."""
        async with (
            self._connection.reading() as db,
            db.execute(f"{_COLUMNS} WHERE id = ?", (submission_id,)) as cursor,
        ):
            row = await cursor.fetchone()
        return None if row is None else _submission(row)

    async def pending(self) -> list[Submission]:
        """The submissions waiting, oldest first."""
        async with (
            self._connection.reading() as db,
            db.execute(f"{_COLUMNS} WHERE status = 'pending' ORDER BY id") as cursor,
        ):
            return [_submission(row) async for row in cursor]

    async def decide(
        self,
        submission_id: int,
        status: SubmissionStatus,
        *,
        by: int,
        now: datetime,
        note: str = "",
    ) -> bool:
        """Move a pending submission to `status` (audited); False when it was not pending
        (decided already by someone else, or unknown): nothing changes then."""
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "UPDATE submissions SET status = ?, decided_by = ?, decided_at = ?, note = ?"
                " WHERE id = ? AND status = 'pending'",
                (status.value, by, to_db_time(now), note, submission_id),
            )
            if cursor.rowcount != 1:
                return False
            async with db.execute(
                "SELECT item_id FROM submissions WHERE id = ?", (submission_id,)
            ) as c:
                row = await c.fetchone()
            assert row is not None  # noqa: S101 - just updated in this transaction
            details: dict[str, object] = {"submission": submission_id}
            if note:
                details["note"] = note
            await append(db, now, by, _DECISIONS[status], item_id=row["item_id"], details=details)
            await db.execute(
                "DELETE FROM awaiting_notes WHERE submission_id = ?", (submission_id,)
            )
            return True

    async def reopen(self, submission_id: int, *, by: int, now: datetime) -> bool:
        """Put an approved submission back to pending when letting it out failed (audited:
        the approval row stays, the trail being append-only, and this one follows it)."""
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "UPDATE submissions SET status = 'pending', decided_by = NULL, decided_at = NULL"
                " WHERE id = ? AND status = 'approved' RETURNING item_id",
                (submission_id,),
            )
            row = await cursor.fetchone()
            if row is None:
                return False
            await append(
                db,
                now,
                by,
                AuditAction.APPROVAL_FAILED,
                item_id=row["item_id"],
                details={"submission": submission_id},
            )
            return True

    async def add_message(self, submission_id: int, chat_id: int, message_id: int) -> None:
        """Remember a message that shows the submission with its buttons."""
        async with self._connection.transaction() as db:
            await db.execute(
                "INSERT OR IGNORE INTO submission_messages (submission_id, chat_id, message_id)"
                " VALUES (?, ?, ?)",
                (submission_id, chat_id, message_id),
            )

    async def messages(self, submission_id: int) -> list[tuple[int, int]]:
        """(chat, message) of each message that showed the submission's buttons."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT chat_id, message_id FROM submission_messages WHERE submission_id = ?"
                " ORDER BY chat_id, message_id",
                (submission_id,),
            ) as cursor,
        ):
            return [(row[0], row[1]) async for row in cursor]

    async def ask_note(self, user_id: int, submission_id: int, now: datetime) -> None:
        """The user's next message is the note for sending the submission back."""
        async with self._connection.transaction() as db:
            await db.execute(
                "INSERT OR REPLACE INTO awaiting_notes (user_id, submission_id, asked_at)"
                " VALUES (?, ?, ?)",
                (user_id, submission_id, to_db_time(now)),
            )

    async def note_asked(self, user_id: int) -> int | None:
        """The submission whose note the user is asked for, or None."""
        value = await self._connection.value(
            "SELECT submission_id FROM awaiting_notes WHERE user_id = ?", (user_id,)
        )
        return None if value is None else int(value)

    async def drop_note(self, user_id: int) -> bool:
        """Stop waiting for the user's note; False when none was asked."""
        async with self._connection.transaction() as db:
            cursor = await db.execute("DELETE FROM awaiting_notes WHERE user_id = ?", (user_id,))
            return cursor.rowcount == 1
