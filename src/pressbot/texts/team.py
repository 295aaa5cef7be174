"""What the team is told: role names, refusals, /whoami and /team (team_notices.py: what a
member is told of their own place in it).

A member's name passes through markup (shorten, then escape), the one escaping path; role
names in commands stay English (`/team add 123 editor`), as parse_role reads them.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from pressbot.core.inputs import parse_number
from pressbot.core.languages import N_
from pressbot.core.team import Member, Right, Role
from pressbot.texts.i18n import Translator
from pressbot.texts.markup import ECHO_LIMIT, escape, shorten

NOT_MEMBER = N_("This command is for the press office's team.")
_ROLE_NAMES = {
    Role.OWNER: N_("owner"),
    Role.PUBLISHER: N_("publisher"),
    Role.EDITOR: N_("editor"),
}
#: Who has each right, said to a member who lacks it.
_NEEDS = {
    Right.DRAFT: N_("This needs an editor, a publisher or an owner; your role is {role}."),
    Right.PUBLISH: N_("This needs a publisher or an owner; your role is {role}."),
    Right.TEAM: N_("Only an owner manages the team; your role is {role}."),
}


def role_name(role: Role, tr: Translator) -> str:
    """The role's name in the reader's language."""
    return tr(_ROLE_NAMES[role])


def refusal(role: Role | None, right: Right, tr: Translator) -> str:
    """Why a command or button is refused: not a member at all, or which role it needs."""
    if role is None:
        return tr(NOT_MEMBER)
    return tr(_NEEDS[right], role=role_name(role, tr))


# -- /whoami ----------------------------------------------------------------------------------

WHOAMI_AS_GROUP = N_(
    "You are writing as the group, so Telegram does not tell me your user id. Send /whoami"
    " in a private chat with me."
)


def whoami(user_id: int, role: Role | None, configured: bool, tr: Translator) -> str:
    """A user's Telegram id (for PRESSBOT_ADMIN_IDS or /team add) and their role."""
    head = tr("Your Telegram user id: <code>{id}</code>", id=user_id)
    if configured:
        line = tr("Your role: {role} (PRESSBOT_ADMIN_IDS).", role=role_name(Role.OWNER, tr))
    elif role is not None:
        line = tr("Your role: {role}.", role=role_name(role, tr))
    else:
        line = tr("You are not in the press office's team.")
    return f"{head}\n{line}"


# -- /team ------------------------------------------------------------------------------------

TEAM_CALLBACK_PREFIX = "team"
#: Telegram's user ids have at most 52 significant bits.
USER_ID_LIMIT = 2**52
NAME_LIMIT = 64  # Telegram's first and last name are 64 characters each
_BUTTON_NAME_LIMIT = 20
USAGE = N_(
    "/team — the team, with buttons to change a role or remove someone\n"
    "/team invite editor — a one-time link for a new editor, valid for 24 hours\n"
    "/team add 123456789 publisher — add someone by their user id (/whoami shows it)\n"
    "/team remove 123456789 — remove someone\n"
    "Roles: owner (everything, and the team), publisher (publishes and approves), editor"
    " (writes drafts and submits them)."
)


def who(user_id: int, name: str, tr: Translator) -> str:
    """A member as a message names them: their name and id, or the id alone."""
    if not name:
        return tr("User <code>{id}</code>", id=user_id)
    return f"<b>{escape(shorten(name, NAME_LIMIT))}</b> (<code>{user_id}</code>)"


