"""The team's members (beyond PRESSBOT_ADMIN_IDS, who are owners by configuration) and the
one-time invite links that add them."""

from __future__ import annotations

import hashlib
from datetime import datetime

import aiosqlite

from pressbot.core.team import AuditAction, Invite, Member, Role
from pressbot.storage.audit import append
from pressbot.storage.connection import Connection
from pressbot.storage.submissions import close_submissions_of
from pressbot.storage.times import from_db_time, to_db_time


def token_key(token: str) -> str:
    """What the invites table keeps of a token: its SHA-256, so that the file (and every
    backup of it) holds no link that works."""
    return hashlib.sha256(token.encode()).hexdigest()


def _member(row: aiosqlite.Row) -> Member:
    return Member(
        user_id=row["user_id"],
        role=Role(row["role"]),
        name=row["name"],
        added_by=row["added_by"],
        added_at=from_db_time(row["added_at"]),
    )


_INVITE_COLUMNS = "SELECT role, created_by, created_at, expires_at, used_by FROM invites"


def _invite(token: str, row: aiosqlite.Row) -> Invite:
    return Invite(
        token=token,
        role=Role(row["role"]),
        created_by=row["created_by"],
        created_at=from_db_time(row["created_at"]),
        expires_at=from_db_time(row["expires_at"]),
        used_by=row["used_by"],
    )


async def _void_invites(db: aiosqlite.Connection, created_by: int, now: datetime) -> int:
    """End the unused invites a member made, as they stop being an owner; how many."""
    cursor = await db.execute(
        "UPDATE invites SET expires_at = ? WHERE created_by = ? AND used_by IS NULL"
        " AND expires_at > ?",
        (to_db_time(now), created_by, to_db_time(now)),
    )
    return cursor.rowcount


class TeamStore:
    """The members and invites tables; every change is audited in its own transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def get(self, user_id: int) -> Member | None:
        """The member added from Telegram, or None (configured owners have no row)."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT user_id, role, name, added_by, added_at FROM members WHERE user_id = ?",
                (user_id,),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return None if row is None else _member(row)

    async def members(self) -> list[Member]:
        """Every member added from Telegram, owners first, then by when they were added."""
        async with (
            self._connection.reading() as db,
            db.execute(
                "SELECT user_id, role, name, added_by, added_at FROM members ORDER BY"
                " CASE role WHEN 'owner' THEN 0 WHEN 'publisher' THEN 1 ELSE 2 END, added_at,"
                " user_id"
            ) as cursor,
        ):
            return [_member(row) async for row in cursor]

    async def set_role(
        self, user_id: int, role: Role, *, by: int, now: datetime, name: str = ""
    ) -> Role | None:
        """Add the user in `role`, or change their role; return the role they had (None: new).

        Audited as added or role changed; nothing is written when the role is the same.
        """
        async with self._connection.transaction() as db:
            async with db.execute("SELECT role FROM members WHERE user_id = ?", (user_id,)) as c:
                row = await c.fetchone()
            before = None if row is None else Role(row["role"])
            if before is role:
                return before
            if before is None:
                await db.execute(
                    "INSERT INTO members (user_id, role, name, added_by, added_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (user_id, role.value, name, by, to_db_time(now)),
                )
                await append(
                    db,
                    now,
                    by,
                    AuditAction.MEMBER_ADDED,
                    details={"member": user_id, "role": role},
                )
            else:
                await db.execute(
                    "UPDATE members SET role = ? WHERE user_id = ?", (role.value, user_id)
                )
                details: dict[str, object] = {"member": user_id, "from": before, "to": role}
                if before is Role.OWNER and (voided := await _void_invites(db, user_id, now)):
                    details["invites voided"] = voided
                await append(db, now, by, AuditAction.ROLE_CHANGED, details=details)
            return before

    async def remove(self, user_id: int, *, by: int, now: datetime) -> Role | None:
        """Remove a member (and their draft); the role they had, None when not a member."""
        async with self._connection.transaction() as db:
            async with db.execute("SELECT role FROM members WHERE user_id = ?", (user_id,)) as c:
                row = await c.fetchone()
            if row is None:
                return None
            await db.execute("DELETE FROM members WHERE user_id = ?", (user_id,))
            await db.execute("DELETE FROM drafts WHERE admin_id = ?", (user_id,))
            details: dict[str, object] = {"member": user_id, "role": row["role"]}
            if voided := await _void_invites(db, user_id, now):
                details["invites voided"] = voided
            await append(db, now, by, AuditAction.MEMBER_REMOVED, details=details)
            await close_submissions_of(db, user_id, by=by, now=now)
            return Role(row["role"])

    async def count_owners(self) -> int:
        """Owners added from Telegram (configured owners are counted by the caller)."""
        return int(
            await self._connection.value("SELECT count(*) FROM members WHERE role = 'owner'")
        )

    async def invite(self, token: str) -> Invite | None:
        """The invite with this token, used, expired or not; None when there is none."""
        async with (
            self._connection.reading() as db,
            db.execute(f"{_INVITE_COLUMNS} WHERE token = ?", (token_key(token),)) as cursor,
        ):
            row = await cursor.fetchone()
        return None if row is None else _invite(token, row)

    async def create_invite(self, invite: Invite) -> None:
        """Store a new invite, audited."""
        async with self._connection.transaction() as db:
            await db.execute(
                "INSERT INTO invites (token, role, created_by, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    token_key(invite.token),
                    invite.role.value,
                    invite.created_by,
                    to_db_time(invite.created_at),
                    to_db_time(invite.expires_at),
                ),
            )
            await append(
                db,
                invite.created_at,
                invite.created_by,
                AuditAction.INVITE_CREATED,
                details={"role": invite.role, "expires": to_db_time(invite.expires_at)},
            )

    async def redeem_invite(
        self, token: str, user_id: int, *, name: str, now: datetime
    ) -> Invite | None:
        """Take a valid invite: the user joins in its role (a member already: their role
        becomes the invite's) and the invite is used up, in one transaction. None for a token
        that is unknown, used or expired: nothing changes then."""
        async with self._connection.transaction() as db:
            cursor = await db.execute(
                "UPDATE invites SET used_by = ?, used_at = ?"
                " WHERE token = ? AND used_by IS NULL AND expires_at > ?",
                (user_id, to_db_time(now), token_key(token), to_db_time(now)),
            )
            if cursor.rowcount != 1:
                return None
            async with db.execute(f"{_INVITE_COLUMNS} WHERE token = ?", (token_key(token),)) as c:
                row = await c.fetchone()
            assert row is not None  # noqa: S101 - just updated in this transaction
            invite = _invite(token, row)
            await db.execute(
                "INSERT INTO members (user_id, role, name, added_by, added_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET role = excluded.role",
                (user_id, invite.role.value, name, invite.created_by, to_db_time(now)),
            )
            await append(
                db,
                now,
                user_id,
                AuditAction.MEMBER_JOINED,
                details={"member": user_id, "role": invite.role, "invited by": invite.created_by},
            )
            return invite
