"""The press office as a team: roles, what each may do, approval modes, invites, audit rows.

Plain values and rules, no I/O: storage/team.py keeps the members and invites, bot/handlers/
rights.py asks `may` at every command and button, the approval and team handlers use the rest.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pressbot.core.models import Draft


class Role(enum.StrEnum):
    """A member's role, most rights first."""

    OWNER = "owner"  # everything, and the team itself; PRESSBOT_ADMIN_IDS are owners
    PUBLISHER = "publisher"  # publish, schedule, correct, withdraw, approve; website entries
    EDITOR = "editor"  # write drafts and submit them for approval; never publishes


class Right(enum.StrEnum):
    """What a command or a button needs."""

    DRAFT = "draft"  # /post, /edit, the draft's steps and Submit
    PUBLISH = "publish"  # Publish, Schedule, Confirm, /delete, /scheduled, /sources, approve
    TEAM = "team"  # /team and its buttons


RIGHTS: dict[Role, frozenset[Right]] = {
    Role.OWNER: frozenset(Right),
    Role.PUBLISHER: frozenset({Right.DRAFT, Right.PUBLISH}),
    Role.EDITOR: frozenset({Right.DRAFT}),
}


def may(role: Role | None, right: Right) -> bool:
    """Whether a member of `role` (None: not a member) has `right`."""
    return role is not None and right in RIGHTS[role]


def parse_role(text: str) -> Role | None:
    """A role by its name, any case; None for a name that is no role."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        return None


class Approval(enum.StrEnum):
    """PRESSBOT_APPROVAL: who must agree before something goes out."""

    OFF = "off"  # publishers and owners publish their own drafts; editors submit theirs
    REQUIRED = "required"  # the same, said outright: an editor's draft waits for a publisher
    TWO_PERSON = "two-person"  # nobody publishes their own: a second member must approve


class Action(enum.StrEnum):
    """What a submission asks a publisher to let go out."""

    RELEASE = "release"
    CORRECTION = "correction"
    WITHDRAWAL = "withdrawal"


def needs_approval(approval: Approval, role: Role | None, action: Action) -> bool:
    """Whether `role`'s own `action` must wait for another member's approval.

    An editor never publishes (and cannot withdraw at all, so never submits a withdrawal);
    in two-person mode nobody lets their own action out.
    """
    if approval is Approval.TWO_PERSON:
        return True
    return not may(role, Right.PUBLISH)


def may_decide(role: Role | None, approver_id: int, author_id: int, approval: Approval) -> bool:
    """Whether a member may approve, reject or send back a submission by `author_id`."""
    if not may(role, Right.PUBLISH):
        return False
    return approval is not Approval.TWO_PERSON or approver_id != author_id


@dataclass(frozen=True, slots=True)
class Member:
    """A member of the press office; owners from PRESSBOT_ADMIN_IDS have `configured` set."""

    user_id: int
    role: Role
    name: str = ""
    added_by: int | None = None
    added_at: datetime | None = None
    configured: bool = False  # one of PRESSBOT_ADMIN_IDS: not removable from the bot


#: How long an invite link works, and how many of its characters are random.
INVITE_LIFETIME = timedelta(hours=24)
INVITE_PREFIX = "join_"  # /start join_<token>: Telegram allows [A-Za-z0-9_-], 64 at most


def new_invite_token() -> str:
    """A fresh invite token: 128 random bits, URL-safe, fit for a start parameter."""
    return secrets.token_urlsafe(16)


def invite_link(bot_username: str, token: str) -> str:
    """The t.me link that opens the bot with /start join_<token>."""
    return f"https://t.me/{bot_username}?start={INVITE_PREFIX}{token}"


@dataclass(frozen=True, slots=True)
class Invite:
    """A one-time invite to join the team in a role."""

    token: str
    role: Role
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None = None


class AuditAction(enum.StrEnum):
    """What an audit row records."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    APPROVAL_FAILED = "approval failed"  # approved, but it could not be let out: waits again
    REJECTED = "rejected"
    CHANGES_REQUESTED = "changes requested"
    PUBLISHED = "published"
    SCHEDULED = "scheduled"
    RESCHEDULED = "rescheduled"
    UNSCHEDULED = "unscheduled"
    CORRECTED = "corrected"
    WITHDRAWN = "withdrawn"
    RESTORED = "restored"
    ENTRY_PUBLISHED = "website entry published"
    ENTRY_SKIPPED = "website entry skipped"
    MEMBER_ADDED = "member added"
    MEMBER_JOINED = "member joined"
    ROLE_CHANGED = "role changed"
    MEMBER_REMOVED = "member removed"
    INVITE_CREATED = "invite created"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit row: who did what, when, to which item, and the details (text before and
    after a correction, the role changed, what was refused)."""

    id: int
    at: datetime
    actor_id: int | None  # None: pressbot itself (a scheduled release going out)
    action: AuditAction
    item_id: int | None
    details: dict[str, str]


class SubmissionStatus(enum.StrEnum):
    """Where a submission stands; only a pending one can be decided, and only once."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CHANGES_REQUESTED = "changes requested"


@dataclass(frozen=True, slots=True)
class Submission:
    """A draft, a correction or a withdrawal waiting for a publisher's decision.

    `draft` is the release or correction as its author left it (None for a withdrawal);
    `publish_at` the time the author chose to schedule it for (None: at once).
    """

    id: int
    action: Action
    author_id: int
    item_id: int | None
    draft: Draft | None
    publish_at: datetime | None
    status: SubmissionStatus
    created_at: datetime
    note: str = ""
    decided_by: int | None = None