def team_list(
    configured: Sequence[int],
    members: Sequence[Member],
    tr: Translator,
    *,
    last_owner: int | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/team: the configured owners (not changeable here), then the members added from
    Telegram, each but `last_owner` with buttons for the other roles and for removal."""
    lines = [tr("<b>The press office's team</b>")]
    if configured:
        lines += ["", tr("Owners set in PRESSBOT_ADMIN_IDS (change them there, not here):")]
        lines += [f"• <code>{user_id}</code>" for user_id in configured]
    lines += ["", tr("Added from Telegram:")]
    if not members:
        lines.append(tr("Nobody yet."))
    rows = []
    for member in members:
        lines.append(f"• {who(member.user_id, member.name, tr)} — {role_name(member.role, tr)}")
        if member.user_id != last_owner:
            rows.append(_member_buttons(member, tr))
    lines += ["", tr(USAGE)]
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


def _member_buttons(member: Member, tr: Translator) -> list[InlineKeyboardButton]:
    label = shorten(member.name, _BUTTON_NAME_LIMIT) if member.name else str(member.user_id)
    prefix = f"{TEAM_CALLBACK_PREFIX}:"
    buttons = [
        InlineKeyboardButton(
            f"{label} → {role_name(role, tr)}",
            callback_data=f"{prefix}role:{member.user_id}:{role.value}",
        )
        for role in Role
        if role is not member.role
    ]
    remove = tr("Remove {name}", name=label)
    buttons.append(InlineKeyboardButton(remove, callback_data=f"{prefix}remove:{member.user_id}"))
    return buttons


def parse_user_id(text: str) -> int | None:
    """A Telegram user id typed or carried by a button: a positive number by the one rule
    (core/inputs.py), below 2**52 as Telegram's ids are; None for anything else."""
    number = parse_number(text)
    return number if number is not None and 0 < number < USER_ID_LIMIT else None


def parse_team_callback(value: str) -> tuple[int, Role | None] | None:
    """What a team button's value asks: (member, new role), or (member, None) to remove them;
    None for data no button of /team carries."""
    action, _, rest = value.partition(":")
    if action == "remove":
        user_id = parse_user_id(rest)
        return None if user_id is None else (user_id, None)
    number, _, role = rest.partition(":")
    user_id = parse_user_id(number)
    if action == "role" and user_id is not None and role in set(Role):
        return user_id, Role(role)
    return None


def role_set(user_id: int, name: str, before: Role | None, role: Role, tr: Translator) -> str:
    """After /team add or a role button: added, changed, or already so."""
    values = {"who": who(user_id, name, tr), "role": role_name(role, tr)}
    if before is None:
        return tr("{who} is added to the team; role: {role}.", **values)
    if before is role:
        return tr("{who} already has the role {role}; nothing changed.", **values)
    return tr(
        "{who}: role changed from {before} to {role}.", before=role_name(before, tr), **values
    )


def removed(user_id: int, name: str, draft: str | None, tr: Translator) -> str:
    """After /team remove or a Remove button; `draft` the title of the draft closed."""
    text = tr("{who} is removed from the team.", who=who(user_id, name, tr))
    if draft is None:
        return text
    return f"{text} {closed_draft(draft, tr, theirs=True)}"


def closed_draft(title: str, tr: Translator, *, theirs: bool = False) -> str:
    """The sentence about a removed member's draft (empty title: none given yet)."""
    if theirs:
        if title:
            return tr("Their unfinished draft “{title}” was closed.", title=_title(title))
        return tr("Their unfinished draft was closed.")
    if title:
        return tr("Your unfinished draft “{title}” was closed.", title=_title(title))
    return tr("Your unfinished draft was closed.")


def _title(title: str) -> str:
    return escape(shorten(title, ECHO_LIMIT))


# -- refusals of bad input and of the team's rules --------------------------------------------


class Refused(enum.StrEnum):
    """Why a team change or a join was refused: the audit row's reason."""

    NO_SUCH_ROLE = "no such role"
    NOT_A_USER_ID = "not a user id"
    CONFIGURED_OWNER = "configured owner"
    LAST_OWNER = "last owner"
    NOT_A_MEMBER = "not a member"
    BAD_BUTTON = "bad button"
    INVITE_UNKNOWN = "invite unknown"
    INVITE_USED = "invite used"
    INVITE_EXPIRED = "invite expired"
    INVITE_VOID = "invite of a former owner"
    ALREADY_MEMBER = "already a member"


_REFUSALS = {
    Refused.NO_SUCH_ROLE: N_(
        "“{text}” is not a role. The roles are owner, publisher and editor, e.g."
        " /team invite editor."
    ),
    Refused.NOT_A_USER_ID: N_(
        "“{text}” is not a user id. A user id is a positive number: the one /whoami shows."
    ),
    Refused.CONFIGURED_OWNER: N_(
        "{who} is an owner by PRESSBOT_ADMIN_IDS: the bot cannot change or remove them."
        " Change PRESSBOT_ADMIN_IDS and restart the bot instead."
    ),
    Refused.LAST_OWNER: N_(
        "{who} is the team's last owner, so cannot be removed or given another role. Make"
        " someone else an owner first."
    ),
    Refused.NOT_A_MEMBER: N_("{who} is not in the team; nothing changed."),
    Refused.BAD_BUTTON: N_("This button does not work any more. Send /team for the current list."),
}


def refused(
    reason: Refused, tr: Translator, *, user_id: int = 0, name: str = "", text: str = ""
) -> str:
    """Why an owner's team change is refused; `text` is what they typed, echoed shortened."""
    return tr(
        _REFUSALS[reason], who=who(user_id, name, tr), text=escape(shorten(text, ECHO_LIMIT))
    )
