"""What the team is told: role names, refusals, /whoami, /team and invites."""

from __future__ import annotations

from pressbot.core.languages import N_
from pressbot.core.team import Right, Role
from pressbot.texts.i18n import Translator

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
