"""What a member is told of their place in the team: an invite's link, the welcome on joining
by it (or why not), a new role, a removal."""

from __future__ import annotations

from datetime import datetime

from pressbot.core.languages import N_
from pressbot.core.team import Role
from pressbot.texts.admin import format_release_time
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import escape
from pressbot.texts.team import Refused, closed_draft, role_name, who

_CAN = {
    Role.OWNER: N_(
        "You can write, publish, schedule, correct and withdraw releases, approve others'"
        " drafts, and manage the team with /team."
    ),
    Role.PUBLISHER: N_(
        "You can write, publish, schedule, correct and withdraw releases, approve others'"
        " drafts, and publish or skip the website's new entries."
    ),
    Role.EDITOR: N_(
        "You can write drafts with /post, submit them for approval and correct your own; a"
        " publisher or an owner publishes them."
    ),
}
_HELP = N_("/help lists your commands.")
_JOIN_REFUSALS = {
    Refused.INVITE_UNKNOWN: N_(
        "This invite link is not valid. Check that it was copied whole, or ask an owner of the"
        " press office for a new one."
    ),
    Refused.INVITE_USED: N_(
        "This invite link was used already. Ask an owner of the press office for a new one."
    ),
    Refused.INVITE_EXPIRED: N_(
        "This invite link expired on {when}. Ask an owner of the press office for a new one."
    ),
    Refused.INVITE_VOID: N_(
        "This invite link no longer works: whoever made it no longer manages the team. Ask an"
        " owner of the press office for a new one."
    ),
    Refused.CONFIGURED_OWNER: N_(
        "You are an owner by PRESSBOT_ADMIN_IDS already; the invite stays unused."
    ),
    Refused.ALREADY_MEMBER: N_(
        "You are in the team already, role: {role}; the invite stays unused."
    ),
    Refused.LAST_OWNER: N_(
        "You are the team's last owner: an invite for another role cannot take that away. Make"
        " someone else an owner first; the invite stays unused."
    ),
}


def invite_created(role: Role, link: str, expires: datetime, tr: Translator) -> str:
    """/team invite: the link to pass on, and until when it works."""
    return tr(
        "A one-time invite to the team, role: {role}.\n{link}\nIt works once, until {when}."
        " Send it to the person you invite: whoever opens it first joins the team.",
        role=role_name(role, tr),
        link=escape(link),
        when=format_release_time(expires, tr),
    )


def join_refused(
    reason: Refused, tr: Translator, *, role: Role | None = None, expired: datetime | None = None
) -> str:
    """Why /start join_<token> changed nothing."""
    return tr(
        _JOIN_REFUSALS[reason],
        role=role_name(role, tr) if role else "",
        when=format_release_time(expired, tr) if expired else "",
    )


def joined(role: Role, tr: Translator) -> str:
    """To the member who opened an invite link."""
    head = tr("Welcome to the press office's team. Your role: {role}.", role=role_name(role, tr))
    return f"{head}\n{tr(_CAN[role])}\n{tr(_HELP)}"


def joined_by_invite(user_id: int, name: str, role: Role, tr: Translator) -> str:
    """To the owner whose invite was used."""
    return tr(
        "{who} is in the team now, by your invite link; role: {role}.",
        who=who(user_id, name, tr),
        role=role_name(role, tr),
    )


def told_role(before: Role | None, role: Role, tr: Translator) -> str:
    """To a member an owner added or gave another role."""
    if before is None:
        head = tr(
            "An owner added you to the press office's team. Your role: {role}.",
            role=role_name(role, tr),
        )
    else:
        head = tr("Your role in the press office's team is now {role}.", role=role_name(role, tr))
    return f"{head}\n{tr(_CAN[role])}\n{tr(_HELP)}"


def told_removed(draft: str | None, tr: Translator) -> str:
    """To a member an owner removed; `draft` the title of their draft, closed with it."""
    text = tr("You are no longer in the press office's team.")
    return text if draft is None else f"{text} {closed_draft(draft, tr)}"
